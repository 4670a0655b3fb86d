"""One chart recipe: each chart as its images and plotly.js draw it, wide and narrow, light and dark.

`prepare` takes a plot of `plot.build_plot` and returns what the page's JSON carries: the
wide variant in the light theme (data and layout), the narrow variant's changes as relayout
paths with the media query that picks it (the images' `<picture>` query), and the dark
theme's changes as relayout paths. The images draw `variant(prepared, ...)`; charts.js
applies the very same paths. Nothing here measures a drawn chart: tick values and ranges are
explicit, and the latest charts' value labels are placed from an estimate of their text's
width at the narrowest width a variant serves (with a margin), so that one layout holds at
every width of its variant, in the image and in the browser alike.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from dataclasses import dataclass

from transparency_stats.french import LONG_MONTHS, SHORT_MONTHS
from transparency_stats.settings import DEFAULTS

from .links import NARROW_MEDIA


@dataclass(frozen=True)
class Theme:
    """The colours and font of the charts: site.css's --ts-chart-fg, --ts-chart-grid, --ts-chart-label-bg."""

    fg: str
    grid: str
    dark_fg: str
    dark_grid: str
    font: str
    label_bg: str = "#ffffff"  # behind value labels and hovers: the page's background
    dark_label_bg: str = "#121214"

    def colours(self, scheme: str) -> tuple[str, str, str]:
        """Return (text, grid, label background) of the light or dark scheme."""
        if scheme == "dark":
            return self.dark_fg, self.dark_grid, self.dark_label_bg
        return self.fg, self.grid, self.label_bg


DEFAULT_THEME = Theme(**DEFAULTS["TRANSPARENCY_STATS_IMAGE_THEME"])
VARIANTS = ("wide", "narrow")
# The chart's box at the narrowest viewport each variant serves: site.css's .wrap pads 1rem a
# side; the narrow variant serves 320 px (the theme's smallest) to 30rem, the wide one above.
SMALLEST_WIDTH = {"wide": 481 - 32, "narrow": 320 - 32}
SMALLEST_HEIGHT = {"wide": 320, "narrow": 272}  # the images' heights (site.css: 20rem, 17rem)
MARGIN = {"l": 8, "r": 8, "t": 24, "b": 8}
FONT_PX = 12  # plotly.js's default font size, ticks and labels
WRAP = {"wide": 24, "narrow": 12}  # characters a line of a horizontal bar's label
NTICKS = {"wide": 8, "narrow": 4}  # at most, on a date axis
ABBREVIATE_FROM = 100_000  # narrow value axes write "250 k" from here
DAY_MS = 86_400_000
WIDEST_DATE = "sept. 2016"  # of the tick formats below (the narrow ones are narrower: the same room, fewer bytes)
YEARS_FROM_DAYS = 600  # a date axis this long may tick years (plotly.js does from 6 months a tick, 4 ticks at least)
LABEL_GAP_PX = 4  # between a bar's end and its value label
LABEL_PAD_PX = 3  # the label's background around its text
SAFETY = 1.15  # text is estimated this much wider than DejaVu Sans (among the widest system fonts) draws it
TICK_GAP_PX = 16  # at least between two tick labels side by side
TICK_LINE_PX = 30  # at least between two value ticks one over the other
CORNER_PX = 9  # an upright value axis starts this far below its lowest tick, clear of the x axis's labels
# Advance widths in em of DejaVu Sans: what Chromium draws system-ui with on Debian, and wider than
# the system fonts of phones and desktops (Roboto, San Francisco, Segoe UI).
EM = {" ": 0.32, "\u00a0": 0.32, "\u202f": 0.32, ".": 0.32, ",": 0.32, ":": 0.34, "(": 0.39, ")": 0.39}
EM.update(dict.fromkeys("ijlI", 0.3) | dict.fromkeys("frt", 0.42) | dict.fromkeys("mMW", 1.0))
EM.update(dict.fromkeys("wm", 0.98) | dict.fromkeys("0123456789", 0.64) | dict.fromkeys("–-", 0.5))
LOWER, UPPER, OTHER = 0.63, 0.76, 0.84
PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# --- Text: literal, wrapped, and how wide it draws ------------------------------------------


