"""Measure the stats plugin's costs against their budgets on a synthetic site: `invoke bench`.

Every build runs in a fresh Python process (`python -m tools.bench --build REQUEST`), with the plugin
in PLUGINS or not; with it, the plugin writes its own phase timings (TRANSPARENCY_STATS_TIMINGS_FILE).
Figures are medians of `runs` runs; comparisons are ratios of runs made side by side, never absolute
times, since the machine is shared. Exit 0 even when a budget is over (a report); 1 when a check fails.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import platform
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from time import perf_counter

from bs4 import BeautifulSoup

from tools import image_budget, lighthouse, load, search_bench, sitebuild  # sitebuild: the child's builder
from tools.chromium import CHROMIUM, launch
from tools.serving import StaticServer
from tools.synthetic_site import DAYS, ChartInfo, SyntheticSite, generate_site, write_one_chart_site

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"
PLUGIN = "transparency_stats"
PHASES = {
    "load": "load",
    "charts": "charts",
    "data_page": "data page",
    "markdown": "markdown",
    "embeds": "embeds",
    "images": "images",
}  # key: as shown
CHART_CSVS = "transparence/donnees/graphiques"
VIEWPORT = {"width": 390, "height": 844}
GROWTH = 10

BUDGET_OVERHEAD = 1.10  # build time with the plugin / without
BUDGET_MS_PER_CHART = 1.5
BUDGET_GROWTH = 10.0  # plugin's own time at 10× charts and snapshots / at 1×
KB = 1000  # as the issue counts: plotly's basic bundle is "~395 KB" gzipped, 395 403 bytes
BUDGET_CHART_BYTES = 1.5 * KB
BUDGET_JS_CHARTS = 450 * KB  # gzip -9
BUDGET_JS_NO_CHARTS = 0


class CheckFailed(Exception):
    """A correctness check failed: the benchmark's figures cannot be trusted."""


def check(condition: bool, message: str) -> None:
    """Raise CheckFailed with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def soup(path: Path) -> BeautifulSoup:
    """Parse an HTML file with BeautifulSoup."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- Builds, each in a fresh process -------------------------------------------------------------
@dataclass
class Build:
    """One build: Pelican's run time (in its own process) and the plugin's phase timings (empty without it)."""

    seconds: float
    parts: dict[str, float]
    calls: dict[str, int]

    @property
    def plugin_seconds(self) -> float:
        return sum(self.parts.values())


def child_build(request: dict) -> None:
    """Build once in this process, as `python -m tools.bench --build REQUEST` asks; write the time and problems."""
    import pelican  # noqa: F401 (both builds need it: imported before the clock starts)

    started = perf_counter()
    problems = sitebuild.run_pelican(SETTINGS, Path(request["output"]), request["overrides"])
    seconds = perf_counter() - started
    Path(request["result"]).write_text(json.dumps({"seconds": seconds, "problems": problems}), encoding="utf-8")


def run_build(output: Path, overrides: dict) -> Build:
    """Build into `output` in a fresh Python process; fail on any problem; read the plugin's timings if written."""
    timings, result = (output.with_name(f"{output.name}.{name}.json") for name in ("timings", "result"))
    timings.unlink(missing_ok=True)
    shutil.rmtree(output, ignore_errors=True)
    request = {
        "output": str(output),
        "result": str(result),
        "overrides": {**overrides, "TRANSPARENCY_STATS_TIMINGS_FILE": str(timings)},
    }
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--build", json.dumps(request)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    check(done.returncode == 0, f"a build crashed:\n{done.stderr[-3000:]}")
    outcome = json.loads(result.read_text(encoding="utf-8"))
    check(not outcome["problems"], "the site does not build cleanly:\n  " + "\n  ".join(outcome["problems"][:10]))
    data = json.loads(timings.read_text(encoding="utf-8")) if timings.is_file() else {"seconds": {}, "calls": {}}
    return Build(outcome["seconds"], data["seconds"], data["calls"])


