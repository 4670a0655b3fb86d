"""Pelican glue: defaults, the Markdown extension, chart filling after reading, the data page generator."""

from __future__ import annotations

import logging
import os

from pelican import signals
from pelican.utils import truncate_html_words

from transparency_stats.charts import fill as charts
from transparency_stats.charts.blocks import ChartExtension
from transparency_stats.charts.figure_syntax import FigureExtension
from transparency_stats.charts.placeholders import has_placeholders, strip_placeholders
from transparency_stats.errors import StatsError
from transparency_stats.media.shown import Page
from transparency_stats.pages.chart_downloads import chart_csv
from transparency_stats.pages.views import metric_page_urls
from transparency_stats.settings import apply_defaults, page_dir, page_url, setting
from transparency_stats.stats.files import display_path
from transparency_stats.timings import TIMINGS_KEY, PhaseTimings, timings_of

from . import media as media_glue
from .figures import document_date, fill_content_figures, updated
from .generators import TransparencyPageGenerator
from .state import BuildState, build_state

logger = logging.getLogger(__name__)
ARTICLE_GROUPS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations")
PAGE_GROUPS = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations")


def initialize(pelican):
    """Set the plugin's defaults, start the phase timings if asked, and teach Markdown the ```chart block."""
    settings = pelican.settings
    apply_defaults(settings)
    if setting(settings, "TRANSPARENCY_STATS_TIMINGS_FILE"):
        settings[TIMINGS_KEY] = PhaseTimings()
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = [
        e for e in markdown.setdefault("extensions", []) if not isinstance(e, ChartExtension | FigureExtension)
    ]
    extensions += [ChartExtension(timings=timings_of(settings)), FigureExtension()]
    markdown["extensions"] = extensions


def fill_content_charts(content, state: BuildState, kind: str) -> None:
    """Render the charts of one article or page, and keep its summary chart-free.

    A post without a `Summary:` header of its own gets `chart_description`, its first
    chart's sentence, which the theme uses as the page's description (the
    summary, for listings and feeds, stays the start of its text).
    """
    source = getattr(content, "_transparency_source", None)
    if source is None:
        content._transparency_stats = fill_content_figures(content, state.stats, is_post=kind == "graphique")
        source = content._transparency_source = content._content
    content.has_charts = has_placeholders(source)
    content.chart_description = None
    if not content.has_charts:
        return
    settings = content.settings
    own_summary = "summary" in content.metadata
    # The text without its charts: for reading time, and for summaries, which
    # Pelican truncates by words and could cut a chart in half.
    content.chartless_content = content._update_content(strip_placeholders(source), content.get_siteurl())
    if "summary" not in content.metadata:
        content.metadata["summary"] = truncate_html_words(
            content.chartless_content, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"]
        )
    if state.stats is None:
        return  # the load error is already reported
    folder = page_dir(settings)
    descriptions = []
    page = Page(f"{settings.get('SITEURL', '')}/{content.url}", content.title)

    def shown(chart_id, selection, csv_url):
        state.downloads[f"{folder}/donnees/graphiques/{chart_id}.csv"] = chart_csv(state.stats, selection)
        return state.charts.add(chart_id, selection, page, csv_url)

    followed_latest = []
    try:
        content._content = charts.fill_placeholders(
            source,
            content._transparency_stats,
            # relative to the project (the folder above PATH), as the loader names stats files
            source_path=display_path(content.source_path, os.path.dirname(os.path.abspath(settings["PATH"]))),
            chart_prefix=f"{kind}-{content.slug}",
            csv_url=f"{page_url(settings)}/donnees/graphiques",
            metric_urls=metric_page_urls(state.stats, page_url(settings)),
            descriptions=descriptions,
            shown=shown,
            latest_stats=state.stats,
            dated=document_date(content) if kind == "graphique" else None,
            followed_latest=followed_latest,
        )
    except StatsError as error:
        for problem in error.errors:
            logger.error("%s", problem)
        return
    if followed_latest:
        updated(content, state.stats)
    if descriptions and not own_summary:
        content.chart_description = descriptions[0]


def fill_article_charts(generator):
    """Render charts in every article, draft and translation."""
    state = build_state(generator.context, generator.settings)
    with state.timings.span("charts"):
        for group in ARTICLE_GROUPS:
            for article in getattr(generator, group, []):
                fill_content_charts(article, state, "graphique")


def fill_page_charts(generator):
    """Render charts in every page."""
    state = build_state(generator.context, generator.settings)
    with state.timings.span("charts"):
        for group in PAGE_GROUPS:
            for page in getattr(generator, group, []):
                fill_content_charts(page, state, "graphique-page")


def add_data_page_generator(pelican):
    """Add the generator that writes the public data page and downloads."""
    return TransparencyPageGenerator


def write_timings(pelican):
    """Write the phase timings where the settings asked."""
    timings = pelican.settings.get(TIMINGS_KEY)
    if timings is not None:
        timings.write(setting(pelican.settings, "TRANSPARENCY_STATS_TIMINGS_FILE"))


def register():
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(initialize)
    signals.article_generator_finalized.connect(fill_article_charts)
    signals.page_generator_finalized.connect(fill_page_charts)
    signals.get_generators.connect(add_data_page_generator)
    signals.finalized.connect(write_timings)
    media_glue.register()  # after the chart filling above: its handlers read the charts it records
