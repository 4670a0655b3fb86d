"""Pelican glue for figures in the text: a post reads the stats of its date, its body and summary get their figures."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from pathlib import Path

from transparency_stats.authoring.report import summary_place
from transparency_stats.charts.figure_syntax import has_figures
from transparency_stats.charts.placeholders import has_placeholders
from transparency_stats.charts.text_figures import FigureFill, fill_figures
from transparency_stats.errors import Problems
from transparency_stats.french import format_date_long
from transparency_stats.pages.views import correction_anchor, metric_page_urls
from transparency_stats.stats.dated import last_update
from transparency_stats.stats.files import display_path
from transparency_stats.stats.model import StatsData

from .state import StatsBuild, project_root

logger = logging.getLogger(__name__)


def document_date(content) -> dt.date | None:
    """Return the day a post's figures are read on: its `Modified:` date, else its `Date`."""
    when = getattr(content, "modified", None) or getattr(content, "date", None)
    return when.date() if isinstance(when, dt.datetime) else when


def pelican_summary(content, html: str) -> str:
    """Return Pelican's own summary of `html` (the site's SUMMARY_* settings), as it would summarise the content."""
    twin = copy.copy(content)
    twin._content = html
    twin.metadata = {key: value for key, value in content.metadata.items() if key != "summary"}
    return twin.get_summary(content.get_siteurl())


def fill_content_figures(content, build: StatsBuild, is_post: bool) -> StatsData | None:
    """Fill a post's or page's figures in its body and summary; return the stats its charts read.

    A post reads the stats known on its date (`as_of`); a page, the newest. Sets
    `figures_updated` (« chiffres mis à jour le … », when a figure or chart follows the newest
    figures, set again by the charts) and `plain_summary` (the summary with figures as plain
    words, for `description` meta). Problems are logged, one line each. Returns None when
    the content shows no figure and no chart.
    """
    content.figures_updated = None
    content.plain_summary = None
    stats, layout = build.stats, build.layout
    if stats is None:
        return None
    own_summary = "summary" in content.metadata
    summary = content.metadata.get("summary") if own_summary else None
    shows_figures = has_figures(content._content) or has_figures(summary)
    if not shows_figures and not has_placeholders(content._content):
        return None  # nothing in it reads the stats
    day = document_date(content) if is_post else None
    dated = build.known_on(day) if day is not None else stats
    if not shows_figures:
        return dated
    fill = FigureFill(
        stats=dated,
        latest=stats,
        dated=day,
        metric_urls=metric_page_urls(stats, layout),
        correction_url=lambda correction: f"{layout.data_url}/#{correction_anchor(correction)}",
    )
    path = display_path(content.source_path, project_root(content.settings))
    problems = Problems()
    body = content._content
    with problems.collect():
        content._content = fill_figures(body, fill, path)
    if own_summary and has_figures(summary):
        place = summary_place(Path(content.source_path))
        with problems.collect():
            content.metadata["summary"] = content._summary = fill_figures(summary, fill, path, place)
            content.plain_summary = fill_figures(summary, fill, path, place, plain=True)
    elif not own_summary:
        with problems.collect():
            content.plain_summary = pelican_summary(content, fill_figures(body, fill, path, plain=True))
    for problem in problems.errors:
        logger.error("%s", problem)
    if fill.followed_latest:
        updated(content, stats)
    return dated


def updated(content, stats: StatsData) -> None:
    """Say on the page that some of its figures follow the newest data: « chiffres mis à jour le … »."""
    day = last_update(stats)
    if day is not None:
        content.figures_updated = format_date_long(day)