def site_overrides(root: Path, cache: Path, plugin: bool = True, cache_content: bool = False) -> dict:
    """Return settings for the site under `root`; PLUGINS is pelicanconf.py's, less the stats plugin if asked."""
    plugins = [name for name in runpy.run_path(str(SETTINGS))["PLUGINS"] if plugin or name != PLUGIN]
    return {
        "PATH": str(root / "content"),
        "TRANSPARENCY_STATS_PATH": str(root / "stats"),
        "CACHE_PATH": str(cache),
        "PLUGINS": plugins,
        "CACHE_CONTENT": cache_content,
        "LOAD_CONTENT_CACHE": cache_content,
        "CONTENT_CACHING_LAYER": "reader",
        # Chart images are measured on their own (tools/image_budget.py, the table's last lines): drawing
        # 300 charts cold in every build would swamp the plugin's own time.
        "TRANSPARENCY_STATS_IMAGES": False,
    }


def site_build(site: SyntheticSite, output: Path, cache: Path, plugin=True, cache_content=False) -> Build:
    """Build a synthetic site (from a fresh cache unless `cache_content`); check the plugin ran exactly when listed."""
    if not cache_content:
        shutil.rmtree(cache, ignore_errors=True)
    build = run_build(output, site_overrides(site.root, cache, plugin, cache_content))
    calls = build.calls
    if plugin:
        check(
            calls.get("load") == 1
            and calls.get("data_page") == 2  # the views while reading, the pages while writing
            and calls.get("charts", 0) >= 1
            and set(build.parts) <= set(PHASES),
            f"the plugin's phase timings are not as expected: {calls}",
        )
    check(plugin or not calls, f"the plugin ran in a build without it (calls: {calls})")
    return build


def check_build_output(site: SyntheticSite, output: Path, plugin: bool) -> None:
    """Check that with the plugin every chart block is a chart with its CSV; without, a plain code block."""
    figures = blocks = 0
    for post in {c.post.index: c.post for c in site.charts}.values():
        check((output / post.output).is_file(), f"{post.output} was not built")
        page = soup(output / post.output)
        figures += len(page.select("figure.ts-chart"))
        blocks += len(page.select("code.language-chart"))
    data_page = (output / "transparence" / "index.html").is_file()
    csvs = len(list((output / CHART_CSVS).glob("*.csv")))
    expected = (len(site.charts), 0, True) if plugin else (0, len(site.charts), False)
    check(
        (figures, blocks, data_page) == expected and csvs == figures,
        f"{'with' if plugin else 'without'} the plugin, {len(site.charts)} chart blocks gave {figures} charts, "
        f"{csvs} chart CSVs, {blocks} code blocks; data page built: {data_page}",
    )


def plotted_figures(output: Path) -> int:
    """Count the figures the built charts plot in all: the rows of their CSVs, the same selection."""
    return sum(sum(1 for _ in csv.DictReader(p.open(encoding="utf-8"))) for p in (output / CHART_CSVS).glob("*.csv"))