def literal(text):
    """Make a label literal for Plotly, which reads <b>, <a> and &amp; in its text."""
    if not isinstance(text, str):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text, width: int):
    """Break a long label into lines of about `width` characters, with Plotly's <br>."""
    if not isinstance(text, str):
        return text
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)


def text_width(text: str, px: float = FONT_PX) -> float:
    """Return an upper estimate of the pixels `text` takes (its widest line), entities read as one character."""
    plain = re.sub(r"&\w+;", "x", text)
    widest = 0.0
    for line in plain.split("<br>"):
        em = sum(EM.get(c, LOWER if c.islower() else UPPER if c.isupper() else OTHER) for c in line)
        widest = max(widest, em)
    return widest * px * SAFETY


def short_lines(period: str) -> str:
    """Return a period's name with short month names, a word a line: "septembre 2016" -> "sept.<br>2016"."""
    short = {LONG_MONTHS[m]: SHORT_MONTHS[m] for m in range(1, 13)}
    return "<br>".join(short.get(word, word) for word in literal(period).split(" "))


# --- Value axes: explicit ticks and range ----------------------------------------------------


def abbreviate(value: float) -> str:
    """Return "200 k", "1,5 M", "12 000": a tick value shortened for a phone (the table keeps the figures)."""

    def french(n: float) -> str:
        rounded = round(n, 1)
        return (str(int(rounded)) if rounded == int(rounded) else str(rounded)).replace(".", ",")

    if value >= 1e9:
        return french(value / 1e9) + "\u202fMd"
    if value >= 1e6:
        return french(value / 1e6) + "\u202fM"
    if value >= 1e4:
        return french(value / 1e3) + "\u202fk"
    return f"{value:,}".replace(",", "\u202f").replace(".", ",")


def number(value: float):
    """Return value as an int when it is one (shorter JSON), else rounded off its float noise."""
    value = round(value, 9)
    return int(value) if value == int(value) else value


def rounded(value: float, span: float):
    """Return value to a thousandth of span (a range's end: no pixel tells the difference, the JSON is shorter)."""
    return number(round(value, -math.floor(math.log10(span / 1000))))


def nice_step(span: float, most: int) -> float:
    """Return the smallest of 1, 2, 2.5, 5 × 10^k that cuts `span` in at most `most` steps."""
    rough = span / max(most, 1)
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough * (1 - 1e-9))


def linear_ticks(low: float, high: float, most: int) -> tuple[list, float]:
    """Return round tick values from at most `low` to at least `high`, at most `most` steps apart, and the step."""
    if high <= low:
        high = low + (abs(low) or 1)
    step = nice_step(high - low, most)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [number(i * step) for i in range(first, last + 1)], step


