"""Every chart the site shows, with its embed page, its images and share card: what a build draws and writes once.

No Pelican here. Charts are added while pages are written (`ChartRegistry.add`, which
returns the URLs the chart's HTML needs); at the end of the build the glue asks for the
embed pages to write (`shown`) and the images to draw (`drawings`), all in one go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from transparency_stats.charts.html import chart_title, snapshots_used
from transparency_stats.charts.links import NARROW, WIDE, ChartMedia, Picture
from transparency_stats.charts.plot import build_plot, script_json
from transparency_stats.charts.recipe import prepare
from transparency_stats.charts.selection import ChartSelection
from transparency_stats.french import NBSP, NNBSP, format_date
from transparency_stats.settings import page_dir, setting

from .image_plots import CARD_HEIGHT, CARD_WIDTH, Theme, card_plot, dark_style, page_plot, site_card_plot
from .images import Drawing

SITE_CARD = "carte-du-site.png"
BROWSER_KEY = "_TRANSPARENCY_STATS_BROWSER"  # set by the glue when the build starts: the Chromium found, or None


@dataclass(frozen=True)
class Page:
    """Where a chart is shown: the page's URL and title (its embed page links back to it)."""

    url: str
    title: str


@dataclass(frozen=True)
class ShareCard:
    """A 1200×630 PNG for og:image and twitter:image."""

    url: str
    alt: str
    width: int = CARD_WIDTH
    height: int = CARD_HEIGHT


@dataclass
class ShownChart:
    """One chart of the site: its figures, the page showing it, its id and its media."""

    chart_id: str
    selection: ChartSelection
    page: Page
    csv_url: str
    media: ChartMedia
    folder: str  # in the output: the embed page and the images live here
    card: bool = False  # a share card is wanted

    @property
    def title(self) -> str:
        return chart_title(self.selection.spec, list(self.selection.metrics))


def source_line(selection: ChartSelection) -> str:
    """Return a chart's sources and date as one line of text: "Source : X — Chiffres au 5 janv. 2017"."""
    snapshots = snapshots_used(list(selection.observations))
    if not snapshots:
        return "Aucun chiffre sur cette période"
    sources = list(dict.fromkeys(s.source for s in snapshots))
    label = "Source" if len(sources) == 1 else "Sources"
    latest = format_date(max(s.date for s in snapshots))
    return f"{label}{NBSP}: {f'{NNBSP}; '.join(sources)} — Chiffres au {latest}"


@dataclass
class ChartRegistry:
    """The charts of one build, in the order pages showed them.

    `site_url` prefixes every URL (absolute in the publish build); `folder` is where embed
    pages and images go in the output ("transparence/graphique"); `theme` is None when no
    images are drawn (no Chromium), else the colours and font of the images.
    """

    site_url: str
    folder: str
    site_name: str
    site_description: str
    theme: Theme | None = None
    charts: dict[str, ShownChart] = field(default_factory=dict)
    # a post's absolute URL: (its HTML for full-content feeds, its charts alone for summary feeds)
    feed_entries: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def draws_images(self) -> bool:
        """Tell whether this build draws images of its charts."""
        return self.theme is not None

    def url(self, path: str) -> str:
        """Return the public URL of an output path."""
        return f"{self.site_url}/{path}"

    def add(self, chart_id: str, selection: ChartSelection, page: Page, csv_url: str) -> ChartMedia:
        """Record a chart shown on `page`; return the URLs its HTML links to."""
        folder = f"{self.folder}/{chart_id}"
        picture = None
        if self.draws_images:
            picture = Picture(self.url(f"{folder}/graphique.svg"), self.url(f"{folder}/graphique-etroit.svg"))
        media = ChartMedia(embed_url=self.url(f"{folder}/"), picture=picture)
        self.charts[chart_id] = ShownChart(chart_id, selection, page, csv_url, media, folder)
        return media

    def of_page(self, page_url: str) -> list[ShownChart]:
        """Return the charts shown on a page, in order."""
        return [chart for chart in self.charts.values() if chart.page.url == page_url]

    def share_card(self, chart_id: str) -> ShareCard | None:
        """Ask for a chart's share card (a page's (url, chart) pair); return it, or None without images."""
        chart = self.charts.get(chart_id)
        if chart is None or not self.draws_images:
            return None
        chart.card = True
        alt = f"Graphique{NBSP}: {chart.title}. {source_line(chart.selection)}."
        return ShareCard(self.url(f"{chart.folder}/carte.png"), alt)

    def site_card(self) -> ShareCard | None:
        """Return the card of pages without a chart, or None without images."""
        if not self.draws_images:
            return None
        return ShareCard(self.url(f"{self.folder}/{SITE_CARD}"), f"{self.site_name}{NBSP}: {self.site_description}")

    def drawings(self) -> list[Drawing]:
        """Return every image this build writes: two SVGs per chart, the cards asked for, the site card.

        Each page image draws a variant of the chart's recipe, the one its page carries (wide
        640×320, narrow 360×272); the card reuses the wide one. Plots are made only for images
        the cache lacks: each drawing carries what its plot is made from (the recipe), and how.
        """
        if not self.draws_images:
            return []
        theme = self.theme
        style = dark_style(theme)
        result = []
        for chart in self.charts.values():
            prepared = prepare(build_plot(chart.selection))
            text = f"{theme!r}|{script_json(prepared)}"
            spec = chart.selection.spec
            for name, (width, height), suffix, variant in (
                ("graphique.svg", WIDE, "", "wide"),
                ("graphique-etroit.svg", NARROW, "-n", "narrow"),
            ):
                result.append(
                    Drawing(
                        f"{chart.folder}/{name}",
                        f"page|{variant}|{text}",
                        partial(page_plot, prepared, variant, theme),
                        width,
                        height,
                        "svg",
                        f"{chart.chart_id}{suffix}-",
                        spec.path,
                        spec.line,
                        style,
                    )
                )
            if chart.card:
                card = (prepared, chart.title, source_line(chart.selection), self.site_name, theme)
                result.append(
                    Drawing(
                        f"{chart.folder}/carte.png",
                        f"card|{card[1:4]!r}|{text}",
                        partial(card_plot, *card),
                        CARD_WIDTH,
                        CARD_HEIGHT,
                        "png",
                        chart.chart_id,
                        spec.path,
                        spec.line,
                    )
                )
        site = (self.site_name, self.site_description, theme)
        result.append(
            Drawing(
                f"{self.folder}/{SITE_CARD}",
                f"site|{site!r}",
                partial(site_card_plot, *site),
                CARD_WIDTH,
                CARD_HEIGHT,
                "png",
                "site",
                "pelicanconf.py",
                1,
            )
        )
        return result


def registry_from_settings(settings) -> ChartRegistry:
    """Return the build's empty registry; it draws images when the glue found a Chromium and images are on."""
    theme = None
    if settings.get(BROWSER_KEY):
        theme = Theme(**setting(settings, "TRANSPARENCY_STATS_IMAGE_THEME"))
    folder = setting(settings, "TRANSPARENCY_STATS_EMBED_FOLDER").strip("/")
    return ChartRegistry(
        site_url=settings.get("SITEURL", ""),
        folder=f"{page_dir(settings)}/{folder}",
        site_name=settings.get("SITENAME", ""),
        site_description=settings.get("SITE_DESCRIPTION", ""),
        theme=theme,
    )