# --- Figures 1–3: overhead, cost per chart, growth ------------------------------------------------
def measure_builds(base: SyntheticSite, big: SyntheticSite | None, runs: int, work: Path, log=print) -> dict:
    """Interleave cold builds: base with the plugin, base without, and the 10× site (plugin's time only)."""
    rounds, plotted = [], {}
    for run in range(runs):
        order = ["with", "without"] if run % 2 == 0 else ["without", "with"]
        if big is not None:
            order.insert(run % 3, "big")
        rounds.append({})
        for name in order:
            site, output = big if name == "big" else base, work / f"out-{name}"
            rounds[-1][name] = build = site_build(site, output, work / f"cache-{name}", plugin=name != "without")
            if run == 0:
                check_build_output(site, output, plugin=name != "without")
                plotted[name] = plotted_figures(output)
            log(
                f"  run {run + 1}/{runs}: {name:7} {build.seconds:6.1f} s "
                f"(plugin {build.plugin_seconds * 1000:7.0f} ms)"
            )

    with_, without = [r["with"] for r in rounds], [r["without"] for r in rounds]
    summary = {
        "with_s": median(b.seconds for b in with_),
        "without_s": median(b.seconds for b in without),
        "overhead": median(a.seconds / b.seconds for a, b in zip(with_, without, strict=True)),
        "plugin_s": median(b.plugin_seconds for b in with_),
        "plotted": plotted["with"],
        "parts": {p: median(b.parts.get(p, 0.0) for b in with_) for p in PHASES},
    }
    summary["ms_per_chart"] = summary["plugin_s"] * 1000 / len(base.charts)
    if big is not None:
        bigs = [r["big"] for r in rounds]
        summary.update(
            big_plugin_s=median(b.plugin_seconds for b in bigs),
            plotted_big=plotted["big"],
            big_parts={p: median(b.parts.get(p, 0.0) for b in bigs) for p in PHASES},
            growth=median(a.plugin_seconds / b.plugin_seconds for a, b in zip(bigs, with_, strict=True)),
            growth_parts={
                p: median(
                    a.parts.get(p, 0.0) / max(b.parts.get(p, 0.0), 1e-9) for a, b in zip(bigs, with_, strict=True)
                )
                for p in PHASES
            },
        )
    return summary


def measure_plot_json(site: SyntheticSite, count: int = 50, reps: int = 5) -> dict:
    """Time the plugin's figure JSON against plotly.graph_objects' to_json(), side by side, per chart."""
    import plotly.graph_objects as go

    from transparency_stats.charts import spec as chartspec
    from transparency_stats.charts.plot import build_plot as figure_of_selection
    from transparency_stats.charts.plot import plot_json
    from transparency_stats.charts.selection import select
    from transparency_stats.stats.loader import load_stats

    def build_plot(spec, stats):
        return figure_of_selection(select(spec, stats))

    stats = load_stats(site.stats)
    specs = [chartspec.parse_chart_block(c.text, str(c.post.path), c.line, stats) for c in site.charts[:count]]
    figures = [build_plot(spec, stats) for spec in specs]
    go.Figure(data=figures[0]["data"], layout=figures[0]["layout"]).to_json()  # warm plotly's validators
    jobs = {
        "ours": lambda: [plot_json(build_plot(spec, stats)) for spec in specs],
        "plotly": lambda: [go.Figure(data=f["data"], layout=f["layout"]).to_json() for f in figures],
    }
    times = {name: [] for name in jobs}
    for rep in range(reps):
        for name in jobs if rep % 2 == 0 else reversed(jobs):
            started = perf_counter()
            jobs[name]()
            times[name].append((perf_counter() - started) * 1000 / len(specs))
    return {
        "charts": len(specs),
        "ours_ms": median(times["ours"]),
        "plotly_ms": median(times["plotly"]),
        "ratio": median(p / o for p, o in zip(times["plotly"], times["ours"], strict=True)),
    }


# --- Figure 4: warm rebuilds with Pelican's content cache ----------------------------------------
def read_chart(output: Path, chart: ChartInfo) -> dict:
    """Return a built chart's plotted y values, its table cells (spaces removed) and its CSV's values."""
    page = soup(output / chart.post.output)
    figure = page.find("figure", id=f"graphique-{chart.post.slug}-{chart.number}")
    check(figure is not None, f"{chart.post.output} has no chart number {chart.number}")
    data = json.loads(page.find("script", id=figure.select_one(".ts-chart__plot")["data-plot"]).string)
    csv_path = output / figure.select_one("a[download]")["href"].lstrip("/")
    check(csv_path.is_file(), f"the chart's CSV {csv_path.relative_to(output)} was not written")
    return {
        "plotted": {y for trace in data["data"] for y in trace.get("y", ())},
        "cells": {"".join(td.get_text().split()) for td in figure.select("table td")},
        "csv": {row["value"] for row in csv.DictReader(csv_path.open(encoding="utf-8"))},
    }


