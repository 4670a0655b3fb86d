"""The plugin's two Pelican generators: the data pages (views, pages, downloads, feed), then the charts' media.

The data pages' generator builds its views while Pelican builds every generator's context
(stage DATA_PAGES: the metric charts are registered then); once every chart is known
(stage WRITING), it writes the pages and downloads, and the media generator writes each
chart's embed page and draws every image of the build in one go.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican.generators import Generator

from transparency_stats.charts.html import render_chart
from transparency_stats.french import format_date
from transparency_stats.media.image_plots import plotly_setup
from transparency_stats.media.images import BrowserFailed, Exporter, ImageCache, draw_all
from transparency_stats.media.shown import Page
from transparency_stats.pages.chart_downloads import chart_csv
from transparency_stats.pages.citations import chart_citation, metric_citation
from transparency_stats.pages.downloads import data_files
from transparency_stats.pages.events import event_views
from transparency_stats.pages.feed import snapshot_feed
from transparency_stats.pages.views import correction_views, data_page_chart, platform_groups, snapshot_anchor
from transparency_stats.settings import image_cache_folder, setting

from .state import BROWSER_KEY, Stage, build_of

logger = logging.getLogger(__name__)
# The plugin's own templates of the data page, the metric pages and the chart embeds: a theme's
# templates of the same names win, so a site whose theme has none still gets its pages.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class PluginGenerator(Generator):
    """A generator whose templates are the theme's, then the plugin's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader([self.env.loader, FileSystemLoader(str(TEMPLATES))])


class DataPagesGenerator(PluginGenerator):
    """Write the data page, the metric pages, the downloads and the feed of new figures."""

    def generate_context(self):
        """Build the data pages' views and register their charts (stage DATA_PAGES)."""
        build = build_of(self.context, self.settings)
        build.enter(Stage.DATA_PAGES)
        if build.stats is None:
            return
        with build.timings.span("data_page"):
            build.data_pages = platform_groups(build.stats, build.layout, build.charts.media)
            for _, views in build.data_pages:
                for view in views:
                    if view.chart_id is not None:
                        page = Page(view.url, view.metric.label)
                        build.charts.add(view.chart_id, view.selection, page, view.csv_url, card=True)

    def generate_output(self, writer):
        """Write the pages and every download (stage WRITING)."""
        build = build_of(self.context, self.settings)
        build.require(Stage.WRITING, "the data pages were written")
        if build.stats is None:
            return
        with build.timings.span("data_page"):
            self.write_downloads(build)
            self.write_pages(build, writer)

    def write_downloads(self, build) -> None:
        """Write the stats' downloads, every post chart's CSV and the feed of new figures."""
        stats, layout, out = build.stats, build.layout, Path(self.output_path)
        files = {f"{layout.downloads}/{name}": data for name, data in data_files(stats).items()}
        for chart in build.charts.shown():
            if chart.own_csv:
                files[chart.own_csv] = chart_csv(stats, chart.selection).encode("utf-8")
        for name, data in sorted(files.items()):
            write_bytes(out / name, data)
        feed = snapshot_feed(stats, layout, self.settings["SITENAME"])
        target = out / layout.feed
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")

    def write_pages(self, build, writer) -> None:
        """Write the data page and one page per metric with figures."""
        layout, groups, charts = build.layout, build.data_pages, build.charts
        shared = {
            "relative_urls": self.settings.get("RELATIVE_URLS", False),
            "data_page_url": f"{layout.data_url}/",
            "downloads_url": layout.downloads_url,
            "feed_url": layout.url(layout.feed),
            "format_date": format_date,
            "cite": lambda metric_id, url: metric_citation(build.stats, metric_id, url, self.settings["SITENAME"]),
        }
        writer.write_file(
            layout.data_page,
            self.get_template(setting(self.settings, "TRANSPARENCY_STATS_PAGE_TEMPLATE")),
            self.context,
            transparency_page=True,
            has_charts=False,
            groups=groups,
            share_card=charts.share_card(data_page_chart(groups)),
            corrections=correction_views(build.stats),
            snapshots=build.stats.snapshots[::-1],
            events=event_views(build.stats),
            snapshot_anchor=snapshot_anchor,
            **shared,
        )
        template = self.get_template(setting(self.settings, "TRANSPARENCY_STATS_METRIC_TEMPLATE"))
        for platform, views in groups:
            for view in views:
                writer.write_file(
                    layout.metric_page(view.metric.id),
                    template,
                    self.context,
                    has_charts=view.chart is not None,
                    platform=platform,
                    view=view,
                    share_card=charts.share_card(view.chart_id),
                    **shared,
                )


class ChartMediaGenerator(PluginGenerator):
    """Write every chart's embed page, then draw every image of the build in one Chromium session."""

    def generate_output(self, writer):
        """Write the embed pages, then the images (from the cache, else drawn) (stage WRITING)."""
        build = build_of(self.context, self.settings)
        build.require(Stage.WRITING, "the charts' media were written")
        if build.stats is None:
            return
        charts = build.charts.shown()
        with build.timings.span("embeds"):
            template = self.get_template(setting(self.settings, "TRANSPARENCY_STATS_EMBED_TEMPLATE"))
            for chart in charts:
                writer.write_file(
                    f"{chart.folder}/index.html",
                    template,
                    self.context,
                    relative_urls=self.settings.get("RELATIVE_URLS", False),
                    chart=chart,
                    chart_html=render_chart(chart.selection, chart.chart_id, chart.csv_url, media=chart.media),
                    data_url=f"{build.layout.data_url}/",
                    has_charts=True,
                    citation=chart_citation(chart, self.settings["SITENAME"]),
                )
        with build.timings.span("images"):
            self.draw_images(build.charts)

    def draw_images(self, charts) -> None:
        """Draw or copy every image into the output; report failures as build problems."""
        drawings = charts.drawings()
        if not drawings:
            return
        plotly_js, locale_js = plotly_scripts(Path(self.settings["THEME"]))
        exporter = Exporter(plotly_js, locale_js, plotly_setup(), self.settings.get(BROWSER_KEY))
        try:
            draw_all(drawings, exporter, ImageCache(image_cache_folder(self.settings)), Path(self.output_path))
        except BrowserFailed as error:
            logger.error(
                "%s",
                f"chromium: cannot draw the chart images ({error}) — check that {exporter.browser} "
                "starts (chromium --headless --version), or set BROWSER_PATH",
            )
        except Exception as error:  # noqa: BLE001 (a StatsError or StatsErrors: each problem on its line)
            for problem in getattr(error, "errors", [error]):
                logger.error("%s", problem)


def plotly_scripts(theme: Path) -> tuple[Path, Path | None]:
    """Return the plotly.js (and its French locale) that draws the images: the theme's own, else plotly.py's.

    A theme that vendors plotly.js for its interactive charts (static/vendor/plotly-basic.min.js)
    draws the images with the same file, so both look alike; a theme without it (Pelican's
    default) gets the plotly.js that the plotly package ships, never one from the network.
    """
    vendor = theme / "static" / "vendor"
    if (vendor / "plotly-basic.min.js").is_file():
        locale = vendor / "plotly-locale-fr.js"
        return vendor / "plotly-basic.min.js", locale if locale.is_file() else None
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js", None


def write_bytes(path: Path, data: bytes) -> None:
    """Write a download file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o644)
