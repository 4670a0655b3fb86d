"""Plotly plots for the images: a chart as the page shows it before any script, its share card, the site's card.

No Pelican, no drawing: plain plot dicts that `images` hands to the exporter. A page image
draws a variant of the chart's recipe (charts/recipe.py), the very plot charts.js gives
plotly.js later at the same widths; a card reuses the wide one.
"""

from __future__ import annotations

import json

from transparency_stats.charts.recipe import Theme, literal, theme_recipe, variant, wrap
from transparency_stats.french import browser_locale

CARD_WIDTH, CARD_HEIGHT = 1200, 630
# The date formats charts.js gives plotly.js, with CLDR's French names.
DATE_FORMATS = {"date": "%d/%m/%Y", "year": "%Y", "month": "%b %Y", "dayMonth": "%-d %b", "dayMonthYear": "%-d %b %Y"}
CARD_BACKGROUND = "#ffffff"
CARD_MUTED = "#55565b"
CARD_ACCENT = "#b3261e"
TITLE_LINE = 46  # characters per line of a card's title
SOURCE_LINE = 95  # characters of the source line on a card


def plotly_setup() -> str:
    """Return the script that makes the exporter's plotly.js write dates in French, with CLDR's names.

    Kaleido passes a plot's data and layout to plotly.js, not its config: the locale is set for
    every plot of the exporter's page instead, as charts.js sets it for every chart of a page.
    """
    config = {"locale": "fr", "locales": {"fr": {"format": {**DATE_FORMATS, **browser_locale()}}}}
    return f"window.Plotly.setPlotConfig({json.dumps(config, ensure_ascii=False, sort_keys=True)});\n"


def page_plot(prepared: dict, name: str, theme: Theme) -> dict:
    """Return a prepared chart's variant `name` ("wide" or "narrow") in light colours, as the page shows it.

    The prepared chart itself is left as it is (the page's JSON is made from it): what changes is copied.
    """
    plot = variant(prepared, name, theme_recipe(theme))
    # plotly.js names a trace's patterns after its uid, random unless given.
    data = [{**trace, "uid": f"trace{index}"} for index, trace in enumerate(plot["data"])]
    return {**plot, "data": data}


def dark_style(theme: Theme) -> str:
    """Return the SVG style that recolours a page image for readers in dark mode (the SVG follows their scheme)."""
    fg, grid, label_bg = theme.colours("dark")
    return (
        "@media (prefers-color-scheme: dark) {"
        f" text {{ fill: {fg} !important; }}"
        f" .gridlayer path, .zerolinelayer path, .crisp {{ stroke: {grid} !important; }}"
        f" .annotation rect.bg {{ fill: {label_bg} !important; }}"
        " }"
    )


def lines(text: str, width: int, most: int) -> str:
    """Wrap text on at most `most` lines of `width` characters, the last ending in "…" when cut."""
    wrapped = wrap(text, width).split("<br>")
    if len(wrapped) > most:
        wrapped = wrapped[:most]
        wrapped[-1] = wrapped[-1].rstrip(" ,;:") + "…"
    return "<br>".join(wrapped)


def shorten(text: str, width: int) -> str:
    """Cut text to `width` characters, ending in "…" when cut."""
    return text if len(text) <= width else text[: width - 1].rstrip(" ,;:") + "…"


def text_annotation(text: str, x: float, y: float, size: int, color: str, **extra) -> dict:
    """Return a paper-anchored annotation of literal text."""
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": size, "color": color},
        "align": "left",
        **extra,
    }


def card_layout(theme: Theme, top: int, bottom: int) -> dict:
    """Return the frame every card shares: white, the site's font, margins for the text around the chart."""
    return {
        "width": CARD_WIDTH,
        "height": CARD_HEIGHT,
        "autosize": False,
        "paper_bgcolor": CARD_BACKGROUND,
        "plot_bgcolor": CARD_BACKGROUND,
        "font": {"family": theme.font, "color": theme.fg, "size": 22},
        "margin": {"l": 56, "r": 56, "t": top, "b": bottom},
        "shapes": [
            {
                "type": "rect",
                "xref": "paper",
                "yref": "paper",
                "x0": -0.047,
                "x1": 1.047,
                "y0": 1 + (top - 14) / (CARD_HEIGHT - top - bottom),
                "y1": 1 + top / (CARD_HEIGHT - top - bottom),
                "fillcolor": CARD_ACCENT,
                "line": {"width": 0},
            }
        ],
    }


def card_plot(prepared: dict, title: str, source_line: str, site_name: str, theme: Theme) -> dict:
    """Return a chart's 1200×630 share card: its title, its wide variant, its sources and date, the site's name."""
    card = page_plot(prepared, "wide", theme)
    title_text = lines(literal(title), TITLE_LINE, 2)
    top = 150 if "<br>" in title_text else 112
    legend = card["layout"].get("showlegend", False)
    bottom = 150 if legend else 100
    height = CARD_HEIGHT - top - bottom  # of the plot area, in pixels: paper units below are fractions of it
    layout = {**card["layout"], **card_layout(theme, top, bottom)}
    layout.pop("legend", None)
    if legend:
        layout["legend"] = {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -48 / height,
            "yanchor": "top",
            "font": {"size": 20},
        }
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout.get(axis, {}), "tickfont": {"size": 20}}
    layout["annotations"] = [
        text_annotation(
            f"<b>{title_text}</b>", 0, 1 + (top - 26) / height, 36, theme.fg, xanchor="left", yanchor="top"
        ),
        text_annotation(
            literal(shorten(source_line, SOURCE_LINE)),
            0,
            -(bottom - 66) / height,
            18,
            CARD_MUTED,
            xanchor="left",
            yanchor="top",
        ),
        text_annotation(
            f"<b>{literal(site_name)}</b>", 0, -(bottom - 40) / height, 18, CARD_ACCENT, xanchor="left", yanchor="top"
        ),
    ]
    card["layout"] = layout
    return card


def site_card_plot(site_name: str, description: str, theme: Theme) -> dict:
    """Return the 1200×630 card of pages without a chart: the site's name and description."""
    layout = card_layout(theme, 150, 100)
    layout["xaxis"] = {"visible": False, "range": [0, 1], "fixedrange": True}
    layout["yaxis"] = {"visible": False, "range": [0, 1], "fixedrange": True}
    layout["annotations"] = [
        text_annotation(
            f"<b>{lines(literal(site_name), 34, 3)}</b>", 0, 0.95, 48, theme.fg, xanchor="left", yanchor="top"
        ),
        text_annotation(lines(literal(description), 60, 4), 0, 0.35, 26, CARD_MUTED, xanchor="left", yanchor="top"),
    ]
    return {"data": [], "layout": layout}