def pick_snapshot_edit(site: SyntheticSite, output: Path):
    """Choose a figure of the first chart that one snapshot alone gives, and a new value the chart does not show."""
    chart, shown = site.charts[0], read_chart(output, site.charts[0])
    metric = chart.metrics[0]
    count = Counter((metric_id, s.date) for s in site.snapshots for metric_id in s.totals)
    for snapshot in site.snapshots:
        amount, bound = snapshot.totals.get(metric, (0, ""))
        if bound == "exact" and count[(metric, snapshot.date)] == 1:
            new = next(amount + d for d in range(7, 1000, 7) if amount + d not in shown["plotted"])
            return chart, snapshot, metric, amount, new
    raise CheckFailed("no snapshot figure of the first chart can be edited alone: the synthetic site is too small")


def rewrite(path: Path, text: str) -> None:
    """Write `text` to `path` with a later modification time, so that Pelican's cache sees the change."""
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2
    os.utime(path, (later, later))


def verify_snapshot_edit(output: Path, chart: ChartInfo, new: int) -> None:
    """Check that the edited figure shows in the chart's article (plotted and in its table) and in its CSV."""
    shown = read_chart(output, chart)
    check(
        new in shown["plotted"] and str(new) in shown["cells"],
        f"after editing a snapshot, {chart.post.output} does not show the new figure {new}: the chart is stale",
    )
    check(str(new) in shown["csv"], f"after editing a snapshot, the chart's CSV does not hold the new figure {new}")


def measure_warm(site: SyntheticSite, runs: int, work: Path, log=print) -> dict:
    """Cold build with the content cache, then rebuild after a post edit, then after a snapshot edit; check both."""
    rounds, post = [], site.charts[0].post
    for run in range(runs):
        output, cache = work / "out-warm", work / f"cache-warm-{run}"
        shutil.rmtree(cache, ignore_errors=True)
        cold = site_build(site, output, cache, cache_content=True)
        # Pelican converts each text's body and its Summary: count re-read texts in the cold build's unit.
        per_text = cold.calls.get("markdown", 0) / site.texts
        check(per_text >= 1, f"{cold.calls.get('markdown')} Markdown conversions for {site.texts} texts")
        chart, snapshot, metric, old, new = pick_snapshot_edit(site, output)
        token = f"bench-{run}-{time.time_ns()}"
        post_text = post.path.read_text(encoding="utf-8")
        rewrite(post.path, post_text + f"\nMise à jour, repère {token}.\n")
        try:
            warm_post = site_build(site, output, cache, cache_content=True)
            check(
                token in (output / post.output).read_text(encoding="utf-8"),
                f"after editing {post.path.name}, its page does not show the edit",
            )
            path, line = site.stats / "snapshots" / snapshot.filename, f"  {metric}: {old}\n"
            snapshot_text = path.read_text(encoding="utf-8")
            check(snapshot_text.count(line) == 1, f"cannot edit {metric} in {snapshot.filename}")
            rewrite(path, snapshot_text.replace(line, f"  {metric}: {new}\n"))
            try:
                warm_stats = site_build(site, output, cache, cache_content=True)
                verify_snapshot_edit(output, chart, new)
            finally:
                path.write_text(snapshot_text, encoding="utf-8")
        finally:
            post.path.write_text(post_text, encoding="utf-8")
        reads = [build.calls.get("markdown", 0) / per_text for build in (warm_post, warm_stats)]
        log(
            f"  run {run + 1}/{runs}: cold {cold.seconds:.1f} s, post edit {warm_post.seconds:.1f} s ({reads[0]:g} "
            f"read), snapshot edit {warm_stats.seconds:.1f} s ({reads[1]:g} read)"
        )
        rounds.append((cold.seconds, warm_post.seconds, warm_stats.seconds, *reads))
        shutil.rmtree(cache, ignore_errors=True)
    cold_s, post_s, snapshot_s = (median(r[i] for r in rounds) for i in range(3))
    return {
        "cold_s": cold_s,
        "post_s": post_s,
        "snapshot_s": snapshot_s,
        "post_ratio": median(r[1] / r[0] for r in rounds),
        "snapshot_ratio": median(r[2] / r[0] for r in rounds),
        "post_reads": max(r[3] for r in rounds),
        "snapshot_reads": max(r[4] for r in rounds),
        "edited": f"{snapshot.filename}: {metric} {old} → {new}",
    }


