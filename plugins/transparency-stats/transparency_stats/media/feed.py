"""Charts as feed readers get them: an image (or the table) with title, caption, sources and a link; no script."""

from __future__ import annotations

from markupsafe import Markup

from transparency_stats.charts.html import data_table, metric_links_html, snapshots_used, sources_html
from transparency_stats.charts.placeholders import split_placeholders
from transparency_stats.charts.sentence import chart_sentence
from transparency_stats.french import NBSP
from transparency_stats.settings import Layout

from .shown import ShownChart


def feed_chart_html(chart: ShownChart, layout: Layout) -> Markup:
    """Return one chart for a feed entry: its wide image when drawn, else its table; title, caption, sources, link."""
    selection = chart.selection
    spec, metrics, observations = selection.spec, list(selection.metrics), list(selection.observations)
    title = chart.title
    link = f"{chart.page.url}#{chart.chart_id}"
    picture = chart.media.picture
    if picture is not None:
        width, height = picture.wide
        shown = Markup('<a href="{}"><img src="{}" width="{}" height="{}" alt="{}"></a>').format(
            link, picture.wide_url, width, height, f"Graphique{NBSP}: {title}"
        )
    else:
        shown = data_table(spec, title, metrics, observations)
    caption = Markup("{} ").format(spec.caption) if spec.caption else Markup("")
    return Markup(
        "<figure>\n<p><strong>{title}</strong></p>\n{shown}\n"
        '<p class="ts-chart__description">{sentence}</p>\n'
        '<figcaption>{caption}{sources} {metric_links}<a href="{link}">Le graphique interactif et ses chiffres</a>'
        "</figcaption>\n"
        "</figure>\n"
    ).format(
        title=title,
        shown=shown,
        sentence=chart_sentence(selection),  # what feed readers without images read, and screen readers
        metric_links=metric_links_html(metrics, {m.id: layout.metric_url(m.id) for m in metrics}),
        caption=caption,
        sources=sources_html(snapshots_used(observations)),
        link=link,
    )


def feed_html(source: str, charts: list[ShownChart], layout: Layout) -> str:
    """Return a post's HTML with each chart placeholder, in order, replaced by its feed version."""
    pieces = []
    shown = iter(charts)
    for kind, piece in split_placeholders(source):
        if kind == "html":
            pieces.append(piece)
        else:
            chart = next(shown, None)
            if chart is not None:
                pieces.append(str(feed_chart_html(chart, layout)))
    return "".join(pieces)


def charts_html(charts: list[ShownChart], layout: Layout) -> str:
    """Return every chart of a post for a feed that carries summaries only (RSS)."""
    return "".join(str(feed_chart_html(chart, layout)) for chart in charts)
