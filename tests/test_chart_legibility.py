"""Charts legible on a phone and on a desktop: every text contrasted, tick labels apart, labels inside, off hatching.

Contrast is computed twice: from the figure JSON and the theme's CSS custom properties
(what charts.js will draw, light and dark), and from the colours Chromium actually drew.
The geometry is measured on the demo post's charts in Chromium at 360 and 1280 px, whose
screenshots go to `test-screenshots/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path

import pytest

from browser import draw_all_charts, open_page
from site_helpers import ROOT

DEMO = "/2017/01/reseaux-et-mouvements/"
DEMO_FILE = "2017/01/reseaux-et-mouvements/index.html"
CSS = ROOT / "theme" / "static" / "css" / "site.css"
SCREENSHOTS = ROOT / "test-screenshots"
AA = 4.5  # WCAG 2 AA, normal text


# --- Colours ------------------------------------------------------------------------------


def rgb(colour: str) -> tuple[float, float, float, float]:
    """Return (r, g, b, alpha) of "#rgb", "#rrggbb", "rgb(…)" or "rgba(…)"."""
    colour = colour.strip()
    if colour.startswith("#"):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), 1.0)
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    return (numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) > 3 else 1.0)


def over(top: str, bottom: str) -> str:
    """Return `top` composited over the opaque `bottom`, as "#rrggbb"."""
    r, g, b, a = rgb(top)
    br, bg, bb, _ = rgb(bottom)
    mixed = [round(c * a + d * (1 - a)) for c, d in ((r, br), (g, bg), (b, bb))]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of an opaque colour."""
    channels = [c / 255 for c in rgb(colour)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert over("rgba(0, 0, 0, 0.5)", "#ffffff") == "#808080"


def theme_properties(css: str) -> dict[str, dict[str, str]]:
    """Return the custom properties of :root in the light theme and in the dark one."""
    dark_start = css.index("@media (prefers-color-scheme: dark)")
    dark_block = css[dark_start : css.index("}\n}", dark_start)]
    light_block = css[css.index(":root {") : dark_start]
    read = lambda block: dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block))  # noqa: E731
    light = read(light_block)
    return {"light": light, "dark": {**light, **read(dark_block)}}


def test_the_charts_theme_is_site_css():
    """The recipe's colours and font (images and interactive charts) are site.css's, light and dark."""
    from transparency_stats.charts.recipe import DEFAULT_THEME

    css = CSS.read_text(encoding="utf-8")
    for scheme, properties in theme_properties(css).items():
        expected = tuple(properties[f"--ts-chart-{name}"] for name in ("fg", "grid", "label-bg"))
        assert DEFAULT_THEME.colours(scheme) == expected, scheme
    body = css[css.index("\nbody {") : css.index("}", css.index("\nbody {"))]
    font = re.search(r"font: [\d.]+rem/[\d.]+ ([^;]+);", body).group(1)
    assert DEFAULT_THEME.font == font