# --- Figure 5: bytes per chart; figures 6–8: the real demo site, its scripts, and Chromium --------
def measure_chart_bytes(folder: Path) -> dict:
    """Build a one-chart site (1 metric × 12 monthly points); compare its figure JSON with plotly's to_json()."""
    import plotly.graph_objects as go

    page = write_one_chart_site(folder)
    run_build(folder / "output", site_overrides(folder, folder / "cache"))
    scripts = soup(folder / "output" / page).select('script[type="application/json"]')
    check(len(scripts) == 1, f"the one-chart page has {len(scripts)} figure JSON scripts")
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


# --- Report ---------------------------------------------------------------------------------------
def kb(n: float) -> str:
    """Return bytes as KB with one decimal."""
    return f"{n / KB:.1f} KB"


def machine() -> str:
    """Describe the machine, the versions and the load at start."""
    import pelican

    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Pelican {pelican.__version__}; load average {os.getloadavg()[0]:.2f} at start"
    )


def table_rows(results: dict, base: SyntheticSite, notes: list[str]) -> list[tuple[str, str, str, str]]:
    """Return the table's rows for the figures measured; a row without a budget has the verdict "—"."""
    rows = []

    def row(figure: str, measured: str, budget: str = "—", ok: bool | None = None) -> None:
        rows.append((figure, measured, budget, "—" if ok is None else ("ok" if ok else "OVER")))

    if b := results.get("builds"):
        row(
            "1. cold build, with / without the plugin",
            f"{b['overhead']:.3f}× ({b['with_s']:.1f} s / {b['without_s']:.1f} s)",
            f"≤ {BUDGET_OVERHEAD:.2f}×",
            b["overhead"] <= BUDGET_OVERHEAD,
        )
        per_chart, in_all = b["ms_per_chart"], b["plugin_s"] * 1000
        row(
            f"2. plugin's own time / {len(base.charts)} charts",
            f"{per_chart:.2f} ms ({in_all:.0f} ms in all)",
            f"≤ {BUDGET_MS_PER_CHART} ms",
            per_chart <= BUDGET_MS_PER_CHART,
        )
    if f := results.get("figure json"):
        row(f"   figure JSON: ours ({f['charts']} charts)", f"{f['ours_ms']:.3f} ms/chart")
        row("   figure JSON: plotly's to_json()", f"{f['plotly_ms']:.3f} ms/chart ({f['ratio']:.0f}× ours)")
    if b and "growth" in b:
        row(
            f"3. plugin's own time, {GROWTH}× charts+snapshots",
            f"{b['growth']:.2f}× ({b['plugin_s'] * 1000:.0f} ms → {b['big_plugin_s'] * 1000:.0f} ms)",
            f"≤ {BUDGET_GROWTH:.0f}×",
            b["growth"] <= BUDGET_GROWTH,
        )
        scale = b["plotted_big"] / b["plotted"]
        row(
            "   figures plotted, for scale",
            f"{scale:.1f}× ({b['plotted']} → {b['plotted_big']}); per figure {b['growth'] / scale:.2f}×",
        )
    if w := results.get("warm"):
        row(
            "4. warm rebuild, post edited / cold",
            f"{w['post_ratio']:.2f}× ({w['post_s']:.1f} s / {w['cold_s']:.1f} s; {w['post_reads']:g} post re-read)",
        )
        row(
            "   warm rebuild, snapshot edited / cold",
            f"{w['snapshot_ratio']:.2f}× ({w['snapshot_s']:.1f} s; new figure shown)",
        )
    if by := results.get("bytes"):
        row("5. chart JSON, 1 metric × 12 points", kb(by["ours"]), "≤ 1.5 KB", by["ours"] <= BUDGET_CHART_BYTES)
        row("   plotly's to_json(), same figure", f"{kb(by['plotly'])} (+{kb(by['plotly'] - by['ours'])})")
    if s := results.get("scripts"):
        row(
            "6. JS on a page with charts, gzip -9",
            kb(s["gzip_total"]),
            f"≤ {BUDGET_JS_CHARTS // KB} KB",
            s["gzip_total"] <= BUDGET_JS_CHARTS,
        )
        row(
            f"7. plotly.js on {s['chartless_pages']} pages without charts",
            f"{s['plotly_without']} B",
            "0 B",
            s["plotly_without"] <= BUDGET_JS_NO_CHARTS,
        )
    if br := results.get("browser"):
        first = br["plotly_end_ms"] is None or br["fcp_ms"] < br["plotly_end_ms"]
        row("8. Chromium 390×844: first contentful paint", f"{br['fcp_ms']:.0f} ms")
        row("   plotly.js responseEnd", f"{br['plotly_end_ms']:.0f} ms" if br["plotly_end_ms"] else "not loaded")
        row(
            "   FCP before plotly.js responseEnd",
            f"{'yes' if first else 'no'} (medians; {br['fcp_first_runs']} of {br['runs']} runs)",
            "yes",
            first,
        )
        blocking = ", ".join(br["blocking_scripts"])
        row("   render-blocking scripts", blocking or "none", "none", not blocking)
        if br["in_view"]:
            row(f"   all {br['in_view']} chart(s) in view drawn", f"{br['drawn_ms']:.0f} ms")
        else:
            row("   first chart drawn (none in view *)", f"{br['drawn_ms']:.0f} ms")
            notes.append(
                f"* No chart is in the 390×844 viewport at load on {br['page']}: the first one starts "
                f"{br['first'][1]} px below the fold; the time is "
                + (
                    "from navigation (charts.js draws charts within 300 px of the viewport ahead)."
                    if br["preloaded"]
                    else "from scrolling to it, right after load."
                )
            )
        row("   charts below the fold, not drawn (lazy)", f"{br['not_drawn']:.0f} of {br['charts']}")
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    """Print rows as a plain-text table under a ruled header."""
    headers = ("figure", "measured", "budget", "verdict")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    rule = "  ".join("-" * w for w in widths)
    for row in (rule, headers, rule, *rows, rule):
        print(row if row is rule else "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def print_phases(b: dict, base: SyntheticSite, snapshots: int) -> None:
    """Print the plugin's own time by phase, at 1× and 10×, with the ratio."""
    print("\nPlugin's own time (median ms)   " + "".join(f"{label:>11}" for label in [*PHASES.values(), "total"]))
    sizes = [(len(base.charts), snapshots, "parts", "plugin_s")]
    sizes += [(len(base.charts) * GROWTH, snapshots * GROWTH, "big_parts", "big_plugin_s")] if "big_parts" in b else []
    for charts, snaps, parts, total in sizes:
        print(
            f"  {charts} charts, {snaps} snapshots".ljust(32)
            + "".join(f"{b[parts][p] * 1000:11.0f}" for p in PHASES)
            + f"{b[total] * 1000:11.0f}"
        )
    if "big_parts" in b:
        print("  ratio".ljust(32) + "".join(f"{b['growth_parts'][p]:10.1f}×" for p in PHASES) + f"{b['growth']:10.1f}×")


def main(posts=1000, charts=300, charted_posts=150, metrics=40, snapshots=200, runs=3) -> None:
    """Run every measurement and print the table; exit 1 if a correctness check fails."""
    started, runs = perf_counter(), max(1, int(runs))
    print(machine())
    print(
        f"Sizes: {posts} posts; {charts} chart blocks over {min(charted_posts, charts, posts)} posts; {metrics} "
        f"metrics; {snapshots} snapshots; median of {runs} run(s); 1 KB = 1000 bytes; one process per build."
    )
    print(
        f"Growth site: {posts} posts; {charts * GROWTH} chart blocks over "
        f"{min(charted_posts * GROWTH, charts * GROWTH, posts)} posts; {metrics} metrics; {snapshots * GROWTH} "
        f"snapshots over {GROWTH}× the time, so as dense (plugin's own time only: not built without the plugin). "
        "Every chart shows a 4–16 month window."
    )
    results, failures, notes = {}, [], []

    def attempt(name: str, function):
        try:
            results[name] = function()
        except Exception as error:  # noqa: BLE001 - report it, keep measuring the rest
            failures.append(f"{name}: {error}" if isinstance(error, CheckFailed) else f"{name}: {error!r}")

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        print("Generating the synthetic sites…")
        base = generate_site(work / "site", posts, charts, charted_posts, metrics, snapshots)
        big = generate_site(
            work / "site-big",
            posts,
            charts * GROWTH,
            charted_posts * GROWTH,
            metrics,
            snapshots * GROWTH,
            span_days=DAYS * GROWTH,
        )
        print("Cold builds (with the plugin, without it, and the 10× site), interleaved:")
        attempt("builds", lambda: measure_builds(base, big, runs, work))
        attempt("figure json", lambda: measure_plot_json(base, count=50, reps=max(5, runs)))
        print("Warm rebuilds with the content cache:")
        attempt("warm", lambda: measure_warm(base, runs, work))
        attempt("bytes", lambda: measure_chart_bytes(work / "bytes"))
        print("Building the demo site…")
        attempt("demo", lambda: build_demo(work / "demo"))
        if "demo" in results:
            attempt("scripts", lambda: measure_scripts(results["demo"]))
            if Path(CHROMIUM).exists():
                print("Chromium on the demo post:")
                attempt("browser", lambda: measure_browser(results["demo"], runs))
            else:
                notes.append(f"Chromium not found at {CHROMIUM}: browser figures skipped.")
        if Path(CHROMIUM).exists():
            print("Lighthouse on the publish build (served precompressed), and the chart images' cost:")
            attempt("lighthouse", lambda: lighthouse.measure(work=work))
            attempt("images", lambda: image_budget.measure(runs=runs, work=work, log=lambda *a, **k: None))
            print("Search (Pagefind) on the synthetic site: indexing, then queries in Chromium:")
            attempt("search", lambda: search_bench.measure(base.root, runs=runs, work=work))
        print("Load on nginx with wrk (tools/load.py), steady and while the site is rebuilt and swapped:")
        attempt("load", lambda: load.measure(work=work, log=lambda *a, **k: None))

    print()
    print_table(table_rows(results, base, notes))
    reports = (
        ("lighthouse", lighthouse.report_lines),
        ("images", image_budget.report_lines),
        ("search", search_bench.report_lines),
        ("load", load.report_lines),
    )
    for name, report in reports:
        if name in results:
            print("\n".join(report(results[name])))
    if b := results.get("builds"):
        print_phases(b, base, snapshots)
    if s := results.get("scripts"):
        print(f"\nScripts of /{s['page']} (bytes → gzip -9):")
        print("\n".join(f"  {url}: {kb(raw)} → {kb(packed)}" for url, raw, packed in s["scripts"]))
    if br := results.get("browser"):
        print(
            f"{br['version']} on {br['page']} (localhost, no throttling): scripts' renderBlockingStatus: "
            f"{', '.join(br['script_statuses'])}; render-blocking stylesheets: {br['blocking_css']} "
            "(normal for CSS)."
        )
    if w := results.get("warm"):
        print(
            "Warm rebuilds (CACHE_CONTENT, LOAD_CONTENT_CACHE, CONTENT_CACHING_LAYER 'reader'): a paragraph added "
            f"to one post; then {w['edited']}, checked in the chart's article and CSV."
        )
    print("\n".join(notes))
    print(f"\nBenchmark took {perf_counter() - started:.0f} s.")
    if failures:
        print("\nCORRECTNESS CHECKS FAILED:\n" + "\n".join(f"  - {failure}" for failure in failures), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        child_build(json.loads(sys.argv[2]))
    else:
        main()
