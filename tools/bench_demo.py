"""Figures 5–8 of `invoke bench`: a chart's bytes, the demo site's scripts, and its first paint in Chromium."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from statistics import median

from tools.bench_builds import run_build, site_overrides
from tools.bench_common import KB, Context, Row, Section, check, kb, row, soup
from tools.chromium import launch
from tools.serving import StaticServer
from tools.synthetic_site import write_one_chart_site

VIEWPORT = {"width": 390, "height": 844}
BUDGET_CHART_BYTES = 1.5 * KB
BUDGET_JS_CHARTS = 450 * KB  # gzip -9
BUDGET_JS_NO_CHARTS = 0


def measure_chart_bytes(folder: Path) -> dict:
    """Build a one-chart site (1 metric × 12 monthly points); compare its plot JSON with plotly's to_json()."""
    import plotly.graph_objects as go

    page = write_one_chart_site(folder)
    run_build(folder / "output", site_overrides(folder, folder / "cache"))
    scripts = soup(folder / "output" / page).select('script[type="application/json"]')
    check(len(scripts) == 1, f"the one-chart page has {len(scripts)} plot JSON scripts")
    figure = json.loads(scripts[0].string)
    check(len(figure["data"]) == 1 and len(figure["data"][0]["x"]) == 12, "the test chart does not plot 12 points")
    plotly = go.Figure(data=figure["data"], layout=figure["layout"]).to_json()
    return {"ours": len(scripts[0].string.encode("utf-8")), "plotly": len(plotly.encode("utf-8"))}


