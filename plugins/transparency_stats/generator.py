"""The Pelican generator that writes the data page, its downloads and the feed of new figures."""

from __future__ import annotations

import os
from pathlib import Path

from pelican.generators import Generator

from french import format_date

from .datapage import correction_views, platform_groups, snapshot_anchor
from .downloads import data_files
from .feed import snapshot_feed
from .settings import page_dir, page_url, setting
from .state import build_state


class TransparencyPageGenerator(Generator):
    """Write the data page, the downloads and the feed of new figures."""

    def generate_context(self):
        """Make sure the stats are loaded for this build."""
        build_state(self.context, self.settings)

    def generate_output(self, writer):
        """Write the page and every download."""
        state = build_state(self.context, self.settings)
        if state.stats is None:
            return
        with state.timings.span("data_page"):
            self.write_page_and_downloads(state, writer)

    def write_page_and_downloads(self, state, writer):
        """Write the page, the downloads and the feed from the loaded stats."""
        stats = state.stats
        folder = page_dir(self.settings)
        base_url = page_url(self.settings)
        out = Path(self.output_path)
        files = {f"{folder}/donnees/{name}": data for name, data in data_files(stats).items()}
        files.update((name, text.encode("utf-8")) for name, text in state.downloads.items())
        for name, data in sorted(files.items()):
            write_bytes(out / name, data)
        feed_name = f"{folder}/{setting(self.settings, 'TRANSPARENCY_STATS_FEED')}"
        feed = snapshot_feed(stats, base_url, self.settings["SITENAME"])
        target = out / feed_name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")
        groups = platform_groups(stats, base_url, state.charts)
        writer.write_file(
            f"{folder}/index.html",
            self.get_template(setting(self.settings, "TRANSPARENCY_STATS_PAGE_TEMPLATE")),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            transparency_page=True,
            has_charts=True,
            groups=groups,
            share_card=data_page_card(state.charts, base_url),
            corrections=correction_views(stats),
            snapshots=stats.snapshots[::-1],
            snapshot_anchor=snapshot_anchor,
            downloads_url=f"{base_url}/donnees",
            feed_url=f"{self.settings.get('SITEURL', '')}/{feed_name}",
            format_date=format_date,
        )


def data_page_card(charts, base_url: str):
    """Return the data page's share card: its first chart's (None without images)."""
    shown = charts.of_page(f"{base_url}/") if charts is not None else []
    return charts.share_card(shown[0].chart_id) if shown else None


def write_bytes(path: Path, data: bytes) -> None:
    """Write a download file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o644)
