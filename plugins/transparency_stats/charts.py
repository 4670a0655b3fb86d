"""Fill the chart placeholders of a rendered post with charts drawn from the current stats."""

from __future__ import annotations

from . import chartspec
from .chart_html import render_chart
from .downloads import observations_csv
from .errors import Problems, StatsError
from .media import ChartRegistry, Page
from .model import StatsData
from .placeholders import split_placeholders
from .selection import select
from .sentence import chart_sentence


def fill_placeholders(
    html: str,
    stats: StatsData,
    source_path: str,
    chart_prefix: str,
    csv_dir: str,
    csv_url: str,
    downloads: dict[str, str],
    metric_urls: dict[str, str] | None = None,
    descriptions: list[str] | None = None,
    charts: ChartRegistry | None = None,
    page: Page | None = None,
) -> str:
    """Return the HTML with each placeholder replaced by its rendered chart.

    `chart_prefix` makes ids unique on the site (e.g. "graphique-reseaux-1");
    the chart's CSV is registered in `downloads` under `csv_dir` and linked
    through `csv_url`; captions link each metric to its page in `metric_urls`;
    each chart's sentence is appended to `descriptions`, in order. With `charts` and
    `page`, each chart is recorded as shown on that page (for its embed page and images)
    and links to them.
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
            downloads[f"{csv_dir}/{name}.csv"] = observations_csv(stats, selection.observations)
            sentence = chart_sentence(selection)
            chart_csv = f"{csv_url}/{name}.csv"
            media = charts.add(name, selection, page, chart_csv) if charts is not None and page else None
            pieces.append(render_chart(selection, name, chart_csv, metric_urls, sentence, media))
            if descriptions is not None:
                descriptions.append(sentence)
    problems.raise_any()
    return "".join(pieces)
