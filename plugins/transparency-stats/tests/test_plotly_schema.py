"""Every figure the plugin writes validates against plotly.py's own schema (a guard for the hand-built JSON)."""

from __future__ import annotations

from pathlib import Path

import markdown
import plotly.graph_objects as go
import pytest

from transparency_stats.charts.blocks import ChartExtension
from transparency_stats.charts.placeholders import split_placeholders
from transparency_stats.charts.plot import build_plot
from transparency_stats.charts.selection import select
from transparency_stats.charts.spec import parse_chart_block
from transparency_stats.pages.views import metric_chart_spec
from transparency_stats.stats.loader import load_stats

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[2]
SITES = {"demo": PROJECT, "fixture": HERE / "fixture_site"}


def site_figures(root: Path) -> list[tuple[str, dict]]:
    """Return (where, figure) for every chart block of the site's posts and pages, and every data page chart."""
    stats = load_stats(root / "stats")
    found = []
    for post in sorted((root / "content").rglob("*.md")):
        html = markdown.Markdown(extensions=[ChartExtension(), "meta"]).convert(post.read_text(encoding="utf-8"))
        for kind, piece in split_placeholders(html):
            if kind == "chart":
                spec = parse_chart_block(piece["text"], str(post), piece["line"], stats)
                found.append((f"{post.name}:{piece['line']}", build_plot(select(spec, stats))))
    for metric in stats.metrics.values():
        figures = stats.observations[metric.id]
        if figures:
            found.append(
                (
                    f"data page: {metric.id}",
                    build_plot(select(metric_chart_spec(metric, len(figures), stats.catalogue_path), stats)),
                )
            )
    return found


@pytest.mark.parametrize("site", sorted(SITES))
def test_every_figure_of_the_site_validates(site):
    figures = site_figures(SITES[site])
    assert len(figures) >= 3, figures
    for where, figure in figures:
        try:
            go.Figure(figure)
        except ValueError as error:
            pytest.fail(f"{where}: {error}")


def test_the_schema_check_refuses_a_misspelt_property():
    with pytest.raises(ValueError, match="hovertemplat"):
        go.Figure({"data": [{"type": "scatter", "hovertemplat": "%{y}"}], "layout": {}})
