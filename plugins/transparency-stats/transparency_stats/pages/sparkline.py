"""Draw a metric's figures as a small inline SVG (no script, no style attribute, the same bytes every build).

Totals are a line through each day's figure (at most four a half-pixel column: what
pixels show), periods a bar over each period (a shorter period is a narrower bar),
both from zero on a time axis. A figure that
is a bound (at least, about) is drawn open: a hollow dot or an outlined bar. The
stroke and fill are `currentColor`, so the sparkline takes the text's colour and
its contrast in light and dark themes; the colours are presentation attributes,
which a Content-Security-Policy without 'unsafe-inline' does not block. The text
alternative, given by the caller, is the SVG's <title>.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

from transparency_stats.stats.model import Observation

WIDTH, HEIGHT = 80, 24
MARGIN = 2.5  # room for a dot's radius and the stroke at the edges
DOT_RADIUS = 2
BAR_GAP = 1


def coordinate(x: float) -> str:
    """Write a coordinate with one decimal at most: "12.5", "3", the same on every machine."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def time_scale(figures: Sequence[Observation]):
    """Return a function placing a day (its start, or the day after it) across the drawing."""
    first = min(o.start for o in figures)
    last = max(o.end for o in figures) + dt.timedelta(days=0 if all(o.start == o.end for o in figures) else 1)
    span = max((last - first).days, 1)
    return lambda day: MARGIN + (day - first).days / span * (WIDTH - 2 * MARGIN)


def value_scale(figures: Sequence[Observation]):
    """Return a function placing an amount between the bottom (zero) and the top (the largest figure)."""
    top = max(o.value.amount for o in figures) or 1
    return lambda amount: HEIGHT - MARGIN - amount / top * (HEIGHT - 2 * MARGIN)


POLYLINE = '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>'
OPEN_DOT = '<circle cx="{}" cy="{}" r="{}" fill="none" stroke="currentColor"/>'
DOT = '<circle cx="{}" cy="{}" r="{}" fill="currentColor"/>'
BAR = '<rect x="{}" y="{}" width="{}" height="{}" fill="currentColor"/>'
OPEN_BAR = '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="currentColor"/>'
COLUMNS_PER_PIXEL = 2  # a 2x screen's device pixels


def thinned(points: list[tuple[float, float]], kept: set[int]) -> list[int]:
    """Return the indexes of the points to draw: in each half-pixel column, its first, lowest, highest and last.

    A line through more points than a column has pixels shows only their extent: these four draw
    the same pixels. Points in `kept` (bounds, drawn as dots) are always drawn.
    """
    chosen: list[int] = []
    column: list[int] = []

    def close() -> None:
        if len(column) <= 4:
            chosen.extend(column)
            return
        ys = [points[i][1] for i in column]
        extremes = {column[0], column[-1], column[ys.index(min(ys))], column[ys.index(max(ys))]}
        chosen.extend(i for i in column if i in extremes or i in kept)

    for index, (x, _) in enumerate(points):
        if column and int(x * COLUMNS_PER_PIXEL) != int(points[column[0]][0] * COLUMNS_PER_PIXEL):
            close()
            column = []
        column.append(index)
    close()
    return chosen


def line_shapes(figures: Sequence[Observation]) -> list[str]:
    """Return a polyline through the figures (thinned to what pixels show) and a dot on each bound and the last."""
    x, y = time_scale(figures), value_scale(figures)
    places = [(x(o.end), y(o.value.amount)) for o in figures]
    bounds = {index for index, o in enumerate(figures) if o.value.bound != "exact"}
    drawn = thinned(places, bounds) if len(places) > WIDTH else range(len(places))
    points = [(coordinate(places[i][0]), coordinate(places[i][1])) for i in drawn]
    shapes = [POLYLINE.format(" ".join(f"{px},{py}" for px, py in points))]
    last = len(figures) - 1
    for index in sorted(bounds | ({last} if figures[last].value.bound == "exact" else set())):
        px, py = coordinate(places[index][0]), coordinate(places[index][1])
        shapes.append((OPEN_DOT if index in bounds else DOT).format(px, py, DOT_RADIUS))
    return shapes


def bar_shapes(figures: Sequence[Observation]) -> list[str]:
    """Return a bar over each period, outlined where the figure is a bound."""
    x, y = time_scale(figures), value_scale(figures)
    shapes = []
    for o in figures:
        left, right = x(o.start), x(o.end + dt.timedelta(days=1)) - BAR_GAP
        top = y(o.value.amount)
        box = (coordinate(left), coordinate(top), coordinate(max(right - left, 1)), coordinate(HEIGHT - MARGIN - top))
        shapes.append((BAR if o.value.bound == "exact" else OPEN_BAR).format(*box))
    return shapes


def sparkline_svg(figures: Sequence[Observation], text: str) -> Markup:
    """Return the figures as an inline <svg> whose <title> is `text`, or nothing for fewer than two figures."""
    if len(figures) < 2:
        return Markup("")
    periods = any(o.start != o.end for o in figures)
    shapes = bar_shapes(figures) if periods else line_shapes(figures)
    # Plain strings: the shapes hold only numbers; the text is escaped (Markup.format per shape cost a
    # second on the 10x site's data page).
    return Markup(  # noqa: S704 (numbers we wrote, and the escaped text)
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img">'
        f"<title>{escape(text)}</title>{''.join(shapes)}</svg>"
    )
