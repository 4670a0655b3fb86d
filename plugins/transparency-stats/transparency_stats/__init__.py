"""Transparency stats: YAML metric snapshots become interactive charts and a public data page."""


def register():
    """Connect the plugin to Pelican (imported late so the core loads without Pelican)."""
    from .glue.plugin import register as connect

    connect()
