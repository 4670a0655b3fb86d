"""Posts and pages, after Pelican read them: their charts filled and registered, their summary, card and feed HTML."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from transparency_stats.charts.fill import fill_placeholders
from transparency_stats.charts.placeholders import has_placeholders, strip_placeholders
from transparency_stats.errors import StatsError
from transparency_stats.media.feed import charts_html, feed_html
from transparency_stats.media.shown import Page
from transparency_stats.pages.views import metric_page_urls
from transparency_stats.stats.files import display_path

from .figures import document_date, fill_content_figures, pelican_summary, updated
from .state import StatsBuild, project_root

logger = logging.getLogger(__name__)

# Every list of a Pelican generator that holds content, for each kind of content: drafts,
# hidden and translated ones included (the site decides what it publishes).
CONTENT_GROUPS = {
    "articles": ("articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations"),
    "pages": ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations"),
}
CHART_PREFIXES = {"articles": "graphique", "pages": "graphique-page"}


def contents(generator, group: str):
    """Yield every post (group "articles") or page ("pages") of a generator, each once."""
    seen = set()
    for name in CONTENT_GROUPS[group]:
        for content in getattr(generator, name, []):
            if id(content) not in seen:
                seen.add(id(content))
                yield content


def fill_group(generator, group: str, build: StatsBuild) -> None:
    """Fill and register the charts of every post or page of a generator."""
    with build.timings.span("charts"):
        for content in contents(generator, group):
            fill_content(content, build, chart_prefix(content, group), is_post=group == "articles")
    build.fill(group)


def chart_prefix(content, group: str) -> str:
    """Return the prefix of a post's chart ids: its kind and slug, and its language when it is a translation."""
    prefix = f"{CHART_PREFIXES[group]}-{content.slug}"
    if not getattr(content, "in_default_lang", True):
        prefix += f"-{content.lang}"  # a translation keeps its original's slug
    return prefix


def fill_content(content, build: StatsBuild, prefix: str, is_post: bool) -> None:
    """Render and register the charts of one post or page, and keep its summary chart-free.

    A post without a `Summary:` header of its own gets `chart_description`, its first
    chart's sentence, which the theme uses as the page's description (the summary, for
    listings and feeds, stays the start of its text). Its first chart's card becomes
    its share card, and its feed HTML shows every chart as an image.
    """
    source = getattr(content, "_transparency_source", None)
    if source is None:
        # Figures in the text first: a post reads the stats its date knew (its charts too).
        content._transparency_stats = fill_content_figures(content, build, is_post=is_post)
        source = content._transparency_source = content._content
    content.has_charts = has_placeholders(source)
    content.chart_description = None
    if not content.has_charts:
        return
    own_summary = "summary" in content.metadata
    # The text without its charts: for reading time, and for summaries, which Pelican
    # truncates by words and could cut a chart in half.
    chartless = strip_placeholders(source)
    content.chartless_content = content._update_content(chartless, content.get_siteurl())
    if not own_summary:
        content.metadata["summary"] = pelican_summary(content, chartless)  # without the charts
    if build.stats is None:
        return  # the load error is already reported
    layout, settings = build.layout, content.settings
    url = f"{settings.get('SITEURL', '')}/{content.url}"
    page = Page(url, content.title)
    shown, descriptions = [], []

    def register(chart_id, selection, csv_url):
        chart = build.charts.add(chart_id, selection, page, csv_url, card=not shown, own_csv=layout.chart_csv(chart_id))
        shown.append(chart)
        return chart.media

    followed_latest = []
    try:
        content._content = fill_placeholders(
            source,
            content._transparency_stats,
            source_path=display_path(content.source_path, project_root(settings)),
            chart_prefix=prefix,
            csv_url=lambda chart_id: layout.url(layout.chart_csv(chart_id)),
            metric_urls=metric_page_urls(build.stats, layout),
            descriptions=descriptions,
            shown=register,
            latest_stats=build.stats,
            dated=document_date(content) if is_post else None,
            followed_latest=followed_latest,
            memo=build.drawn,
        )
    except StatsError as error:
        for problem in error.errors:
            logger.error("%s", problem)
        return
    if followed_latest:
        updated(content, build.stats)
    if descriptions and not own_summary:
        content.chart_description = descriptions[0]
    if shown:
        content.share_card = build.charts.share_card(shown[0].chart_id)
        build.charts.feed_entries[url] = FeedEntry(content, source, tuple(shown), layout)


class FeedEntry:
    """A post's charts as feeds show them, worked out when a feed first asks (a feed holds a few posts, not all).

    Measured on the benchmark's 1 000-post site: the feed versions of all 300 charts were
    about a quarter of the plugin's reading time, for feeds of 20 posts (and none while
    writing, where feeds are off).
    """

    def __init__(self, content, source: str, shown: tuple, layout):
        self.content, self.source, self.shown, self.layout = content, source, shown, layout
        self.made: tuple[str, str] | None = None

    def __call__(self) -> tuple[str, str]:
        """Return (the post's HTML for full-content feeds, its charts alone for summary feeds)."""
        if self.made is None:
            content, shown, layout = self.content, list(self.shown), self.layout
            html = content._update_content(feed_html(self.source, shown, layout), content.get_siteurl())
            self.made = (html, charts_html(shown, layout))
        return self.made


def feed_key(link: str) -> str:
    """Return the key of a feed item's link: without the query Pelican may add (FEED_APPEND_REF's ?ref=feed)."""
    return urlunsplit(urlsplit(link)._replace(query="", fragment=""))
