"""The plugin's settings and their defaults, in one place."""

DEFAULTS = {
    # Folder holding metrics.yaml and snapshots/.
    "TRANSPARENCY_STATS_PATH": "stats",
    # URL (and folder) of the public data page; downloads live under it.
    "TRANSPARENCY_STATS_PAGE_URL": "transparence/",
    "TRANSPARENCY_STATS_PAGE_TEMPLATE": "transparency",
    # Template of each metric's own page, written at <page url>/<metric id>/.
    "TRANSPARENCY_STATS_METRIC_TEMPLATE": "transparency_metric",
    # Atom feed of new figures, relative to the page's folder.
    "TRANSPARENCY_STATS_FEED": "nouveaux-chiffres.atom.xml",
    # When set, a JSON file of the plugin's own time per phase (load, markdown, charts,
    # data_page), written at the end of the build: `invoke bench` reads it.
    "TRANSPARENCY_STATS_TIMINGS_FILE": None,
    # Draw every chart as SVG (and share cards as PNG) with kaleido when a Chromium is found;
    # False never draws (charts then wait for plotly.js, as without Chromium).
    "TRANSPARENCY_STATS_IMAGES": True,
    # Folder of the images already drawn; None: "chart-images" in Pelican's CACHE_PATH.
    "TRANSPARENCY_STATS_IMAGE_CACHE": None,
    # The images' colours and font: site.css's --ts-chart-fg and --ts-chart-grid, light and dark.
    "TRANSPARENCY_STATS_IMAGE_THEME": {
        "fg": "#1d1d1f",
        "grid": "#e2e2e6",
        "dark_fg": "#ececef",
        "dark_grid": "#34343a",
        "font": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    },
    # Each chart's embed page and images, in this folder under the data page's: transparence/graphique/<id>/.
    "TRANSPARENCY_STATS_EMBED_FOLDER": "graphique",
    "TRANSPARENCY_STATS_EMBED_TEMPLATE": "chart_embed",
}


def setting(settings, name):
    """Return a plugin setting, or its default."""
    return settings.get(name, DEFAULTS[name])


def page_dir(settings) -> str:
    """Return the data page's folder in the output, without slashes around it."""
    return setting(settings, "TRANSPARENCY_STATS_PAGE_URL").strip("/")


def page_url(settings) -> str:
    """Return the data page's absolute URL path, e.g. `/transparence`."""
    return f"{settings.get('SITEURL', '')}/{page_dir(settings)}"


def apply_defaults(settings) -> None:
    """Give Pelican's settings every plugin default they do not set, so templates can rely on them."""
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)