class FigureScripts(HTMLParser):
    """Collect the figure JSON of every chart of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, dict] = {}
        self.current = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "application/json":
            self.current = attributes.get("id")

    def handle_endtag(self, tag):
        self.current = None

    def handle_data(self, data):
        if self.current:
            self.figures[self.current] = json.loads(data)


def drawn_texts(figure: dict, theme: dict[str, str]) -> list[tuple[str, str, str]]:
    """Return (what, text colour, background) for every text the chart shows, as charts.js draws it.

    The recipe's theme (the same colours: test_the_charts_theme_is_site_css) draws all text in
    --ts-chart-fg, value labels and hover boxes on --ts-chart-label-bg; the plot's paper is
    transparent over the page's --bg. Text inside a bar stands on the bar's colour (and, hatched, on the page's too).
    """
    page = theme["--bg"]
    layout = figure["layout"]
    paper = over(layout.get("paper_bgcolor", "rgba(0,0,0,0)"), page)
    plot = over(layout.get("plot_bgcolor", "rgba(0,0,0,0)"), paper)
    fg = theme["--ts-chart-fg"]
    label_bg = theme["--ts-chart-label-bg"]
    texts = [("tick labels", fg, paper), ("tick labels over the plot", fg, plot), ("hover box", fg, label_bg)]
    if layout.get("showlegend"):
        texts.append(("legend", fg, paper))
    for index in range(len(layout.get("annotations", []))):
        # charts.js gives every annotation the label background; without one it would stand on whatever is behind.
        texts.append((f"value label {index}", fg, label_bg))
    for trace in figure["data"]:
        if trace.get("type") != "bar" or not trace.get("text"):
            continue
        position = trace.get("textposition", "auto")
        if position == "none":
            continue
        if position == "outside":
            texts.append((f"value above a bar of {trace.get('name')}", fg, plot))
            continue
        colours = trace["marker"]["color"]
        hatched = "pattern" in trace["marker"]
        for colour in colours if isinstance(colours, list) else [colours]:
            colour_in = trace.get("insidetextfont", {}).get("color", fg)
            texts.append((f"value inside a bar ({colour})", colour_in, colour))
            if hatched:
                texts.append((f"value inside a hatched bar ({colour})", colour_in, plot))
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_chart_text_meets_wcag_aa_computed_from_the_figures_and_the_css(dev_site, scheme):
    theme = theme_properties(CSS.read_text(encoding="utf-8"))[scheme]
    figures = FigureScripts((dev_site / DEMO_FILE).read_text(encoding="utf-8")).figures
    figures.update(FigureScripts((dev_site / "transparence" / "index.html").read_text(encoding="utf-8")).figures)
    assert len(figures) >= 5
    weak = []
    for chart, figure in figures.items():
        for what, text, background in drawn_texts(figure, theme):
            ratio = contrast(text, background)
            if ratio < AA:
                weak.append(f"{chart}: {what}: {text} on {background} = {ratio:.2f}:1")
    assert weak == []


def test_the_contrast_check_would_catch_black_on_dark_red():
    figure = {
        "data": [{"type": "bar", "text": ["3 720"], "textposition": "inside", "marker": {"color": "#b3261e"}}],
        "layout": {},
    }
    light = theme_properties(CSS.read_text(encoding="utf-8"))["light"]
    ((what, text, background),) = [t for t in drawn_texts(figure, light) if "inside" in t[0]]
    assert contrast(text, background) < AA


# --- In Chromium: what is drawn, where --------------------------------------------------

# Runs in the page: every chart's boxes (relative to the viewport) and colours as drawn.
MEASURE = r"""() => Array.from(document.querySelectorAll(".ts-chart")).map((chart) => {
  const svg = chart.querySelector(".ts-chart__plot svg.main-svg");
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && e.textContent.trim();
  };
  const fill = (e) => getComputedStyle(e).fill;
  const ticks = Array.from(chart.querySelectorAll("g.xtick > text, g.ytick > text")).filter(visible).map((t) => ({
    axis: t.parentNode.classList.contains("xtick") ? "x" : "y", text: t.textContent, box: box(t), fill: fill(t),
  }));
  const plain = (kind, t) => ({ kind, text: t.textContent, box: box(t), fill: fill(t), bg: null, bgOpacity: 0 });
  const labels = [];
  chart.querySelectorAll("g.annotation").forEach((g) => {
    const text = g.querySelector("text");
    const bg = g.querySelector("rect.bg");
    if (text && visible(text)) labels.push({
      kind: "annotation", text: text.textContent, box: box(text), fill: fill(text),
      bg: bg ? getComputedStyle(bg).fill : null, bgOpacity: bg ? Number(getComputedStyle(bg).fillOpacity) : 0,
    });
  });
  chart.querySelectorAll("text.bartext").forEach((t) => visible(t) && labels.push(plain("bar text", t)));
  chart.querySelectorAll(".legend text.legendtext").forEach((t) => visible(t) && labels.push(plain("legend", t)));
  // A hatched bar is filled with a <pattern>: its colour is the stripes' (on the page's background).
  const stripes = (fillValue) => {
    const id = /url\(["']?#([^"')]+)/.exec(fillValue);
    const pattern = id && document.getElementById(id[1]);
    const mark = pattern && pattern.querySelector("path, rect, circle");
    if (!mark) return null;
    const style = getComputedStyle(mark);
    return style.stroke && style.stroke !== "none" ? style.stroke : style.fill;
  };
  const bars = Array.from(chart.querySelectorAll(".barlayer .trace .point path")).map((p) => {
    const fillValue = getComputedStyle(p).fill;
    const hatched = fillValue.startsWith("url(");
    return { box: box(p), hatched, colour: hatched ? stripes(fillValue) : fillValue };
  });
  return {
    id: chart.id, svg: svg ? box(svg) : null, ticks, labels, bars,
    page: getComputedStyle(document.body).backgroundColor,
  };
})"""


def intersect(a, b, slack: float = 0.5) -> bool:
    """Tell whether two boxes [left, top, right, bottom] overlap by more than `slack` px."""
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def inside(a, outer, slack: float = 1.0) -> bool:
    """Tell whether box a lies within box outer (give or take `slack` px)."""
    return (
        a[0] >= outer[0] - slack and a[1] >= outer[1] - slack and a[2] <= outer[2] + slack and a[3] <= outer[3] + slack
    )


def geometry_problems(chart: dict) -> list[str]:
    """Return what makes a drawn chart hard to read: overlapping ticks or labels, labels out of it or on hatching."""
    where = f"#{chart['id']}"
    if chart["svg"] is None:
        return [f"{where}: not drawn"]
    problems = []
    for a, b in combinations(chart["ticks"], 2):
        if intersect(a["box"], b["box"]):
            problems.append(f"{where}: tick labels {a['text']!r} and {b['text']!r} overlap")
    values = [label for label in chart["labels"] if label["kind"] != "legend"]
    for a, b in combinations(values, 2):
        if intersect(a["box"], b["box"]):
            problems.append(f"{where}: value labels {a['text']!r} and {b['text']!r} overlap")
    for label in values:
        for tick in chart["ticks"]:
            if intersect(label["box"], tick["box"]):
                problems.append(f"{where}: value label {label['text']!r} covers tick label {tick['text']!r}")
        solid = label["bg"] is not None and label["bgOpacity"] >= 1 and not label["bg"].startswith("rgba(0, 0, 0, 0)")
        for bar in chart["bars"]:
            if bar["hatched"] and intersect(label["box"], bar["box"]) and not solid:
                problems.append(f"{where}: value label {label['text']!r} is drawn on hatching")
    for item in chart["ticks"] + chart["labels"]:
        if not inside(item["box"], chart["svg"]):
            problems.append(f"{where}: {item.get('kind', 'tick label')} {item['text']!r} leaves the chart")
    return problems


def measure(
    browser, site_url: str, width: int, scheme: str = "light", screenshots: Path | None = None, then: str | None = None
) -> list[dict]:
    """Open the demo post at this width, draw every chart, measure them (and screenshot each one).

    With `then`, switch to that colour scheme once the charts are drawn, as a reader's system may.
    """
    page = open_page(browser, viewport={"width": width, "height": 800}, color_scheme=scheme)
    try:
        page.goto(site_url + DEMO)
        draw_all_charts(page.page)
        page.settle()
        if then:
            page.page.emulate_media(color_scheme=then)
        page.page.wait_for_timeout(300)  # charts.js redraws a chart in the other colours on a switch
        charts = page.page.evaluate(MEASURE)
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
            for index, chart in enumerate(charts):
                locator = page.page.locator(f"#{chart['id']}")
                locator.scroll_into_view_if_needed()
                locator.screenshot(path=str(screenshots / f"{width}px-{scheme}-{index + 1}-{chart['id']}.png"))
        assert page.problems() == []
        return charts
    finally:
        page.close()


@pytest.fixture(scope="module")
def site_url(dev_site, serve) -> str:
    return serve(dev_site)


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_demo_charts_have_apart_tick_labels_and_labels_inside_and_off_the_hatching(browser, site_url, width):
    charts = measure(browser, site_url, width, screenshots=SCREENSHOTS)
    assert len(charts) == 6
    assert all(chart["ticks"] for chart in charts)
    assert sum(len([label for label in chart["labels"] if label["kind"] != "legend"]) for chart in charts) >= 10
    problems = [problem for chart in charts for problem in geometry_problems(chart)]
    assert problems == []


ALL_CHARTS_WIDTH = """([low, high]) => Array.from(document.querySelectorAll(".ts-chart svg.main-svg"))
  .every((svg) => svg.getBoundingClientRect().width > low && svg.getBoundingClientRect().width < high)"""


@pytest.mark.browser
def test_charts_redraw_for_a_new_width(browser, site_url):
    """A phone turned, a window narrowed: the charts drawn wide are re-fitted for 360 px."""
    page = open_page(browser, viewport={"width": 1280, "height": 800})
    try:
        page.goto(site_url + DEMO)
        draw_all_charts(page.page)
        wide = page.page.evaluate(MEASURE)
        page.page.set_viewport_size({"width": 360, "height": 800})
        page.page.wait_for_function(ALL_CHARTS_WIDTH, arg=[0, 360])
        page.page.wait_for_timeout(1000)  # charts.js waits for the resizing to settle, then redraws
        narrow = page.page.evaluate(MEASURE)
        page.page.set_viewport_size({"width": 1280, "height": 800})
        page.page.wait_for_function(ALL_CHARTS_WIDTH, arg=[600, 10_000])
        page.page.wait_for_timeout(1000)
        wide_again = page.page.evaluate(MEASURE)
        assert page.problems() == []
    finally:
        page.close()
    ticks = lambda charts: [[t["text"] for t in c["ticks"]] for c in charts]  # noqa: E731
    assert ticks(narrow) != ticks(wide)
    assert ticks(wide_again) == ticks(wide)
    problems = [problem for chart in narrow + wide_again for problem in geometry_problems(chart)]
    assert problems == []


def drawn_contrast_problems(chart: dict) -> list[str]:
    """Return every drawn text whose colour, against what is drawn behind it, is under 4.5:1."""
    page = over(chart["page"], "#ffffff")
    problems = []
    for item in chart["ticks"] + chart["labels"]:
        text = over(item["fill"], page)
        backgrounds = [page]
        if item.get("bg") and item.get("bgOpacity", 0) > 0:
            backgrounds = [over(item["bg"], page)]  # its own box
        else:
            backgrounds += [
                over(bar["colour"], page)
                for bar in chart["bars"]
                if bar["colour"] and intersect(item["box"], bar["box"])
            ]
        for background in backgrounds:
            if contrast(text, background) < AA:
                problems.append(
                    f"#{chart['id']}: {item['text']!r} {text} on {background} = {contrast(text, background):.2f}:1"
                )
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("scheme, then", [("light", None), ("dark", None), ("light", "dark")])
def test_every_drawn_chart_text_meets_wcag_aa(browser, site_url, scheme, then):
    charts = measure(browser, site_url, 360, scheme, then=then)
    if then:
        assert {chart["page"] for chart in charts} == {"rgb(18, 18, 20)"}, "the page switched to dark"
    assert sum(len(chart["ticks"]) + len(chart["labels"]) for chart in charts) > 30
    problems = [problem for chart in charts for problem in drawn_contrast_problems(chart)]
    assert problems == []
