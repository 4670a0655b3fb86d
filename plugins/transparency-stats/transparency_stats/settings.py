"""The plugin's settings, defaulted and checked in one place, and the URL layout every stage takes its paths from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    # The charts' colours and font, in their images and in the browser (charts/recipe.py): site.css's
    # --ts-chart-fg, --ts-chart-grid and --ts-chart-label-bg, light and dark, and its font.
    # A site may give some of the keys: the others keep these values.
    "TRANSPARENCY_STATS_IMAGE_THEME": {
        "fg": "#1d1d1f",
        "grid": "#e2e2e6",
        "dark_fg": "#ececef",
        "dark_grid": "#34343a",
        "font": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
        "label_bg": "#ffffff",
        "dark_label_bg": "#121214",
    },
    # Each chart's embed page and images, in this folder under the data page's: transparence/graphique/<id>/.
    "TRANSPARENCY_STATS_EMBED_FOLDER": "graphique",
    "TRANSPARENCY_STATS_EMBED_TEMPLATE": "chart_embed",
}
# Settings holding one folder or file name under the data page's folder.
NAMES = ("TRANSPARENCY_STATS_EMBED_FOLDER", "TRANSPARENCY_STATS_FEED")
TEMPLATES = (
    "TRANSPARENCY_STATS_PAGE_TEMPLATE",
    "TRANSPARENCY_STATS_METRIC_TEMPLATE",
    "TRANSPARENCY_STATS_EMBED_TEMPLATE",
)
DOWNLOADS = "donnees"  # the downloads' folder under the data page's
METRIC_CHART_PREFIX = "donnees-"  # a metric page's chart id: donnees-<metric id>
SITE_CARD = "carte-du-site.png"  # in the embed folder: the share card of pages without a chart


def setting(settings, name):
    """Return a plugin setting, or its default."""
    return settings.get(name, DEFAULTS[name])


def image_cache_folder(settings) -> Path:
    """Return where finished chart images are kept: TRANSPARENCY_STATS_IMAGE_CACHE, else CACHE_PATH/chart-images."""
    return Path(setting(settings, "TRANSPARENCY_STATS_IMAGE_CACHE") or Path(settings["CACHE_PATH"]) / "chart-images")


def apply_defaults(settings) -> None:
    """Give Pelican's settings every plugin default they do not set, so templates can rely on them.

    A partial TRANSPARENCY_STATS_IMAGE_THEME keeps the default of every key it leaves out
    (call `check_settings` first: it says what is wrong in a theme that is not a mapping).
    """
    theme = settings.get("TRANSPARENCY_STATS_IMAGE_THEME")
    if isinstance(theme, dict):
        settings["TRANSPARENCY_STATS_IMAGE_THEME"] = {**DEFAULTS["TRANSPARENCY_STATS_IMAGE_THEME"], **theme}
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)


def check_settings(settings) -> list[str]:
    """Return every problem of the plugin's settings, one line each (`NAME: what is wrong — what to do`)."""
    problems = []

    def text(name: str, example: str) -> str | None:
        value = setting(settings, name)
        if isinstance(value, str) and value.strip("/ "):
            return value
        problems.append(f"{name}: {value!r} is not a name — give one, like {example!r}")
        return None

    page = text("TRANSPARENCY_STATS_PAGE_URL", "transparence/")
    if page and ("//" in page.strip("/") or ":" in page or page.strip("/") != page.strip("/").strip()):
        problems.append(
            f"TRANSPARENCY_STATS_PAGE_URL: {page!r} is not a folder of the site — write one, like 'transparence/'"
        )
    for name in NAMES:
        value = text(name, DEFAULTS[name])
        if value and "/" in value.strip("/"):
            problems.append(f"{name}: {value!r} holds a '/' — give one name, like {DEFAULTS[name]!r}")
    for name in TEMPLATES:
        text(name, DEFAULTS[name])
    if not isinstance(setting(settings, "TRANSPARENCY_STATS_PATH"), str | Path):
        problems.append("TRANSPARENCY_STATS_PATH: not a folder — give the stats folder's path, like 'stats'")
    if not isinstance(setting(settings, "TRANSPARENCY_STATS_IMAGES"), bool):
        problems.append("TRANSPARENCY_STATS_IMAGES: not True or False — write True to draw chart images, False not to")
    theme = setting(settings, "TRANSPARENCY_STATS_IMAGE_THEME")
    keys = DEFAULTS["TRANSPARENCY_STATS_IMAGE_THEME"]
    if not isinstance(theme, dict):
        problems.append(
            f"TRANSPARENCY_STATS_IMAGE_THEME: not a mapping — give some of {', '.join(keys)}, like {{'fg': '#000000'}}"
        )
    else:
        for key, value in theme.items():
            if key not in keys:
                problems.append(f"TRANSPARENCY_STATS_IMAGE_THEME: unknown key {key!r} — use {', '.join(keys)}")
            elif not isinstance(value, str) or not value.strip():
                problems.append(f"TRANSPARENCY_STATS_IMAGE_THEME: {key!r} is not a colour or font — write a CSS value")
    return problems


