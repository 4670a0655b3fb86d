"""Events and index values on a chart: what plot, table, sentence and downloads add for `events:` and `scale: index`.

An event is a vertical line (a shaded band for a span) with a numbered marker above the
plot area, never over the data or the axes, at any width; the numbers refer to « Repères »,
the list under the chart, which says each event's date and label with its link.

`scale: index` draws each series as 100 at its first figure in the window. Bounds stay
honest: an index over a first figure that is a minimum is a maximum (the base may have been
higher), a later minimum over an exact base is a minimum, approximations give approximations,
and a minimum over a minimum, or a count over a shorter period, says nothing (the point is
left out of the line; the table says « indice inconnu »).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from markupsafe import Markup

from transparency_stats.french import NBSP, format_date, format_number, format_period, format_value
from transparency_stats.french.typography import typeset
from transparency_stats.stats.model import Observation

from .selection import ChartSelection
from .sentence import comparable

EVENT_LINE = "rgba(85,86,91,0.9)"  # --muted: legible on light and dark backgrounds
EVENT_BAND = "rgba(85,86,91,0.12)"
MARKER_STEP = 18  # pixels between two rows of event markers
MARKER_ROOM = 0.08  # markers closer than this share of the time axis go on separate rows (24 px at 300 px)
INDEX_BOUNDS = {
    ("exact", "exact"): "exact",
    ("exact", "at_least"): "at_least",
    ("at_least", "exact"): "at_most",
    ("exact", "about"): "about",
    ("about", "exact"): "about",
    ("about", "about"): "about",
}
INDEX_SIGNS = {"exact": "", "at_least": "≥" + NBSP, "at_most": "≤" + NBSP, "about": "≈" + NBSP}
INDEX_MARKERS = {"exact": "circle", "at_least": "triangle-up", "at_most": "triangle-down", "about": "diamond-open"}
UNKNOWN_INDEX = "inconnu"


def index_value(base: Observation, figure: Observation) -> tuple[float, str] | None:
    """Return a figure's index over its series' first figure (100 = the base) and what is known of it, or None.

    None when nothing is known: two minimums, or counts over periods that do not compare
    (a whole month, then 23 days).
    """
    if not comparable(base, figure):
        return None
    base, value = base.value, figure.value
    kind = INDEX_BOUNDS.get((base.bound, value.bound))
    if kind is None or base.amount <= 0:
        return None
    index = Fraction(str(value.amount)) / Fraction(str(base.amount)) * 100
    return round(float(index), 1), kind


def format_index(index: tuple[float, str] | None) -> str:
    """Return an index as the table and hovers say it: "≥ 725", "≤ 140,5", "100"."""
    if index is None:
        return UNKNOWN_INDEX
    value, kind = index
    return INDEX_SIGNS[kind] + format_number(int(value) if value == int(value) else value)


def series_indexes(observations: list[Observation]) -> list[tuple[float, str] | None]:
    """Return the index of each figure of one series (in time order) over its first figure."""
    if not observations:
        return []
    return [(100.0, "exact")] + [index_value(observations[0], o) for o in observations[1:]]


def index_trace(trace: dict, observations: list[Observation]) -> dict:
    """Turn a scatter trace of real figures into its index: y is the index, the hover keeps the real figure."""
    indexes = series_indexes(observations)
    trace["y"] = [i[0] if i else None for i in indexes]
    trace["customdata"] = [f"{format_index(i)} ({real})" for i, real in zip(indexes, trace["customdata"], strict=True)]
    symbols = [INDEX_MARKERS[i[1]] if i else "circle-open" for i in indexes]
    trace["marker"]["symbol"] = symbols[0] if all(s == symbols[0] for s in symbols) else symbols
    trace["connectgaps"] = False
    return trace


def add_index(figure: dict, selection: ChartSelection) -> dict:
    """Draw every series of a line or area chart as an index, 100 at its first figure (the y axis says so)."""
    for trace, metric in zip(figure["data"], selection.metrics, strict=False):
        index_trace(trace, [o for o in selection.observations if o.metric == metric.id])
    axis = figure["layout"]["yaxis"]
    axis.pop("rangemode", None)
    axis["title"] = {"text": "Indice (100 = premier chiffre)", "standoff": 4}
    figure["layout"]["shapes"] = [
        *figure["layout"].get("shapes", []),
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": 100,
            "y1": 100,
            "line": {"color": EVENT_LINE, "width": 1, "dash": "dot"},
            "layer": "below",
        },
    ]
    return figure


def marked(figure: dict, selection: ChartSelection) -> dict:
    """Return a line, area or bar chart's figure with its index scale and its events, as its spec asks."""
    if selection.spec.scale == "index":
        add_index(figure, selection)
    return add_events(figure, selection)


