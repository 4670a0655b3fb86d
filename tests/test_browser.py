"""Open the demo site in Chromium: charts draw, stay on the site, obey the CSP, read in French.

The site is the demo built with the development settings (fixture `dev_site`), served on
127.0.0.1. One Chromium serves the whole session (fixture `browser`); each test opens its
own context, so colour scheme, viewport and JavaScript can differ.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser import (
    AXE,
    draw_all_charts,
    open_page,
    read_charts,
    scroll_width,
    table_problems,
)
from campaign_site.plugin import CONTENT_SECURITY_POLICY, SEARCH_CONTENT_SECURITY_POLICY
from tools.nginx import serving

pytestmark = pytest.mark.browser

DEMO = "/2017/01/reseaux-et-mouvements/"
DATA = "/transparence/"
METRIC = "/transparence/youtube.subscribers/"  # a metric's own page, with its chart
METRIC_ONE = "/transparence/network.supporters.total/"  # a metric with one figure: no chart
HOME = "/"
ARTICLE_WITHOUT_CHARTS = "/2016/10/revue-de-la-semaine/"
PAGE = "/a-propos/"
NOT_FOUND = "/404.html"
EVERY_KIND = {
    "home": HOME,
    "home-page-2": "/page/2/",
    "article-with-charts": DEMO,
    "article-without-charts": ARTICLE_WITHOUT_CHARTS,
    "page": PAGE,
    "category": "/categorie/campagne-numerique/",
    "tag": "/etiquette/youtube/",
    "archives": "/archives/",
    "year-archive": "/2017/",
    "month-archive": "/2017/01/",
    "tags": "/etiquettes/",
    "categories": "/categories/",
    "data-page": DATA,
    "metric-page": METRIC,
    "metric-page-one-figure": METRIC_ONE,
    "404": NOT_FOUND,
    "search": "/recherche/?q=abonn%C3%A9s",
}


@pytest.fixture(scope="module")
def site_url(dev_site, serve) -> str:
    return serve(dev_site)


@pytest.fixture(scope="module")
def csp_url(dev_site):
    """The same site served by nginx with deploy/nginx.conf: each response carries its path's policy as a header too.

    That is the theme's policy (and frame-ancestors) everywhere, but on the search page and
    Pagefind's files, whose policy adds 'wasm-unsafe-eval' (Debian's nginx with deploy/nginx.conf).
    """
    with serving(dev_site) as url:
        yield url


@pytest.fixture
def open_(browser):
    """Return a function opening a recorded page in a fresh context; all are closed afterwards."""
    opened = []

    def opener(**context_options):
        page = open_page(browser, **context_options)
        opened.append(page)
        return page

    yield opener
    for page in opened:
        page.close()


@pytest.fixture(scope="module")
def drawn(browser, site_url):
    """Return a function giving a page loaded once per module, every chart drawn, network settled."""
    loaded = {}

    def get(path: str):
        if path not in loaded:
            page = open_page(browser)
            try:
                page.goto(site_url + path)
                draw_all_charts(page.page)
                page.settle()
            except BaseException:
                page.close()  # the next test tries again, and fails on its own
                raise
            loaded[path] = page
        return loaded[path]

    yield get
    for page in loaded.values():
        page.close()


def luminance(rgb: str) -> float:
    """Return the relative luminance (0 black to 1 white) of a CSS "rgb(r, g, b)" colour."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# --- Charts draw, locally, without errors, and their tables hold what they plot -------------


@pytest.mark.parametrize("path", [DEMO, METRIC], ids=["demo-post", "metric-page"])
def test_every_chart_draws_with_plotly(drawn, path):
    page = drawn(path)
    plots_without_svg = page.page.eval_on_selector_all(
        ".ts-chart", "charts => charts.filter(c => !c.querySelector('.ts-chart__plot svg.main-svg')).map(c => c.id)"
    )
    assert plots_without_svg == []
    count = page.page.locator(".ts-chart.ts-chart--drawn").count()
    if path == DEMO:
        assert count >= 4
    else:
        assert count == 1  # the metric's own chart


