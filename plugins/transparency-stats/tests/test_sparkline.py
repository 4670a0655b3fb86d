"""The data page's sparklines: the figures drawn to scale, bounds drawn open, a text alternative, the same bytes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from factories import D, observation
from transparency_stats.pages.sparkline import HEIGHT, MARGIN, WIDTH, sparkline_svg

TOTALS = [
    observation("m", D(2016, 9, 1), 20000),
    observation("m", D(2016, 10, 31), 40000),
    observation("m", D(2016, 11, 30), 80000),
    observation("m", D(2016, 12, 23), 145000, "at_least"),
]
PERIODS = [
    observation("m", D(2016, 10, 1), 12628, end=D(2016, 10, 31)),
    observation("m", D(2016, 11, 1), 21960, end=D(2016, 11, 30)),
    observation("m", D(2016, 12, 1), 17000, "at_least", end=D(2016, 12, 23)),
]
PLOT = HEIGHT - 2 * MARGIN  # the drawing's height for values, zero at the bottom


def parse(svg) -> ET.Element:
    """Parse the inline SVG as XML (it is well-formed: the browser and vnu read it as SVG)."""
    return ET.fromstring(str(svg))


def amount_at(y: float) -> float:
    """Return the share of the largest figure that a y coordinate stands for."""
    return (HEIGHT - MARGIN - y) / PLOT


def test_a_line_of_totals_is_drawn_to_scale_in_time_order():
    svg = parse(sparkline_svg(TOTALS, "Abonnés"))
    (line,) = svg.iter("polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert points[0][0] == pytest.approx(MARGIN) and points[-1][0] == pytest.approx(WIDTH - MARGIN)
    top = max(o.value.amount for o in TOTALS)
    for (_, y), o in zip(points, TOTALS, strict=True):
        assert amount_at(y) == pytest.approx(o.value.amount / top, abs=0.05 / PLOT)
    # time is to scale: 60 days then 30 then 23 (113 in all)
    gaps = [b[0] - a[0] for a, b in zip(points, points[1:], strict=False)]
    assert [g / sum(gaps) for g in gaps] == pytest.approx([60 / 113, 30 / 113, 23 / 113], abs=0.01)


def test_a_bound_is_drawn_open_and_an_exact_last_figure_filled():
    circles = list(parse(sparkline_svg(TOTALS, "t")).iter("circle"))
    assert [(c.get("fill"), c.get("stroke")) for c in circles] == [("none", "currentColor")]  # the lower bound
    exact_end = TOTALS[:3]
    circles = list(parse(sparkline_svg(exact_end, "t")).iter("circle"))
    assert [c.get("fill") for c in circles] == ["currentColor"]


def test_periods_are_bars_as_wide_as_their_periods_and_bounds_are_outlined():
    bars = list(parse(sparkline_svg(PERIODS, "t")).iter("rect"))
    assert len(bars) == 3
    widths = [float(b.get("width")) + 1 for b in bars]  # each bar leaves a one-unit gap
    assert [w / sum(widths) for w in widths] == pytest.approx([31 / 84, 30 / 84, 23 / 84], abs=0.01)
    assert [b.get("fill") for b in bars] == ["currentColor", "currentColor", "none"]
    top = max(o.value.amount for o in PERIODS)
    for bar, o in zip(bars, PERIODS, strict=True):
        assert float(bar.get("y")) + float(bar.get("height")) == pytest.approx(HEIGHT - MARGIN)
        assert float(bar.get("height")) / PLOT == pytest.approx(o.value.amount / top, abs=0.1 / PLOT)


def test_the_text_alternative_is_the_title_of_an_image():
    svg = parse(sparkline_svg(TOTALS, "Abonnés YouTube : de 20 000 à au moins 145 000 <b>"))
    assert svg.get("role") == "img"
    assert svg.find("title").text == "Abonnés YouTube : de 20 000 à au moins 145 000 <b>"  # escaped, read back


def test_no_script_no_style_attribute_only_presentation_attributes():
    for figures in (TOTALS, PERIODS):
        svg = parse(sparkline_svg(figures, "t"))
        for element in svg.iter():
            assert element.tag in {"svg", "title", "polyline", "circle", "rect"}, element.tag
            assert "style" not in element.attrib and not any(a.startswith("on") for a in element.attrib)
        assert {svg.get("width"), svg.get("height")} == {str(WIDTH), str(HEIGHT)}


def test_fewer_than_two_figures_draw_nothing():
    assert sparkline_svg(TOTALS[:1], "t") == "" and sparkline_svg([], "t") == ""


def test_all_zero_figures_draw_a_flat_line_at_the_bottom():
    zeros = [observation("m", D(2016, 9, day), 0) for day in (1, 2)]
    (line,) = parse(sparkline_svg(zeros, "t")).iter("polyline")
    assert {p.split(",")[1] for p in line.get("points").split()} == {f"{HEIGHT - MARGIN:g}"}


def test_the_same_figures_give_the_same_bytes_in_another_process():
    code = (
        "from factories import D, observation; from transparency_stats.pages.sparkline import sparkline_svg;"
        "print(sparkline_svg([observation('m', D(2016, 9, 1), 2.5), observation('m', D(2016, 9, 9), 1/3),"
        " observation('m', D(2016, 12, 23), 145000, 'at_least')], 'x'))"
    )
    here = str(
        sparkline_svg(
            [
                observation("m", D(2016, 9, 1), 2.5),
                observation("m", D(2016, 9, 9), 1 / 3),
                observation("m", D(2016, 12, 23), 145000, "at_least"),
            ],
            "x",
        )
    )
    env = {**os.environ, "PYTHONHASHSEED": "123", "PYTHONPATH": str(Path(__file__).parent)}
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert other.rstrip("\n") == here
    numbers = [
        n
        for e in parse(here).iter()
        for name, value in e.attrib.items()
        if name != "viewBox"
        for n in re.split(r"[ ,]", value)
        if n[:1].isdigit()
    ]
    assert numbers and all(re.fullmatch(r"\d+(\.\d)?", n) for n in numbers), numbers  # one decimal at most


def polyline_points(svg) -> list[tuple[float, float]]:
    """Return the points of the sparkline's line."""
    points = parse(svg).find("{http://www.w3.org/2000/svg}polyline")
    points = points if points is not None else parse(svg).find("polyline")
    return [tuple(map(float, pair.split(","))) for pair in points.get("points").split()]