def add_events(figure: dict, selection: ChartSelection) -> dict:
    """Mark the chart's events: a line (a band for a span) and a numbered marker above the plot area."""
    if not selection.events:
        return figure
    layout = figure["layout"]
    shapes, annotations = list(layout.get("shapes", [])), list(layout.get("annotations", []))
    levels = marker_levels(figure, selection)
    for number, event in enumerate(selection.events, start=1):
        start, end = event.start.isoformat(), event.end.isoformat()
        if event.is_span:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "x0": start,
                    "x1": end,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": EVENT_BAND,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        else:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "x0": start,
                    "x1": start,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": EVENT_LINE, "width": 1.5, "dash": "dash"},
                    "layer": "below",
                }
            )
        middle = (event.start + (event.end - event.start) / 2).isoformat()
        annotations.append(
            {
                "x": middle,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "text": str(number),
                "font": {"size": 12},
                "borderpad": 2,
                "bordercolor": EVENT_LINE,
                "borderwidth": 1,
                "hovertext": typeset(f"{event_when(event)} — {event.label}"),
                "yshift": levels[number - 1] * MARKER_STEP,
            }
        )
    layout["shapes"], layout["annotations"] = shapes, annotations
    top = 30 + max(levels) * MARKER_STEP
    layout["margin"] = {**layout.get("margin", {}), "t": max(layout.get("margin", {}).get("t", 0), top)}
    return figure


def marker_levels(figure: dict, selection: ChartSelection) -> list[int]:
    """Return each event marker's row above the plot: 0, or higher when an earlier marker stands too close.

    Markers closer than MARKER_ROOM of the chart's time span (data and events) would touch on
    a phone: the later one goes a row up, so numbers never overlap each other.
    """
    days = [dt.date.fromisoformat(str(x)[:10]).toordinal() for trace in figure["data"] for x in trace.get("x", [])]
    middles = [(e.start + (e.end - e.start) / 2).toordinal() for e in selection.events]
    span = max(days + middles) - min(days + middles) or 1
    last: list[int] = []  # the day of the last marker on each row
    levels = []
    for day in middles:
        level = next((n for n, previous in enumerate(last) if abs(day - previous) > MARKER_ROOM * span), len(last))
        if level == len(last):
            last.append(day)
        last[level] = day
        levels.append(level)
    return levels


def event_when(event) -> str:
    """Say an event's day or span: "8 oct. 2016", "1er–23 déc. 2016"."""
    return format_date(event.start) if not event.is_span else format_period(event.start, event.end)


def events_html(selection: ChartSelection) -> Markup:
    """Return « Repères » under a chart: each event's number, date and label, linked when it has a URL."""
    if not selection.events:
        return Markup("")
    items = []
    for event in selection.events:
        label = typeset(event.label)
        text = Markup('<a href="{}">{}</a>').format(event.url, label) if event.url else Markup("{}").format(label)
        items.append(Markup("<li>{} — {}</li>").format(typeset(event_when(event)), text))
    return Markup('<div class="ts-chart__events"><p>Repères{}:</p><ol>{}</ol></div>\n').format(
        NBSP, Markup("").join(items)
    )


def indexed_cells(metrics, observations: list[Observation]) -> dict:
    """Return the table's cells of an index chart: the real figure, then its index ("≥ 145 000 (indice ≥ 725)")."""
    cells = {}
    for metric in metrics:
        series = [o for o in observations if o.metric == metric.id]
        for o, index in zip(series, series_indexes(series), strict=True):
            cells[(o.start, o.end, o.metric)] = f"{format_value(o.value)} (indice{NBSP}{format_index(index)})"
    return cells