@pytest.mark.parametrize("path", [DEMO, METRIC], ids=["demo-post", "metric-page"])
def test_text_is_painted_before_plotly_is_even_requested(open_, site_url, path):
    """plotly.js never competes with the first paint: charts.js asks for it only after it."""
    page = open_()
    page.goto(site_url + path)
    draw_all_charts(page.page)
    fcp, plotly_start, blocking = page.page.evaluate(
        """() => {
            const paint = performance.getEntriesByName("first-contentful-paint")[0];
            const plotly = performance.getEntriesByType("resource").find(r => r.name.includes("plotly-basic"));
            const blocking = performance.getEntriesByType("resource")
                .filter(r => r.initiatorType === "script" && r.renderBlockingStatus === "blocking").map(r => r.name);
            return [paint ? paint.startTime : null, plotly ? plotly.startTime : null, blocking];
        }"""
    )
    assert fcp is not None and plotly_start is not None
    assert fcp <= plotly_start, f"plotly.js requested at {plotly_start:.0f} ms, before the first paint at {fcp:.0f} ms"
    assert blocking == []


@pytest.mark.parametrize("path", [DEMO, METRIC], ids=["demo-post", "metric-page"])
def test_no_console_error_no_page_error_and_nothing_leaves_the_site(drawn, site_url, path):
    page = drawn(path)
    assert page.requests_leaving(site_url) == []
    assert page.problems() == []
    assert any("plotly-basic" in url for url in page.requests)  # the charts really loaded plotly.js


