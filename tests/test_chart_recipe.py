"""One recipe for image and browser: at 360 and 1280 px, a chart's image and its interactive chart share their layout.

The demo post is opened in Chromium at each width. For every chart, the SVG image its
`<picture>` chose there (the narrow one on a phone) is opened as a document of its own and
measured; then « Explorer les données » is pressed and plotly.js's chart is measured the
same way. Both must show the same tick labels on each axis and the same value labels, each
placed the same way against its bar (past its end, inside it, or from its base).
"""

from __future__ import annotations

import pytest

from browser import open_page
from site_helpers import ROOT

DEMO = "/2017/01/reseaux-et-mouvements/"

# Runs in the page on a root holding one plotly.js SVG (an image's, or the drawn chart's).
LAYOUT = r"""(root) => {
  const box = (e) => e.getBoundingClientRect();
  const texts = (selector) => Array.from(root.querySelectorAll(selector), (t) => t.textContent)
    .filter((text) => text.trim());
  const bars = Array.from(root.querySelectorAll(".barlayer .trace .point path"), box)
    .filter((b) => b.width > 0 && b.height > 0);
  const labels = Array.from(root.querySelectorAll("g.annotation"), (g) => {
    const frame = box(g.querySelector("rect.bg") || g);
    const middle = (frame.top + frame.bottom) / 2;
    const bar = bars.reduce((best, b) => (!best || Math.abs((b.top + b.bottom) / 2 - middle)
      < Math.abs((best.top + best.bottom) / 2 - middle) ? b : best), null);
    let place = "no bar";
    if (bar) {
      const distances = {
        "past its end": Math.abs(frame.left - bar.right),
        "inside, at its end": Math.abs(frame.right - bar.right),
        "from its base": Math.abs(frame.left - bar.left),
      };
      place = Object.keys(distances).reduce((a, b) => (distances[a] <= distances[b] ? a : b));
    }
    return { text: g.textContent, place };
  });
  return {
    x: texts("g.xtick > text"),
    y: texts("g.ytick > text"),
    labels,
    legend: texts(".legend text.legendtext"),
  };
}"""


@pytest.fixture(scope="module")
def site_url(dev_site, serve) -> str:
    return serve(dev_site)


def image_and_chart_layouts(browser, site_url: str, width: int) -> list[tuple[str, str, dict, dict]]:
    """Return, per chart of the demo post at this viewport width: its id, its image's URL, the image's layout
    and the interactive chart's."""
    page = open_page(browser, viewport={"width": width, "height": 900})
    try:
        page.goto(site_url + DEMO)
        page.settle()
        charts = page.page.locator(".ts-chart")
        image_page = page.page.context.new_page()  # the SVG file as a document of its own, with its own policy
        found = []
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            chart_id = chart.get_attribute("id")
            url = chart.locator(".ts-chart__image img").evaluate("img => img.currentSrc")
            image_page.goto(url)
            image = image_page.evaluate(f"({LAYOUT})(document.documentElement)")
            button = chart.locator(".ts-chart__explore")
            button.wait_for(state="visible")
            # Pressed without moving the mouse, which, left over a chart, would draw that one first.
            button.evaluate("button => button.click()")
            page.page.wait_for_function("el => el.classList.contains('ts-chart--drawn')", arg=chart.element_handle())
            drawn = chart.locator(".ts-chart__plot").evaluate(LAYOUT)
            found.append((chart_id, url, image, drawn))
        assert page.problems() == []
        return found
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width, image", [(360, "graphique-etroit.svg"), (1280, "graphique.svg")])
def test_the_image_and_the_interactive_chart_share_ticks_and_label_places(browser, site_url, width, image):
    layouts = image_and_chart_layouts(browser, site_url, width)
    post = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    assert len(layouts) == post.read_text(encoding="utf-8").count("```chart")  # every chart of the demo post
    assert all(url.endswith("/" + image) for _, url, _, _ in layouts)  # the variant the media query chose
    assert sum(len(drawn["labels"]) for *_, drawn in layouts) >= 5  # the latest charts' value labels
    for chart_id, _, drawn_image, drawn in layouts:
        assert drawn["x"] and drawn["y"], chart_id
        assert drawn_image == drawn, f"#{chart_id} at {width} px: the image's layout differs from the chart's"


@pytest.mark.browser
def test_the_page_can_switch_a_drawn_chart_to_the_dark_colours_and_back(browser, site_url):
    """A theme switch on the page (not the system) sends ts-chart-theme; drawn charts take those colours."""
    page = open_page(browser, viewport={"width": 1280, "height": 900}, color_scheme="light")
    fill = "chart => getComputedStyle(chart.querySelector('.ts-chart__plot g.ytick > text')).fill"
    switch = "scheme => document.dispatchEvent(new CustomEvent('ts-chart-theme', { detail: { scheme } }))"
    try:
        page.goto(site_url + DEMO)
        chart = page.page.locator(".ts-chart").first
        chart.locator(".ts-chart__explore").evaluate("button => button.click()")
        page.page.wait_for_function("el => el.classList.contains('ts-chart--drawn')", arg=chart.element_handle())
        assert chart.evaluate(fill) == "rgb(29, 29, 31)"  # --ts-chart-fg, light
        page.page.evaluate(switch, "dark")
        page.page.wait_for_function(f"chart => ({fill})(chart) === 'rgb(236, 236, 239)'", arg=chart.element_handle())
        page.page.evaluate(switch, None)  # back to the reader's system: light
        page.page.wait_for_function(f"chart => ({fill})(chart) === 'rgb(29, 29, 31)'", arg=chart.element_handle())
        assert page.problems() == []
    finally:
        page.close()
