"""Fill the chart placeholders of a rendered post with charts drawn from the current stats."""

from __future__ import annotations

from collections.abc import Callable

from transparency_stats.errors import Problems, StatsError
from transparency_stats.stats.model import StatsData

from . import spec as chartspec
from .html import render_chart
from .links import ChartMedia
from .placeholders import split_placeholders
from .selection import ChartSelection, select
from .sentence import chart_sentence


def fill_placeholders(
    html: str,
    stats: StatsData,
    source_path: str,
    chart_prefix: str,
    csv_url: Callable[[str], str],
    metric_urls: dict[str, str] | None = None,
    descriptions: list[str] | None = None,
    shown: Callable[[str, ChartSelection, str], ChartMedia | None] | None = None,
) -> str:
    """Return the HTML with each placeholder replaced by its rendered chart.

    `chart_prefix` makes ids unique on the site (e.g. "graphique-reseaux-1");
    the chart's CSV is linked at `csv_url(id)`; captions link each metric to its page in
    `metric_urls`; each chart's sentence is appended to `descriptions`, in order. `shown` is
    told of each chart (its id, selection and CSV URL) and returns what its HTML links to
    (its embed page and images), or None: the caller keeps the charts shown, not this function.
    """
    pieces = []
    problems = Problems()
    for kind, piece in split_placeholders(html):
        if kind == "html":
            pieces.append(piece)
            continue
        with problems.collect():  # every broken chart of the post is reported, not only the first
            if piece.get("unclosed"):
                raise StatsError(
                    source_path, piece["line"], 1, "this chart block is never closed", "end it with a line of ```"
                )
            spec = chartspec.parse_chart_block(piece["text"], source_path, piece["line"], stats)
            name = f"{chart_prefix}-{piece['index'] + 1}"
            selection = select(spec, stats)
            sentence = chart_sentence(selection)
            chart_csv = csv_url(name)
            media = shown(name, selection, chart_csv) if shown is not None else None
            pieces.append(render_chart(selection, name, chart_csv, metric_urls, sentence, media))
            if descriptions is not None:
                descriptions.append(sentence)
    problems.raise_any()
    return "".join(pieces)
