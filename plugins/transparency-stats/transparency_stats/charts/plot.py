"""Plotly plot dicts built by hand from a chart's selection (no plotly.graph_objects: small, fast, deterministic).

Labels drawn as text (legend, categories, hovers) are typeset like the chart's table, so
that the recipe, breaking long labels at spaces, never parts « from its word or a number
from its unit; figures and dates are the data, written by `french` (the downloads keep
the labels as typed).
"""

from __future__ import annotations

import datetime as dt
import json
import math

from transparency_stats.french import NBSP, format_period, format_value
from transparency_stats.french.typography import typeset
from transparency_stats.stats.model import ChartSpec, Metric, Observation

from .marks import marked
from .recipe import prepare
from .selection import ChartSelection

# Mid-luminance hues: at least 3.7:1 against white and against #1a1a1a (WCAG 1.4.11 asks 3:1).
PALETTE = ("#3a7bd5", "#c2571a", "#2b8a3e", "#a35bd1", "#d04a7a", "#0c8599", "#9c6b00")
MARKER_SYMBOLS = {"exact": "circle", "at_least": "triangle-up", "about": "diamond-open"}
BAR_PATTERNS = {"exact": "", "at_least": "/", "about": "/"}
SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def metric_color(metric: Metric, position: int) -> str:
    """Return the metric's own colour, else the palette's colour for its place in the chart."""
    return metric.color or PALETTE[position % len(PALETTE)]


def scalar_or_list(items: list):
    """Return the one value all items share, else the list (fewer bytes)."""
    return items[0] if items and all(i == items[0] for i in items) else items


def hover_extra(trace_count: int) -> str:
    """Return the hover's secondary box: the trace name, only when several traces."""
    return "<extra>%{fullData.name}</extra>" if trace_count > 1 else "<extra></extra>"


def is_period(o: Observation) -> bool:
    """Tell whether o covers more than one day."""
    return o.start != o.end


def plot_date(o: Observation) -> str:
    """Return where o sits on a time axis: its day, or its period's middle day (ISO)."""
    return (o.start + (o.end - o.start) / 2).isoformat() if is_period(o) else o.start.isoformat()


def pattern(observations: list[Observation]) -> dict | None:
    """Return the bar hatching that marks bounded values, None when all are exact."""
    shapes = [BAR_PATTERNS[o.value.bound] for o in observations]
    if not any(shapes):
        return None
    return {"shape": scalar_or_list(shapes)}  # fillmode "replace": hatched in the bar's colour


def time_trace(metric: Metric, color: str, observations: list[Observation], fill: bool, extra: str) -> dict:
    """Return one scatter trace of a line or area chart."""
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": typeset(metric.label),
        "x": [plot_date(o) for o in observations],
        "y": [o.value.amount for o in observations],
        "line": {"color": color},
        "marker": {"symbol": scalar_or_list([MARKER_SYMBOLS[o.value.bound] for o in observations]), "size": 8},
        "customdata": [format_value(o.value) for o in observations],
    }
    # The build writes the day or period (plotly's date formats cannot say "1er").
    trace["text"] = [format_period(o.start, o.end) for o in observations]
    trace["hovertemplate"] = f"%{{text}}{NBSP}: %{{customdata}}{extra}"
    if fill:
        trace["fill"] = "tozeroy"
    return trace


def bar_marker(color, observations: list[Observation]) -> dict:
    """Return a bar marker in `color` (one or per bar), hatched where figures are bounds."""
    marker = {"color": color}
    hatching = pattern(observations)
    if hatching:
        marker["pattern"] = hatching
    return marker


def bar_trace(metric: Metric, color: str, observations: list[Observation], extra: str) -> dict:
    """Return one vertical bar trace of a bar chart, periods on x, each value level above its bar.

    Above the bar, the value stands on the page's background: legible on any bar colour and
    never over the hatching of a bounded figure.
    """
    return {
        "type": "bar",
        "name": typeset(metric.label),
        "x": [format_period(o.start, o.end) for o in observations],
        "y": [o.value.amount for o in observations],
        "text": [format_value(o.value) for o in observations],
        "textposition": "outside",
        "textangle": 0,
        "constraintext": "none",  # at full size, even above a narrow bar
        "cliponaxis": False,
        "marker": bar_marker(color, observations),
        "hovertemplate": f"%{{x}}{NBSP}: %{{text}}{extra}",
    }


def latest_text(o: Observation) -> str:
    """Return a latest figure with its day or period: "≥ 145 000 (5 janv. 2017)"."""
    return f"{format_value(o.value)} ({format_period(o.start, o.end)})"


def latest_trace(metrics: list[Metric], colors: list[str], observations: list[Observation]) -> dict:
    """Return the one horizontal bar trace of a latest chart, a bar per metric (values drawn as labels)."""
    return {
        "type": "bar",
        "orientation": "h",
        "y": [typeset(m.label) for m in metrics],
        "x": [o.value.amount for o in observations],
        "text": [latest_text(o) for o in observations],
        "textposition": "none",  # latest_labels() writes them, on a solid background
        "customdata": [typeset(m.label) for m in metrics],  # the hover's label, never broken in lines
        "marker": bar_marker(colors, observations),
        "hovertemplate": f"%{{customdata}}{NBSP}: %{{text}}<extra></extra>",
    }


