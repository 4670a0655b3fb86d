"""Fill the chart placeholders of a rendered post with charts drawn from the current stats."""

from __future__ import annotations

from . import chartspec, exports, render
from .errors import StatsError
from .markdown_ext import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, decode_placeholder
from .model import StatsData


def split_placeholders(html: str):
    """Yield the HTML as ("html", text) and ("chart", payload) pieces, in order."""
    position = 0
    while True:
        start = html.find(PLACEHOLDER_OPEN, position)
        if start < 0:
            yield "html", html[position:]
            return
        end = html.find(PLACEHOLDER_CLOSE, start)
        yield "html", html[position:start]
        yield "chart", decode_placeholder(html[start + len(PLACEHOLDER_OPEN) : end])
        position = end + len(PLACEHOLDER_CLOSE)


def has_placeholders(html: str) -> bool:
    """Tell whether the HTML holds any chart placeholder."""
    return PLACEHOLDER_OPEN in html


def strip_placeholders(html: str) -> str:
    """Return the HTML with every chart left out (for summaries)."""
    return "".join(text for kind, text in split_placeholders(html) if kind == "html")


def fill_placeholders(
    html: str,
    stats: StatsData,
    source_path: str,
    chart_prefix: str,
    csv_dir: str,
    csv_url: str,
    downloads: dict[str, str],
) -> str:
    """Return the HTML with each placeholder replaced by its rendered chart.

    `chart_prefix` makes ids unique on the site (e.g. "graphique-reseaux-1");
    the chart's CSV is registered in `downloads` under `csv_dir` and linked
    through `csv_url`.
    """
    pieces = []
    for kind, piece in split_placeholders(html):
        if kind == "html":
            pieces.append(piece)
            continue
        if piece.get("unclosed"):
            raise StatsError(
                source_path, piece["line"], 1, "this chart block is never closed", "end it with a line of ```"
            )
        spec = chartspec.parse_chart_block(piece["text"], source_path, piece["line"], stats)
        name = f"{chart_prefix}-{piece['index'] + 1}"
        downloads[f"{csv_dir}/{name}.csv"] = exports.observations_csv(
            stats, exports.chart_observations(spec, stats)
        )
        pieces.append(render.render_chart(spec, stats, name, f"{csv_url}/{name}.csv"))
    return "".join(pieces)
