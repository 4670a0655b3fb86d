"""Draw a metric's figures as a small inline SVG (no script, no style attribute, the same bytes every build).

Totals are a line through each day's figure, periods a bar over each period (a
shorter period is a narrower bar), both from zero on a time axis. A figure that
is a bound (at least, about) is drawn open: a hollow dot or an outlined bar. The
stroke and fill are `currentColor`, so the sparkline takes the text's colour and
its contrast in light and dark themes; the colours are presentation attributes,
which a Content-Security-Policy without 'unsafe-inline' does not block. The text
alternative, given by the caller, is the SVG's <title>.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup

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


POLYLINE = Markup(
    '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>'
)
OPEN_DOT = Markup('<circle cx="{}" cy="{}" r="{}" fill="none" stroke="currentColor"/>')
DOT = Markup('<circle cx="{}" cy="{}" r="{}" fill="currentColor"/>')
BAR = Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="currentColor"/>')
OPEN_BAR = Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="currentColor"/>')


def line_shapes(figures: Sequence[Observation]) -> list[Markup]:
    """Return a polyline through the figures and a dot on each bound, and on the last figure."""
    x, y = time_scale(figures), value_scale(figures)
    points = [(coordinate(x(o.end)), coordinate(y(o.value.amount))) for o in figures]
    shapes = [POLYLINE.format(" ".join(f"{px},{py}" for px, py in points))]
    for index, (o, (px, py)) in enumerate(zip(figures, points, strict=True)):
        if o.value.bound != "exact":
            shapes.append(OPEN_DOT.format(px, py, DOT_RADIUS))
        elif index == len(figures) - 1:
            shapes.append(DOT.format(px, py, DOT_RADIUS))
    return shapes


def bar_shapes(figures: Sequence[Observation]) -> list[Markup]:
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
    return Markup(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">'
        "<title>{text}</title>{shapes}</svg>"
    ).format(w=WIDTH, h=HEIGHT, text=text, shapes=Markup("").join(shapes))