def latest_labels(observations: list[Observation], log: bool) -> list[dict]:
    """Return each latest bar's value and date as an annotation at the bar's end, on a solid background.

    The recipe (recipe.place_label) decides for each variant whether it goes past the bar's end,
    inside it or from its base; its background (the page's colour) hides the hatching of bounds.
    """
    labels = []
    for index, o in enumerate(observations):
        amount = o.value.amount
        if log and amount <= 0:
            continue  # no bar on a log axis
        labels.append(
            {
                "text": latest_text(o),
                "x": math.log10(amount) if log else amount,  # plotly places annotations in log10 units on log axes
                "y": index,  # the category's serial number, as the axis's tick values
                "xref": "x",
                "yref": "y",
                "showarrow": False,
                "borderpad": 3,
            }
        )
    return labels


def value_axis(log: bool) -> dict:
    """Return the axis carrying the figures: fixed (no zoom), from zero, integers grouped."""
    axis = {"fixedrange": True, "automargin": True, "separatethousands": True, "exponentformat": "none"}
    if log:
        axis["type"] = "log"
    else:
        axis["rangemode"] = "tozero"
    return axis


def build_layout(spec: ChartSpec, trace_count: int, categories: list[str] | None) -> dict:
    """Return a minimal layout: small margins; ticks and ranges are the recipe's, separators and colours its theme's."""
    log = spec.scale == "log"
    layout = {
        "autosize": True,
        "margin": {"l": 8, "r": 8, "t": 24, "b": 8},
        "showlegend": trace_count > 1,
    }
    if trace_count > 1:
        # Below the tick labels whatever their height (yref "container", plotly.js >= 2.23).
        layout["legend"] = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"}
    if spec.type == "latest":
        layout["xaxis"] = value_axis(log)
        layout["yaxis"] = {"fixedrange": True, "automargin": True, "autorange": "reversed"}
    elif spec.type == "bar":
        layout["barmode"] = "group"
        layout["xaxis"] = {"type": "category", "fixedrange": True, "automargin": True}
        if categories is not None:
            layout["xaxis"].update(categoryorder="array", categoryarray=categories)
        layout["yaxis"] = value_axis(log)
    else:
        layout["xaxis"] = {"type": "date", "automargin": True}
        layout["yaxis"] = value_axis(log)
    return layout


def group_by_metric(metric_ids: tuple[str, ...], observations: list[Observation]) -> list[list[Observation]]:
    """Return the observations split per metric, in the chart's metric order."""
    groups = {m: [] for m in metric_ids}
    for o in observations:
        groups[o.metric].append(o)
    return list(groups.values())


def bar_categories(groups: list[list[Observation]]) -> list[str] | None:
    """Return every period label in time order when the traces' periods differ, else None."""
    periods = [[(o.start, o.end) for o in g] for g in groups if g]
    if all(p == periods[0] for p in periods):
        return None
    return [format_period(*p) for p in sorted({p for ps in periods for p in ps})]


def build_plot(selection: ChartSelection) -> dict:
    """Return the chart's Plotly plot as a plain {"data": [...], "layout": {...}} dict."""
    spec, metrics, observations = selection.spec, selection.metrics, selection.observations
    metric_ids = tuple(m.id for m in metrics)
    colors = [metric_color(m, i) for i, m in enumerate(metrics)]
    if spec.type == "latest":
        plotted = {o.metric for o in observations}
        shown = [(m, c) for m, c in zip(metrics, colors, strict=False) if m.id in plotted]
        data = [latest_trace([m for m, _ in shown], [c for _, c in shown], observations)]
        layout = build_layout(spec, 1, None)
        layout["annotations"] = latest_labels(list(observations), spec.scale == "log")
        return {"data": data, "layout": layout}
    groups = group_by_metric(metric_ids, observations)
    extra = hover_extra(len(metrics))
    if spec.type == "bar":
        data = [bar_trace(m, c, g, extra) for m, c, g in zip(metrics, colors, groups, strict=False)]
        return marked({"data": data, "layout": build_layout(spec, len(data), bar_categories(groups))}, selection)
    fill = spec.type == "area"
    data = [time_trace(m, c, g, fill, extra) for m, c, g in zip(metrics, colors, groups, strict=False)]
    layout = build_layout(spec, len(data), None)
    days = {x for trace in data for x in trace["x"]}
    if len(days) == 1:
        # Plotly zooms a lone date to ±1 ms and labels it with times of day: show a month around it.
        day = dt.date.fromisoformat(next(iter(days))[:10])
        layout["xaxis"]["range"] = [(day - SINGLE_DAY_MARGIN).isoformat(), (day + SINGLE_DAY_MARGIN).isoformat()]
    return marked({"data": data, "layout": layout}, selection)


SINGLE_DAY_MARGIN = dt.timedelta(days=15)


def plot_json(plot: dict) -> str:
    """Return the chart as the page carries it (the recipe of every place it is drawn), as compact JSON
    that is safe inside <script type="application/json">."""
    return script_json(prepare(plot))


def script_json(value) -> str:
    """Return value as compact JSON that is safe inside <script type="application/json">."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    # One str.replace per character, not str.translate: on JSON with French text (not ASCII),
    # translate took 0.56 ms for 10 KB where these take 0.001 ms (measured); it was 10 % of the
    # charts' phase on the benchmark's site.
    for character, escaped in SCRIPT_ESCAPES.items():
        if character in text:
            text = text.replace(character, escaped)
    return text