def build_demo(folder: Path) -> Path:
    """Build the real demo site (content/, stats/) without a content cache into `folder`/output."""
    # Without chart images, so that plotly.js draws on load as figure 8 measures it; with images,
    # plotly.js waits for the reader, and Lighthouse (the lines after the table) measures that page.
    overrides = {"CACHE_PATH": str(folder / "cache"), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
    run_build(folder / "output", {**overrides, "TRANSPARENCY_STATS_IMAGES": False})
    return folder / "output"


def demo_pages(output: Path) -> tuple[Path, list[Path]]:
    """Return the article with the most charts, and every page without a chart."""
    plots = {p: len(soup(p).select(".ts-chart__plot")) for p in sorted(output.rglob("*.html"))}
    articles = [p for p in plots if re.match(r"\d{4}/\d{2}/", p.relative_to(output).as_posix())]
    check(articles and max(plots[p] for p in articles) > 0, "no demo article has a chart")
    return max(articles, key=plots.get), [p for p in plots if plots[p] == 0]


def page_scripts(output: Path, html_path: Path) -> list[tuple[str, int, int]]:
    """Return (url, bytes, gzip -9 bytes) of every script a page loads, and of what charts.js loads for a chart."""
    page, urls = soup(html_path), []
    charts = bool(page.select(".ts-chart__plot"))
    for script in page.select("script[src]"):
        urls.append(script["src"])
        if charts:  # charts.js fetches plotly.js (then its locale) only for a chart
            urls += [script[a] for a in ("data-plotly", "data-plotly-locale") if script.get(a)]
    found = []
    for url in dict.fromkeys(urls):
        path = output / re.sub(r"^https?://[^/]+", "", url.split("?")[0].split("#")[0]).lstrip("/")
        check(path.is_file(), f"{html_path.relative_to(output)} loads {url}, which is not in the build")
        found.append((url, path.stat().st_size, len(gzip.compress(path.read_bytes(), 9))))
    return found


def measure_scripts(output: Path) -> dict:
    """Weigh the scripts of the most charted article, and the plotly.js that chartless pages load."""
    charted, chartless = demo_pages(output)
    scripts = page_scripts(output, charted)
    plotly = [sum(raw for url, raw, _ in page_scripts(output, p) if "plotly" in url.rsplit("/")[-1]) for p in chartless]
    return {
        "page": charted.relative_to(output).as_posix(),
        "scripts": scripts,
        "chartless_pages": len(chartless),
        "gzip_total": sum(g for _, _, g in scripts),
        "plotly_without": max(plotly, default=0),
    }


# Runs before the page's own scripts: note when each chart gets drawn, and which plots are in view.
BROWSER_INIT = """
window.__bench = {drawn: {}, failed: [], inView: null, below: null};
new MutationObserver((records) => {
  for (const {target: el} of records) {
    if (!el.classList || !el.classList.contains('ts-chart')) continue;
    if (el.classList.contains('ts-chart--drawn') && !(el.id in __bench.drawn)) __bench.drawn[el.id] = performance.now();
    if (el.classList.contains('ts-chart--failed') && !__bench.failed.includes(el.id)) __bench.failed.push(el.id);
  }
}).observe(document, {attributes: true, attributeFilter: ['class'], subtree: true});
document.addEventListener('DOMContentLoaded', () => {
  __bench.inView = []; __bench.below = [];
  for (const plot of document.querySelectorAll('.ts-chart__plot[data-plot]')) {
    const box = plot.getBoundingClientRect(), id = plot.closest('.ts-chart').id;
    if (box.top < innerHeight && box.bottom > 0) __bench.inView.push(id);
    else __bench.below.push([id, Math.round(box.top - innerHeight)]);
  }
});
"""
BROWSER_COLLECT = """() => {
  const paint = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
  const resources = performance.getEntriesByType('resource');
  const plotly = resources.find((r) => /plotly-basic/.test(r.name));
  const charts = Array.from(document.querySelectorAll('.ts-chart'));
  return {fcp: paint ? paint.startTime : null, plotlyEnd: plotly ? plotly.responseEnd : null,
    scripts: resources.filter((r) => r.initiatorType === 'script' || /\\.js(\\?|$)/.test(r.name))
      .map((r) => [r.name, r.renderBlockingStatus || 'unknown']),
    blockingCss: resources.filter((r) => /\\.css(\\?|$)/.test(r.name) && r.renderBlockingStatus === 'blocking').length,
    ...__bench, charts: charts.length, notDrawn: charts.filter((c) => !c.classList.contains('ts-chart--drawn')).length};
}"""
DONE = "(id in __bench.drawn || __bench.failed.includes(id))"
WAIT_IN_VIEW = f"() => window.__bench && __bench.inView !== null && __bench.inView.every((id) => {DONE})"
WAIT_FOR = f"(id) => window.__bench && {DONE}"


def browser_run(browser, url: str) -> dict:
    """Open `url` once in a fresh phone-sized context; return paint, script and chart-drawing times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(BROWSER_INIT)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url, wait_until="load")
        page.wait_for_function(WAIT_IN_VIEW, timeout=60_000)
        state = page.evaluate("() => window.__bench")
        first, preloaded, scrolled_at = None if state["inView"] else state["below"][0], True, 0.0
        if first:  # none in view: time the first chart, which charts.js may draw ahead (within 300 px), else scroll
            try:
                page.wait_for_function(WAIT_FOR, arg=first[0], timeout=5_000)
            except PlaywrightTimeout:
                preloaded = False
        page.wait_for_timeout(500)  # let charts near the fold finish, then count the others
        data = page.evaluate(BROWSER_COLLECT)
        if not preloaded:
            scrolled_at = page.evaluate(
                "(id) => { document.getElementById(id).scrollIntoView(); return performance.now(); }", first[0]
            )
            page.wait_for_function(WAIT_FOR, arg=first[0], timeout=60_000)
            data.update(page.evaluate("() => ({drawn: __bench.drawn, failed: __bench.failed})"))
        check(not data["failed"], f"charts failed to draw in Chromium: {data['failed']} {errors}")
        drawn_ms = max(data["drawn"][i] for i in data["inView"] or [first[0]]) - scrolled_at
        return {**data, "first": first, "preloaded": preloaded, "drawn_ms": drawn_ms}
    finally:
        context.close()


def measure_browser(output: Path, runs: int, log=print) -> dict:
    """Open the demo's most charted article in headless Chromium at 390×844, `runs` times."""
    from playwright.sync_api import sync_playwright

    path = "/" + demo_pages(output)[0].relative_to(output).parent.as_posix() + "/"
    results = []
    with StaticServer(output) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        version = f"Chromium {browser.version}"
        try:
            for run in range(runs):
                results.append(r := browser_run(browser, server.url + path))
                log(
                    f"  run {run + 1}/{runs}: FCP {r['fcp']:.0f} ms, plotly.js end {r['plotlyEnd'] or float('nan'):.0f}"
                    f" ms, charts in view drawn {r['drawn_ms']:.0f} ms"
                )
        finally:
            browser.close()
    fcp, ends = [r["fcp"] for r in results], [r["plotlyEnd"] for r in results if r["plotlyEnd"] is not None]
    return {
        "page": path,
        "version": version,
        "runs": len(results),
        "fcp_ms": median(fcp) if None not in fcp else None,
        "plotly_end_ms": median(ends) if ends else None,
        "fcp_first_runs": sum(
            r["fcp"] is not None and (r["plotlyEnd"] is None or r["fcp"] < r["plotlyEnd"]) for r in results
        ),
        "blocking_scripts": sorted({n.rsplit("/", 1)[-1] for r in results for n, s in r["scripts"] if s == "blocking"}),
        "script_statuses": sorted({s for r in results for _, s in r["scripts"]}),
        "blocking_css": max(r["blockingCss"] for r in results),
        "drawn_ms": median(r["drawn_ms"] for r in results),
        "in_view": len(results[0]["inView"]),
        "first": results[0]["first"],
        "charts": results[0]["charts"],
        "preloaded": all(r["preloaded"] for r in results),
        "not_drawn": median(r["notDrawn"] for r in results),
    }


# --- Rows and lines ---------------------------------------------------------------------------------
def bytes_rows(by: dict, context: Context) -> list[Row]:
    """Figure 5: one chart's JSON against plotly's to_json()."""
    return [
        row("5. chart JSON, 1 metric × 12 points", kb(by["ours"]), "≤ 1.5 KB", by["ours"] <= BUDGET_CHART_BYTES),
        row("   plotly's to_json(), same figure", f"{kb(by['plotly'])} (+{kb(by['plotly'] - by['ours'])})"),
    ]


def script_rows(s: dict, context: Context) -> list[Row]:
    """Figures 6–7: scripts on a page with charts, and plotly.js on pages without."""
    return [
        row(
            "6. JS on a page with charts, gzip -9",
            kb(s["gzip_total"]),
            f"≤ {BUDGET_JS_CHARTS // KB} KB",
            s["gzip_total"] <= BUDGET_JS_CHARTS,
        ),
        row(
            f"7. plotly.js on {s['chartless_pages']} pages without charts",
            f"{s['plotly_without']} B",
            "0 B",
            s["plotly_without"] <= BUDGET_JS_NO_CHARTS,
        ),
    ]


def script_lines(s: dict, context: Context) -> list[str]:
    """The scripts of the most charted article, each with its weight."""
    return [f"\nScripts of /{s['page']} (bytes → gzip -9):"] + [
        f"  {url}: {kb(raw)} → {kb(packed)}" for url, raw, packed in s["scripts"]
    ]


def browser_rows(br: dict, context: Context) -> list[Row]:
    """Figure 8: first paint before plotly.js, no render-blocking script, charts drawn lazily."""
    first = br["plotly_end_ms"] is None or br["fcp_ms"] < br["plotly_end_ms"]
    blocking = ", ".join(br["blocking_scripts"])
    rows = [
        row("8. Chromium 390×844: first contentful paint", f"{br['fcp_ms']:.0f} ms"),
        row("   plotly.js responseEnd", f"{br['plotly_end_ms']:.0f} ms" if br["plotly_end_ms"] else "not loaded"),
        row(
            "   FCP before plotly.js responseEnd",
            f"{'yes' if first else 'no'} (medians; {br['fcp_first_runs']} of {br['runs']} runs)",
            "yes",
            first,
        ),
        row("   render-blocking scripts", blocking or "none", "none", not blocking),
    ]
    if br["in_view"]:
        rows.append(row(f"   all {br['in_view']} chart(s) in view drawn", f"{br['drawn_ms']:.0f} ms"))
    else:
        rows.append(row("   first chart drawn (none in view *)", f"{br['drawn_ms']:.0f} ms"))
        context.notes.append(
            f"* No chart is in the 390×844 viewport at load on {br['page']}: the first one starts "
            f"{br['first'][1]} px below the fold; the time is "
            + (
                "from navigation (charts.js draws charts within 300 px of the viewport ahead)."
                if br["preloaded"]
                else "from scrolling to it, right after load."
            )
        )
    rows.append(row("   charts below the fold, not drawn (lazy)", f"{br['not_drawn']:.0f} of {br['charts']}"))
    return rows


def browser_lines(br: dict, context: Context) -> list[str]:
    """What Chromium said of the page's scripts and stylesheets."""
    return [
        f"{br['version']} on {br['page']} (localhost, no throttling): scripts' renderBlockingStatus: "
        f"{', '.join(br['script_statuses'])}; render-blocking stylesheets: {br['blocking_css']} (normal for CSS)."
    ]


def demo(context: Context) -> Path:
    """Return the demo site's build (without images), built once per run."""
    return context.once("demo", lambda: build_demo(context.work / "demo"))


CHART_BYTES = Section("bytes", "", lambda c: measure_chart_bytes(c.work / "bytes"), bytes_rows)
SCRIPTS = Section("scripts", "Building the demo site…", lambda c: measure_scripts(demo(c)), script_rows, script_lines)
BROWSER = Section(
    "browser",
    "Chromium on the demo post:",
    lambda c: measure_browser(demo(c), c.runs, log=c.log),
    browser_rows,
    browser_lines,
    needs_chromium=True,
)
