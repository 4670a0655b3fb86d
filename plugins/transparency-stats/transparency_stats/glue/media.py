"""Pelican glue for chart media: find Chromium, share cards, feed entries, then embed pages and images at the end."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from transparency_stats.media.feed import charts_html, feed_html
from transparency_stats.media.image_plots import plotly_setup
from transparency_stats.media.images import NO_BROWSER, BrowserFailed, Exporter, ImageCache, draw_all, find_browser
from transparency_stats.media.shown import BROWSER_KEY, registry_from_settings
from transparency_stats.pages.citations import chart_citation
from transparency_stats.settings import page_url, setting

from .state import STATE_KEY, build_state

logger = logging.getLogger(__name__)
ARTICLE_GROUPS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations")
PAGE_GROUPS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations")
SITE_CARD_KEY = "TRANSPARENCY_STATS_SITE_CARD"  # templates read it: the card of pages without a chart
_said_no_browser = False


def say_no_browser() -> None:
    """Say once per process that images need Chromium, and how to install it (a notice, not a build problem)."""
    global _said_no_browser  # noqa: PLW0603 (once per process, also across livereload's rebuilds)
    if not _said_no_browser:
        print(NO_BROWSER, file=sys.stderr)
        _said_no_browser = True


def initialize(pelican):
    """Find the Chromium that draws images (when they are on), and give templates the site's card."""
    settings = pelican.settings
    browser = find_browser() if setting(settings, "TRANSPARENCY_STATS_IMAGES") else None
    if setting(settings, "TRANSPARENCY_STATS_IMAGES") and browser is None:
        say_no_browser()
    settings[BROWSER_KEY] = browser
    settings[SITE_CARD_KEY] = registry_from_settings(settings).site_card()


def attach_media(content, state) -> None:
    """Give a post or page with charts the share card of its first chart, and (posts) its feed HTML."""
    if not getattr(content, "has_charts", False) or state.charts is None:
        return
    url = f"{content.settings.get('SITEURL', '')}/{content.url}"
    shown = state.charts.of_page(url)
    if not shown:
        return
    content.share_card = state.charts.share_card(shown[0].chart_id)
    source = getattr(content, "_transparency_source", None)
    if source is not None:
        html = content._update_content(feed_html(source, shown), content.get_siteurl())
        state.charts.feed_entries[url] = (html, charts_html(shown))


def attach_article_media(generator):
    """Share cards and feed HTML for every post with charts."""
    state = build_state(generator.context, generator.settings)
    for group in ARTICLE_GROUPS:
        for article in getattr(generator, group, []):
            attach_media(article, state)


def attach_page_media(generator):
    """Share cards for every page with charts."""
    state = build_state(generator.context, generator.settings)
    for group in PAGE_GROUPS:
        for page in getattr(generator, group, []):
            attach_media(page, state)


def charts_in_feed(context, feed):
    """Show a feed entry's charts as images with their title, caption and link: no script, no chart JSON."""
    state = context.get(STATE_KEY)
    if state is None or state.charts is None:
        return
    from feedgenerator import Rss201rev2Feed

    for item in feed.items:
        entry = state.charts.feed_entries.get(item["link"])
        if entry is None:
            continue
        html, figures = entry
        if isinstance(feed, Rss201rev2Feed):  # RSS carries summaries: add the charts after it
            item["description"] = (item["description"] or "") + figures
        else:
            item["content"] = html


class ChartMediaGenerator(Generator):
    """Write every chart's embed page, then draw every image of the build in one Chromium session."""

    def generate_context(self):
        """Make sure the build's state exists."""
        build_state(self.context, self.settings)

    def generate_output(self, writer):
        """Write the embed pages, then the images (from the cache, else drawn)."""
        state = build_state(self.context, self.settings)
        charts = state.charts
        if charts is None or state.stats is None:
            return
        with state.timings.span("embeds"):
            template = self.get_template(setting(self.settings, "TRANSPARENCY_STATS_EMBED_TEMPLATE"))
            from transparency_stats.charts.html import render_chart

            for chart in list(charts.charts.values()):
                writer.write_file(
                    f"{chart.folder}/index.html",
                    template,
                    self.context,
                    relative_urls=self.settings.get("RELATIVE_URLS", False),
                    chart=chart,
                    citation=chart_citation(chart, self.settings["SITENAME"]),
                    chart_html=render_chart(chart.selection, chart.chart_id, chart.csv_url, media=chart.media),
                    data_url=f"{page_url(self.settings)}/",
                    has_charts=True,
                )
        with state.timings.span("images"):
            self.draw_images(charts)

    def draw_images(self, charts) -> None:
        """Draw or copy every image into the output; report failures as build problems."""
        drawings = charts.drawings()
        if not drawings:
            return
        theme_static = Path(self.settings["THEME"]) / "static" / "vendor"
        exporter = Exporter(
            theme_static / "plotly-basic.min.js",
            theme_static / "plotly-locale-fr.js",
            plotly_setup(),
            self.settings.get(BROWSER_KEY),
        )
        folder = (
            setting(self.settings, "TRANSPARENCY_STATS_IMAGE_CACHE")
            or Path(self.settings["CACHE_PATH"]) / "chart-images"
        )
        try:
            draw_all(drawings, exporter, ImageCache(Path(folder)), Path(self.output_path))
        except BrowserFailed as error:
            logger.error(
                "%s",
                f"chromium: cannot draw the chart images ({error}) — check that {exporter.browser} "
                "starts (chromium --headless --version), or set BROWSER_PATH",
            )
        except Exception as error:  # noqa: BLE001 (a StatsError or StatsErrors: each problem on its line)
            for problem in getattr(error, "errors", [error]):
                logger.error("%s", problem)


def add_media_generator(pelican):
    """Add the generator of embed pages and images (after the data page's, whose charts it draws too)."""
    return ChartMediaGenerator


def register():
    """Connect chart media to Pelican's signals (called by pelican_glue.register, after the chart filling)."""
    signals.initialized.connect(initialize)
    signals.article_generator_finalized.connect(attach_article_media)
    signals.page_generator_finalized.connect(attach_page_media)
    signals.get_generators.connect(add_media_generator)
    signals.feed_generated.connect(charts_in_feed)
