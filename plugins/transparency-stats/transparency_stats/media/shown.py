"""Every chart the site shows, with its embed page, its images and share card: what a build draws and writes once.

No Pelican here. The glue registers each chart once, while the build reads its posts and
builds its data pages (`ChartRegistry.add`), then freezes the registry; from then on it
is only read: the embed pages to write (`charts`), the images to draw (`drawings`). A
chart id registered twice, or a chart registered after the freeze, is an error, never an
overwrite. What a chart's HTML links to (`ChartRegistry.media`) follows from the layout
alone, so the HTML can be written before the chart is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from transparency_stats.charts.html import chart_title, sources_text
from transparency_stats.charts.links import NARROW, WIDE, ChartMedia, Picture
from transparency_stats.charts.plot import build_plot, script_json
from transparency_stats.charts.recipe import prepare
from transparency_stats.charts.selection import ChartSelection
from transparency_stats.errors import StatsError
from transparency_stats.french import NBSP
from transparency_stats.settings import Layout

from .image_plots import CARD_HEIGHT, CARD_WIDTH, Theme, card_plot, dark_style, page_plot, site_card_plot
from .images import Drawing


class RegistryClosed(Exception):
    """The registry was read before every chart was in it, or written after: the plugin's stages ran out of order."""


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


@dataclass(frozen=True)
class ShownChart:
    """One chart of the site: its figures, the page showing it, its id, its media, and whether it has a card."""

    chart_id: str
    selection: ChartSelection
    page: Page
    csv_url: str
    media: ChartMedia
    folder: str  # in the output: the embed page and the images live here
    card: bool = False  # the share card of its page: the first chart of a post, a metric page's chart
    own_csv: str | None = None  # the output path of its own CSV (a post's chart), None when it links a metric's

    @property
    def title(self) -> str:
        return chart_title(self.selection.spec, list(self.selection.metrics))


@dataclass
class ChartRegistry:
    """The charts of one build, in the order they were registered; `theme` is None when no images are drawn."""

    layout: Layout
    site_name: str
    site_description: str
    theme: Theme | None = None
    charts: dict[str, ShownChart] = field(default_factory=dict)
    # a post's URL path: a callable returning (its HTML for full-content feeds, its charts alone for summary feeds)
    feed_entries: dict[str, Callable[[], tuple[str, str]]] = field(default_factory=dict)
    frozen: bool = False

    @property
    def draws_images(self) -> bool:
        """Tell whether this build draws images of its charts."""
        return self.theme is not None

    def media(self, chart_id: str) -> ChartMedia:
        """Return what a chart's HTML links to: its embed page, and its images when the build draws them."""
        folder = self.layout.embed(chart_id)
        picture = None
        if self.draws_images:
            url = self.layout.url
            picture = Picture(url(f"{folder}/graphique.svg"), url(f"{folder}/graphique-etroit.svg"))
        return ChartMedia(embed_url=self.layout.url(f"{folder}/"), picture=picture)

    def add(
        self,
        chart_id: str,
        selection: ChartSelection,
        page: Page,
        csv_url: str,
        card: bool = False,
        own_csv: str | None = None,
    ) -> ShownChart:
        """Record a chart shown on `page`; refuse an id already taken (two pages would share its files)."""
        if self.frozen:
            raise RegistryClosed(f"chart '{chart_id}' was registered after the build started writing")
        taken = self.charts.get(chart_id)
        if taken is not None:
            spec, first = selection.spec, taken.selection.spec
            raise StatsError(
                spec.path,
                spec.line,
                1,
                f"this chart's id '{chart_id}' is already the id of a chart of {first.path}:{first.line}",
                "give one of the two posts another Slug: (their charts are named after it)",
            )
        chart = ShownChart(
            chart_id, selection, page, csv_url, self.media(chart_id), self.layout.embed(chart_id), card, own_csv
        )
        self.charts[chart_id] = chart
        return chart

    def freeze(self) -> None:
        """Close the registry: every chart is known, the build now writes them."""
        self.frozen = True

    def shown(self) -> list[ShownChart]:
        """Return every chart, once the registry is closed (its embed pages, images and CSVs are written from it)."""
        if not self.frozen:
            raise RegistryClosed("the charts were read before every page had registered its own")
        return list(self.charts.values())

    def share_card(self, chart_id: str | None) -> ShareCard | None:
        """Return a chart's share card, or None without images (or when the chart has no card)."""
        chart = self.charts.get(chart_id) if chart_id else None
        if chart is None or not chart.card or not self.draws_images:
            return None
        alt = f"Graphique{NBSP}: {chart.title}. {sources_text(chart.selection)}."
        return ShareCard(self.layout.url(f"{chart.folder}/carte.png"), alt)

    def site_card(self) -> ShareCard | None:
        """Return the card of pages without a chart, or None without images."""
        if not self.draws_images:
            return None
        return ShareCard(self.layout.url(self.layout.site_card), f"{self.site_name}{NBSP}: {self.site_description}")

    def drawings(self) -> list[Drawing]:
        """Return every image this build writes: two SVGs per chart, the cards of the charts that have one, the site's.

        Each page image draws a variant of the chart's recipe, the one its page carries (wide
        640×320, narrow 360×272); the card reuses the wide one. Plots are made only for images
        the cache lacks: each drawing carries what its plot is made from (the recipe), and how.
        """
        if not self.draws_images:
            return []
        theme = self.theme
        style = dark_style(theme)
        result = []
        for chart in self.shown():
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
                card = (prepared, chart.title, sources_text(chart.selection), self.site_name, theme)
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
                self.layout.site_card,
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