@pytest.mark.parametrize("path", [DEMO, METRIC], ids=["demo-post", "metric-page"])
def test_each_table_holds_exactly_the_plotted_figures(drawn, path):
    charts = read_charts(drawn(path).page)
    assert charts
    problems = [p for chart in charts for p in table_problems(chart)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", [HOME, ARTICLE_WITHOUT_CHARTS, PAGE, "/categories/", NOT_FOUND, DATA, METRIC_ONE])
def test_pages_without_charts_never_request_plotly(open_, site_url, path):
    page = open_()
    page.goto(site_url + path)
    page.page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.settle()
    assert page.page.locator(".ts-chart").count() == 0
    assert page.plotly_requests() == []
    assert page.problems() == []


# --- The Content-Security-Policy, sent as an HTTP header as well ----------------------------


@pytest.mark.parametrize("path", EVERY_KIND.values(), ids=EVERY_KIND.keys())
def test_strict_csp_header_is_never_violated(open_, csp_url, path):
    page = open_()
    response = page.goto(csp_url + path)
    policy = response.headers.get("content-security-policy")
    theme_policy = (
        SEARCH_CONTENT_SECURITY_POLICY if urlsplit(path).path.startswith("/recherche/") else CONTENT_SECURITY_POLICY
    )
    framing = (
        "frame-ancestors *" if urlsplit(path).path.startswith("/transparence/graphique/") else "frame-ancestors 'none'"
    )
    assert policy == f"{theme_policy}; {framing}"
    if "/recherche/" in path:  # the query has run, in Pagefind's worker, under the header policy
        page.page.wait_for_selector("[data-search-results]:not([aria-busy]) .search-result")
    draw_all_charts(page.page)
    page.settle()
    violations = page.csp_violations()
    assert violations == [], "\n".join(
        f"{v['directive']}: {v['blocked']} ({v['source']}:{v['line']})" for v in violations
    )
    assert page.problems() == []


def test_png_download_under_strict_csp(open_, csp_url):
    """Plotly's "download plot as PNG" draws through a blob: image: the policy must allow it."""
    page = open_(accept_downloads=True)
    page.goto(csp_url + DEMO)
    draw_all_charts(page.page)
    chart = page.page.locator(".ts-chart").nth(1)
    chart.scroll_into_view_if_needed()
    chart.locator(".ts-chart__plot").hover()  # the modebar shows on hover
    button = chart.locator('.modebar-btn[data-title*="PNG"]')
    assert button.count() == 1
    try:
        with page.page.expect_download() as download_info:
            button.click()
        download = download_info.value
    except PlaywrightTimeout:
        pytest.fail(f"no PNG downloaded; CSP violations: {page.csp_violations()}; {page.problems()}")
    assert download.suggested_filename == f"{chart.get_attribute('id')}.png"
    with open(download.path(), "rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"
    violations = page.csp_violations()
    assert violations == [], "\n".join(f"{v['directive']}: {v['blocked']}" for v in violations)
    assert page.problems() == []
    assert page.requests_leaving(csp_url) == []


# --- Without JavaScript, on a phone, in the dark -------------------------------------------


def test_without_javascript_the_post_shows_the_charts_as_images_and_tables(open_, site_url):
    page = open_(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page.goto(site_url + DEMO)
    view = page.page
    assert "Réseaux et mouvements" in view.locator("h1").inner_text()
    assert view.get_by_text("Une campagne qui revendique la force du nombre").is_visible()
    charts = view.locator(".ts-chart")
    assert charts.count() >= 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator(".ts-chart__title").is_visible()
        image = chart.locator(".ts-chart__image img")
        image.scroll_into_view_if_needed()
        assert image.is_visible() and image.evaluate("img => img.complete && img.naturalWidth") > 0
        assert chart.locator(".ts-chart__explore").is_hidden()  # a button needs the script it would call
        described_by = chart.locator(".ts-chart__plot").get_attribute("aria-describedby")
        sentence = chart.locator(f"[id='{described_by}']")
        assert sentence.is_visible() and sentence.inner_text().endswith("."), described_by
        summary = chart.locator("details.ts-chart__data > summary")
        assert summary.count() == 1, f"#{chart.get_attribute('id')}: no <details> table"
        summary.click()  # opens without a script
        assert chart.locator("details.ts-chart__data table").is_visible()
    problems = [p for chart in read_charts(view) for p in table_problems(chart)]
    assert problems == [], "\n".join(problems)
    assert page.plotly_requests() == []
    assert scroll_width(view) <= 320


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_no_horizontal_scroll_once_charts_are_drawn(open_, site_url, width, scheme):
    page = open_(viewport={"width": width, "height": 800}, color_scheme=scheme)
    too_wide = []
    for path in (DEMO, DATA, METRIC, METRIC_ONE, HOME):
        page.goto(site_url + path)
        draw_all_charts(page.page)
        if scroll_width(page.page) > width:
            too_wide.append(f"{path}: scrollWidth {scroll_width(page.page)} > {width}")
    assert too_wide == []


def tick_fill(page) -> str:
    return page.eval_on_selector(".ts-chart .xtick text", "text => getComputedStyle(text).fill")


def test_chart_text_follows_the_colour_scheme(open_, site_url):
    fills = {}
    pages = {}
    for scheme in ("light", "dark"):
        pages[scheme] = page = open_(color_scheme=scheme)
        page.goto(site_url + DEMO)
        draw_all_charts(page.page)
        fills[scheme] = tick_fill(page.page)
    assert fills["light"] != fills["dark"]
    assert luminance(fills["dark"]) > 0.5, f"dark scheme: tick labels {fills['dark']} are not light"
    assert luminance(fills["light"]) < 0.2, f"light scheme: tick labels {fills['light']} are not dark"
    # Switching the scheme on a drawn page recolours its charts.
    light = pages["light"].page
    light.emulate_media(color_scheme="dark")
    light.wait_for_function(
        "fill => getComputedStyle(document.querySelector('.ts-chart .xtick text')).fill === fill", arg=fills["dark"]
    )


# --- The data page: an overview to scan -----------------------------------------------------


def test_the_data_page_fits_in_about_three_phone_screens(open_, site_url):
    """At 360 × 740 the overview of the demo data is at most five screens high (it was 25 with a chart per metric).

    Four screens held the 19 metrics of issue 10; issue 15 added the 8 metrics of the demo post's
    figures (one row each) and the list of events: about 3 550 px, 4.8 screens.
    """
    page = open_(viewport={"width": 360, "height": 740})
    page.goto(site_url + DATA)
    height = page.page.evaluate("document.documentElement.scrollHeight")
    print(f"data page at 360 px: {height} px, {height / 740:.1f} screens")
    assert height <= 5 * 740
    assert scroll_width(page.page) <= 360


def test_every_sparkline_is_an_image_named_by_its_sentence_and_drawn_in_the_text_colour(open_, site_url):
    page = open_(viewport={"width": 360, "height": 740})
    page.goto(site_url + DATA)
    lines = page.page.eval_on_selector_all(
        "svg.sparkline",
        """svgs => svgs.map(svg => ({
            role: svg.getAttribute("role"), title: svg.querySelector("title").textContent,
            stroke: svg.querySelector("polyline") ? getComputedStyle(svg.querySelector("polyline")).stroke
                                                  : getComputedStyle(svg.querySelector("rect")).fill,
            color: getComputedStyle(svg.closest("tr")).color, width: svg.getBoundingClientRect().width,
        }))""",
    )
    assert len(lines) >= 4
    for line in lines:
        assert line["role"] == "img" and line["title"].endswith(".") and "\u00a0: " in line["title"]
        assert line["stroke"] == line["color"] and line["width"] > 0


# --- Accessibility (axe-core) ---------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path",
    [
        HOME,
        DEMO,
        DATA,
        METRIC,
        METRIC_ONE,
        PAGE,
        NOT_FOUND,
        "/recherche/?q=abonn%C3%A9s",
    ],
    ids=["home", "demo-post", "data-page", "metric-page", "metric-page-one-figure", "page", "404", "search"],
)
def test_axe_finds_no_serious_violation(open_, site_url, path, scheme):
    # axe is injected as an inline script: the meta CSP would block it, so this context bypasses CSP.
    page = open_(bypass_csp=True, color_scheme=scheme)
    page.goto(site_url + path)
    if "/recherche/" in path:  # results and filters shown, the filters opened
        page.page.wait_for_selector("[data-search-results]:not([aria-busy]) .search-result")
        page.page.locator("[data-search-filters-box] > summary").click()
    draw_all_charts(page.page)
    page.page.add_script_tag(path=str(AXE))
    results = page.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    lines = {"serious": [], "other": []}
    for violation in results["violations"]:
        kind = "serious" if violation["impact"] in ("serious", "critical") else "other"
        for node in violation["nodes"]:
            lines[kind].append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} — "
                f"{' '.join(map(str, node['target']))}: {node['html'][:160]}"
            )
    if lines["other"]:
        print(f"axe, {path} ({scheme}), minor and moderate:\n" + "\n".join(lines["other"]))
    assert lines["serious"] == [], "\n".join(lines["serious"])


# --- French --------------------------------------------------------------------------------


def test_chart_axes_speak_french(drawn):
    page = drawn(DEMO).page
    chart = page.locator(".ts-chart", has=page.locator(".ts-chart__title", has_text="Abonnés de la chaîne YouTube"))
    assert chart.count() == 1
    x_ticks = chart.locator(".xtick text").all_text_contents()
    y_ticks = chart.locator(".ytick text").all_text_contents()
    assert any(re.search(r"\b(déc|nov|oct|sept)\.", tick) for tick in x_ticks), x_ticks
    english = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
    assert not any(english.search(tick) for tick in x_ticks), x_ticks
    grouped = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+")
    assert any(grouped.fullmatch(tick) for tick in y_ticks), y_ticks
    assert not any("," in tick or "." in tick for tick in y_ticks), y_ticks