def value_axis(axis: dict, amounts: list[float], name: str, length: float, horizontal: bool) -> dict:
    """Give a value axis an explicit range and ticks for a variant; return how to find a value's place on it."""
    log = axis.get("type") == "log"
    shown = [a for a in amounts if isinstance(a, int | float) and (a > 0 or not log)]
    if not shown:
        return {}
    if log:
        low, high = math.log10(min(shown)), math.log10(max(shown))
        pad = max((high - low) * 0.05, 0.1)
        axis["range"] = [number(low - pad), number(high + pad)]
        axis["nticks"] = NTICKS[name]
        return {"log": True, "range": axis["range"]}
    low, high = min(0, *shown), max(0, *shown)
    label = text_width(abbreviate(high) if name == "narrow" else f"{number(high):,}")
    most = int(length // (label + TICK_GAP_PX)) if horizontal else int(length // TICK_LINE_PX)
    ticks, step = linear_ticks(low, high, max(2, min(most, 6 if name == "wide" else 4)))
    axis.pop("rangemode", None)
    top = max(ticks[-1], high + (high - low) * 0.05)
    # Upright, the lowest tick's label would sit in the corner where the first date's or period's does.
    # The same in both variants (fewer bytes): the room the narrow one needs.
    floor = 0 if horizontal else (top - ticks[0]) * CORNER_PX / (SMALLEST_HEIGHT["narrow"] - 80)
    axis["range"] = [rounded(ticks[0] - floor, top - ticks[0]), rounded(top, top - ticks[0])]
    axis.update(tick0=0, dtick=number(step))
    if name == "narrow" and high >= ABBREVIATE_FROM:
        axis.update(tickmode="array", tickvals=ticks, ticktext=[abbreviate(t) for t in ticks])
    return {"log": False, "range": axis["range"]}


def edge_room(amounts: list, name: str) -> int:
    """Return the right margin that holds half the last tick label of a horizontal value axis.

    plotly.js hides a label that would pass the chart's edge: how far it passes depends on the
    width, so that the image and the browser could differ. One more digit than the largest value.
    """
    high = max([a for a in amounts if isinstance(a, int | float)], default=0)
    text = abbreviate(high * 10) if name == "narrow" and high >= ABBREVIATE_FROM else f"{number(high * 10):,}"
    return max(MARGIN["r"], math.ceil(text_width(text) / 2) + 2)


def place(amount: float, scale: dict) -> float:
    """Return where `amount` falls along its value axis, from 0 (the range's start) to 1 (its end)."""
    low, high = scale["range"]
    at = math.log10(amount) if scale["log"] else amount
    return (at - low) / (high - low)


# --- The charts, by kind --------------------------------------------------------------------


def latest_layout(plot: dict, layout: dict, name: str) -> None:
    """Lay out a latest chart: wrapped labels in a fixed left margin, an explicit x range, each value label placed."""
    (trace,) = plot["data"]
    labels = [wrap(literal(label), WRAP[name]) for label in trace["y"]]
    left = math.ceil(max([text_width(label) for label in labels], default=0)) + 2 * LABEL_GAP_PX
    layout["margin"] = {**layout["margin"], "l": left, "r": edge_room(trace["x"], name)}
    layout["yaxis"].update(tickmode="array", tickvals=list(range(len(labels))), ticktext=labels)
    width = SMALLEST_WIDTH[name] - left - layout["margin"]["r"]
    scale = value_axis(layout["xaxis"], trace["x"], name, width, horizontal=True)
    for label in layout.get("annotations", []):
        place_label(label, trace["x"][label["y"]], scale, width)


def place_label(label: dict, amount: float, scale: dict, width: float) -> None:
    """Put a latest bar's value label past the bar's end when it fits before the plot's edge, else inside the
    bar against its end, else from the bar's base (on two lines, value over date, when even that is too narrow)."""
    if text_width(label["text"]) + 2 * LABEL_PAD_PX + LABEL_GAP_PX > width:
        label["text"] = label["text"].replace(" (", "<br>(", 1)
    box = text_width(label["text"]) + 2 * LABEL_PAD_PX
    bar = place(amount, scale) * width
    if box <= width - bar - LABEL_GAP_PX:
        label.update(xanchor="left", xshift=LABEL_GAP_PX)
    elif box + 2 * LABEL_GAP_PX <= bar:
        label.update(xanchor="right", xshift=-LABEL_GAP_PX)
    else:
        label.update(x=scale["range"][0], xanchor="left", xshift=LABEL_GAP_PX)


def bar_layout(plot: dict, layout: dict, name: str) -> None:
    """Lay out a bar chart: level period ticks (short lines on a phone, as many as fit), an explicit value axis."""
    axis = layout["xaxis"]
    categories = axis.get("categoryarray") or list(dict.fromkeys(x for t in plot["data"] for x in t["x"]))
    texts = [short_lines(c) if name == "narrow" else literal(c) for c in categories]
    width = SMALLEST_WIDTH[name] - MARGIN["l"] - MARGIN["r"] - 60  # the value axis's labels take about 60 px
    widest = max([text_width(t) for t in texts], default=0) + TICK_GAP_PX
    stride = max(1, math.ceil(len(categories) * widest / width))
    axis["tickangle"] = 0
    if name == "narrow" or stride > 1 or texts != categories:
        axis.update(tickmode="array", tickvals=categories[::stride], ticktext=texts[::stride])
    amounts = [y for t in plot["data"] for y in t["y"]]
    value_axis(layout["yaxis"], amounts, name, SMALLEST_HEIGHT[name] - 80, horizontal=False)


def time_layout(plot: dict, layout: dict, name: str) -> None:
    """Lay out a line or area chart: an explicit date range, at most NTICKS dates (months on two lines on a phone)."""
    axis = layout["xaxis"]
    days = sorted({x[:10] for t in plot["data"] for x in t["x"]})
    if "range" not in axis and days:
        first, last = (dt_ordinal(days[0]), dt_ordinal(days[-1]))
        pad = max(1, round((last - first) * 0.03))
        axis["range"] = [iso(first - pad), iso(last + pad)]
    axis.update(tickangle=0, nticks=NTICKS[name])
    # plotly.js hides a date that would pass the chart's edge, depending on the width: room for half the widest.
    layout["margin"] = {**layout["margin"], "r": math.ceil(text_width(WIDEST_DATE) / 2) + 2}
    axis["tickformatstops"] = [
        {"dtickrange": [None, 27 * DAY_MS], "value": "%-d %b"},
        {"dtickrange": [27 * DAY_MS, "M12"], "value": "%b<br>%Y" if name == "narrow" else "%b %Y"},
    ]
    span = [dt.date.fromisoformat(day[:10]) for day in axis.get("range", days[:1] + days[-1:])]
    if span and (span[-1] - span[0]).days > YEARS_FROM_DAYS:  # plotly.js ticks years from half a year a tick
        axis["tickformatstops"].append({"dtickrange": ["M12", None], "value": "%Y"})
    amounts = [y for t in plot["data"] for y in t["y"]]
    value_axis(layout["yaxis"], amounts, name, SMALLEST_HEIGHT[name] - 80, horizontal=False)


def dt_ordinal(day: str) -> int:
    """Return the proleptic ordinal of an ISO day."""
    return dt.date.fromisoformat(day).toordinal()


def iso(ordinal: int) -> str:
    """Return the ISO day of a proleptic ordinal."""
    return dt.date.fromordinal(ordinal).isoformat()


def kind_of(plot: dict) -> str:
    """Return "latest", "bar" or "time": which kind of chart a plot of build_plot is."""
    data = plot.get("data") or [{}]
    if data[0].get("orientation") == "h":
        return "latest"
    return "bar" if plot["layout"].get("xaxis", {}).get("type") == "category" else "time"


LAYOUTS = {"latest": latest_layout, "bar": bar_layout, "time": time_layout}


# --- Theme: the same for every chart of the site, given once a page -----------------------


def theme_layer(theme: Theme) -> dict:
    """Return the relayout paths that give any chart the theme's light font and colours.

    French decimal and group separators; a transparent paper on the page's background; text
    in --ts-chart-fg, grid and zero lines in --ts-chart-grid; hover boxes in the page's colours,
    not the trace's (the text contrasts whatever the trace's colour); the mode bar too.
    """
    fg, grid, label_bg = theme.colours("light")
    paths = {"separators": ",\u202f", "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}
    paths.update({"font.color": fg, "font.family": theme.font})
    for axis in ("xaxis", "yaxis"):
        paths.update({f"{axis}.gridcolor": grid, f"{axis}.zerolinecolor": grid})
    # Value labels on the page's colour, over any hatching (every annotation, as a template's default).
    paths["template.layout.annotationdefaults.bgcolor"] = label_bg
    paths.update({"hoverlabel.bgcolor": label_bg, "hoverlabel.bordercolor": fg, "hoverlabel.font.color": fg})
    paths.update({"modebar.bgcolor": "rgba(0,0,0,0)", "modebar.color": grid, "modebar.activecolor": fg})
    return paths


def theme_recipe(theme: Theme = DEFAULT_THEME) -> dict:
    """Return what every chart of a page shares (charts.js reads it once): the narrow variant's media query,
    the theme's light paths, and the dark scheme as each light colour's dark one."""
    return {
        "narrow": NARROW_MEDIA,
        "layout": theme_layer(theme),
        "dark": dict(zip(theme.colours("light"), theme.colours("dark"), strict=True)),
    }


def recolour(value, colours: dict):
    """Return a copy of a layout (or any part of it) with every colour of `colours` replaced by its value."""
    if isinstance(value, dict):
        return {key: recolour(item, colours) for key, item in value.items()}
    if isinstance(value, list):
        return [recolour(item, colours) for item in value]
    return colours.get(value, value) if isinstance(value, str) else value


# --- The recipe: a chart's variants, as its wide layout and the narrow one's paths ----------


def chart_layout(plot: dict, name: str) -> dict:
    """Return the chart's own layout at the widths variant `name` serves (the theme's paths go over it)."""
    layout = copy.deepcopy(plot["layout"])
    LAYOUTS[kind_of(plot)](plot, layout, name)
    return layout


def changes(base, target, path: str = "") -> dict:
    """Return the relayout paths ("xaxis.range", "annotations[1].xanchor") that turn `base` into `target`.

    A key `target` lacks is set to None (deleted, as by Plotly.relayout).
    """
    if isinstance(base, dict) and isinstance(target, dict):
        found = {}
        for key in target:
            if key in base:
                found.update(changes(base[key], target[key], f"{path}.{key}" if path else key))
            else:
                found[f"{path}.{key}" if path else key] = target[key]
        found.update({f"{path}.{key}" if path else key: None for key in base if key not in target})
        return found
    if (
        isinstance(base, list)
        and isinstance(target, list)
        and len(base) == len(target)
        and all(isinstance(item, dict) for item in base + target)
    ):
        found = {}
        for index, (old, new) in enumerate(zip(base, target, strict=True)):
            found.update(changes(old, new, f"{path}[{index}]"))
        return found
    return {} if base == target else {path: target}


def apply_paths(layout: dict, paths: dict) -> dict:
    """Return a copy of `layout` with relayout paths set (None deletes), as charts.js's setPath does."""
    layout = copy.deepcopy(layout)
    for path, value in paths.items():
        keys = [int(index) if index else name for name, index in PATH_PART.findall(path)]
        node = layout
        for key in keys[:-1]:
            if isinstance(key, str) and not isinstance(node.get(key), dict | list):
                node[key] = {}
            node = node[key]
        if value is None:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = copy.deepcopy(value)
    return layout


def prepare(plot: dict) -> dict:
    """Return the chart as the page carries it: its data, its wide layout, and the paths of its narrow variant.

    The data is the same in every variant (labels made literal for Plotly); the theme is the
    page's (`theme_recipe`), given once for all its charts: nothing here depends on it.
    """
    data = [{**trace, "name": literal(trace["name"])} if "name" in trace else dict(trace) for trace in plot["data"]]
    wide = chart_layout(plot, "wide")
    return {"data": data, "layout": wide, "narrow": changes(wide, chart_layout(plot, "narrow"))}


def variant(prepared: dict, name: str, theme: dict, scheme: str = "light") -> dict:
    """Return the whole plot of a prepared chart in a variant and a colour scheme, as charts.js makes it.

    `theme` is the page's `theme_recipe`: its light paths go over the chart's layout, then the
    narrow variant's paths (for "narrow"), then the dark colours (for "dark").
    """
    layout = apply_paths(prepared["layout"], theme["layout"])
    if name == "narrow":
        layout = apply_paths(layout, prepared["narrow"])
    if scheme == "dark":
        layout = recolour(layout, theme["dark"])
    return {"data": prepared["data"], "layout": layout}