def test_a_line_draws_at_most_four_points_a_half_pixel_column_keeping_its_extremes():
    # Ten years of daily totals in 80 px: most figures share a column with others, and no pixel shows them.
    days = [D(2008, 1, 1) + (D(2008, 1, 2) - D(2008, 1, 1)) * n for n in range(3650)]
    figures = [observation("m", day, 1000 + (n * 7919) % 5000 + n) for n, day in enumerate(days)]
    full = [(float(x), float(y)) for x, y in polyline_points(sparkline_svg(figures[:3], "t"))]
    assert len(full) == 3  # a few figures: every one drawn
    points = polyline_points(sparkline_svg(figures, "t"))
    assert len(points) <= 4 * 2 * WIDTH
    columns: dict[int, list[float]] = {}
    for n, day in enumerate(days):  # every column keeps the top and the bottom of the figures in it
        x = MARGIN + (day - days[0]).days / (days[-1] - days[0]).days * (WIDTH - 2 * MARGIN)
        columns.setdefault(int(x * 2), []).append(figures[n].value.amount)
    top = max(o.value.amount for o in figures)
    for column, amounts in columns.items():
        drawn = [y for x, y in points if column - 0.2 <= x * 2 <= column + 1.2]  # x is written to 0.1
        for amount in (min(amounts), max(amounts)):
            y = HEIGHT - MARGIN - amount / top * PLOT
            assert any(abs(y - d) <= 0.06 for d in drawn), (column, amount)
    assert points[0][0] == MARGIN and points[-1][0] == WIDTH - MARGIN  # the first and the last figure