@dataclass(frozen=True)
class Layout:
    """Where everything the plugin writes lives, and its URL: the one owner of the data pages' URL layout.

    `site_url` prefixes every URL (absolute in the publish build, "" in development);
    `folder` is the data page's folder ("transparence"); charts' embed pages and images go
    in `embed_folder` under it, the downloads in "donnees", the feed of new figures is `feed_name`.
    """

    site_url: str = ""
    folder: str = "transparence"
    embed_folder: str = "graphique"
    feed_name: str = "nouveaux-chiffres.atom.xml"

    @classmethod
    def from_settings(cls, settings) -> Layout:
        """Return the layout the settings ask for."""
        return cls(
            site_url=settings.get("SITEURL", "") or "",
            folder=setting(settings, "TRANSPARENCY_STATS_PAGE_URL").strip("/"),
            embed_folder=setting(settings, "TRANSPARENCY_STATS_EMBED_FOLDER").strip("/"),
            feed_name=setting(settings, "TRANSPARENCY_STATS_FEED").strip("/"),
        )

    def url(self, path: str) -> str:
        """Return the public URL of an output path."""
        return f"{self.site_url}/{path}"

    @property
    def data_url(self) -> str:
        """Return the data page's URL without its final slash, e.g. `/transparence` (the base of the others)."""
        return self.url(self.folder)

    @property
    def data_page(self) -> str:
        """Return the data page's output path."""
        return f"{self.folder}/index.html"

    def metric_url(self, metric_id: str) -> str:
        """Return the URL of a metric's own page: `/transparence/youtube.subscribers/`."""
        return f"{self.data_url}/{metric_id}/"

    def metric_page(self, metric_id: str) -> str:
        """Return the output path of a metric's own page."""
        return f"{self.folder}/{metric_id}/index.html"

    @staticmethod
    def metric_chart_id(metric_id: str) -> str:
        """Return the HTML id of a metric page's chart."""
        return METRIC_CHART_PREFIX + metric_id

    @property
    def downloads(self) -> str:
        """Return the downloads' folder in the output."""
        return f"{self.folder}/{DOWNLOADS}"

    @property
    def downloads_url(self) -> str:
        """Return the downloads' folder URL."""
        return self.url(self.downloads)

    def chart_csv(self, chart_id: str) -> str:
        """Return the output path of a post's chart's CSV."""
        return f"{self.downloads}/graphiques/{chart_id}.csv"

    def metric_csv(self, metric_id: str) -> str:
        """Return the output path of a metric's CSV."""
        return f"{self.downloads}/metriques/{metric_id}.csv"

    @property
    def feed(self) -> str:
        """Return the output path of the feed of new figures."""
        return f"{self.folder}/{self.feed_name}"

    def embed(self, chart_id: str) -> str:
        """Return the folder of a chart's embed page and images."""
        return f"{self.folder}/{self.embed_folder}/{chart_id}"

    @property
    def site_card(self) -> str:
        """Return the output path of the share card of pages without a chart."""
        return f"{self.folder}/{self.embed_folder}/{SITE_CARD}"

    def reserved_ids(self) -> dict[str, str]:
        """Return the names the data page uses in its own folder, where a metric's page would go, and what they hold."""
        files = {"index.html": "the page itself", self.feed_name: "the feed of new figures"}
        return {
            DOWNLOADS: "its downloads",
            self.embed_folder: "the charts' own pages",
            "index": "the page itself",
            **{name + suffix: what for name, what in files.items() for suffix in ("", ".gz", ".br")},
        }
