"""Figures 1–4 of `invoke bench`: the plugin's overhead, its cost per chart, its growth per phase, warm rebuilds.

Every build runs in a fresh Python process (`python -m tools.bench_builds --build REQUEST`), with the plugin
in PLUGINS or not; with it, the plugin writes its own phase timings (TRANSPARENCY_STATS_TIMINGS_FILE).
Figures are medians of runs made side by side (ratios, never absolute times: the machine is shared).
"""

from __future__ import annotations

import csv
import json
import os
import runpy
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from time import perf_counter

from tools import sitebuild  # the child's builder
from tools.bench_common import SETTINGS, CheckFailed, Context, Row, Section, check, row, run_child_build, soup
from tools.synthetic_site import DAYS, ChartInfo, SyntheticSite, generate_site

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
GROWTH = 10

BUDGET_OVERHEAD = 1.05  # build time with the plugin / without (issue 16)
BUDGET_MS_PER_CHART = 1.5
BUDGET_GROWTH = 10.0  # plugin's own time at 10× charts and snapshots / at 1×, in every phase


# --- The synthetic sites ---------------------------------------------------------------------------
def base_site(context: Context) -> SyntheticSite:
    """Return the benchmark's synthetic site (1 000 posts by default), generated once per run."""
    s = context.sizes
    return context.once(
        "site",
        lambda: generate_site(
            context.work / "site", s["posts"], s["charts"], s["charted_posts"], s["metrics"], s["snapshots"]
        ),
    )


def big_site(context: Context) -> SyntheticSite:
    """Return the 10× site: 10× the charts and snapshots over 10× the time, as dense."""
    s = context.sizes
    return context.once(
        "site-big",
        lambda: generate_site(
            context.work / "site-big",
            s["posts"],
            s["charts"] * GROWTH,
            s["charted_posts"] * GROWTH,
            s["metrics"],
            s["snapshots"] * GROWTH,
            span_days=DAYS * GROWTH,
        ),
    )


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
    """Build once in this process (`python -m tools.bench_builds --build REQUEST`); write the time and problems."""
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
    run_child_build("tools.bench_builds", request)
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
    """Time the plugin's plot JSON against plotly.graph_objects' to_json(), side by side, per chart."""
    import plotly.graph_objects as go

    from transparency_stats.charts import spec as chartspec
    from transparency_stats.charts.plot import build_plot as plot_of_selection
    from transparency_stats.charts.plot import plot_json
    from transparency_stats.charts.selection import select
    from transparency_stats.stats.loader import load_stats

    def build_plot(spec, stats):
        return plot_of_selection(select(spec, stats))

    stats = load_stats(site.stats)
    specs = [chartspec.parse_chart_block(c.text, str(c.post.path), c.line, stats) for c in site.charts[:count]]
    plots = [build_plot(spec, stats) for spec in specs]
    go.Figure(data=plots[0]["data"], layout=plots[0]["layout"]).to_json()  # warm plotly's validators
    jobs = {
        "ours": lambda: [plot_json(build_plot(spec, stats)) for spec in specs],
        "plotly": lambda: [go.Figure(data=f["data"], layout=f["layout"]).to_json() for f in plots],
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


# --- Rows and lines ---------------------------------------------------------------------------------
def build_rows(b: dict, context: Context) -> list[Row]:
    """Figures 1–3: overhead, cost per chart, growth (in all and per phase)."""
    charts = context.sizes["charts"]
    rows = [
        row(
            "1. cold build, with / without the plugin",
            f"{b['overhead']:.3f}× ({b['with_s']:.1f} s / {b['without_s']:.1f} s)",
            f"≤ {BUDGET_OVERHEAD:.2f}×",
            b["overhead"] <= BUDGET_OVERHEAD,
        ),
        row(
            f"2. plugin's own time / {charts} charts",
            f"{b['ms_per_chart']:.2f} ms ({b['plugin_s'] * 1000:.0f} ms in all)",
            f"≤ {BUDGET_MS_PER_CHART} ms",
            b["ms_per_chart"] <= BUDGET_MS_PER_CHART,
        ),
    ]
    if "growth" not in b:
        return rows
    rows.append(
        row(
            f"3. plugin's own time, {GROWTH}× charts+snapshots",
            f"{b['growth']:.2f}× ({b['plugin_s'] * 1000:.0f} ms → {b['big_plugin_s'] * 1000:.0f} ms)",
            f"≤ {BUDGET_GROWTH:.0f}×",
            b["growth"] <= BUDGET_GROWTH,
        )
    )
    for phase, label in PHASES.items():
        if b["parts"].get(phase):
            ratio = b["growth_parts"][phase]
            rows.append(row(f"   {label}", f"{ratio:.2f}×", f"≤ {BUDGET_GROWTH:.0f}×", ratio <= BUDGET_GROWTH))
    scale = b["plotted_big"] / b["plotted"]
    rows.append(
        row(
            "   figures plotted, for scale",
            f"{scale:.1f}× ({b['plotted']} → {b['plotted_big']}); per figure {b['growth'] / scale:.2f}×",
        )
    )
    return rows


def phase_lines(b: dict, context: Context) -> list[str]:
    """The plugin's own time by phase, at 1× and 10×, with the ratio."""
    charts, snapshots = context.sizes["charts"], context.sizes["snapshots"]
    out = ["", "Plugin's own time (median ms)   " + "".join(f"{label:>11}" for label in [*PHASES.values(), "total"])]
    sizes = [(charts, snapshots, "parts", "plugin_s")]
    sizes += [(charts * GROWTH, snapshots * GROWTH, "big_parts", "big_plugin_s")] if "big_parts" in b else []
    for count, snaps, parts, total in sizes:
        out.append(
            f"  {count} charts, {snaps} snapshots".ljust(32)
            + "".join(f"{b[parts][p] * 1000:11.0f}" for p in PHASES)
            + f"{b[total] * 1000:11.0f}"
        )
    if "big_parts" in b:
        out.append(
            "  ratio".ljust(32) + "".join(f"{b['growth_parts'][p]:10.1f}×" for p in PHASES) + f"{b['growth']:10.1f}×"
        )
    return out


def plot_json_rows(f: dict, context: Context) -> list[Row]:
    """The plugin's plot JSON against plotly's to_json(), for scale."""
    return [
        row(f"   plot JSON: ours ({f['charts']} charts)", f"{f['ours_ms']:.3f} ms/chart"),
        row("   plot JSON: plotly's to_json()", f"{f['plotly_ms']:.3f} ms/chart ({f['ratio']:.0f}× ours)"),
    ]


def warm_rows(w: dict, context: Context) -> list[Row]:
    """Figure 4: warm rebuilds with Pelican's content cache, against a cold build."""
    return [
        row(
            "4. warm rebuild, post edited / cold",
            f"{w['post_ratio']:.2f}× ({w['post_s']:.1f} s / {w['cold_s']:.1f} s; {w['post_reads']:g} post re-read)",
        ),
        row(
            "   warm rebuild, snapshot edited / cold",
            f"{w['snapshot_ratio']:.2f}× ({w['snapshot_s']:.1f} s; new figure shown)",
        ),
    ]


def warm_lines(w: dict, context: Context) -> list[str]:
    """Say what the warm rebuilds edited."""
    return [
        "Warm rebuilds (CACHE_CONTENT, LOAD_CONTENT_CACHE, CONTENT_CACHING_LAYER 'reader'): a paragraph added "
        f"to one post; then {w['edited']}, checked in the chart's article and CSV."
    ]


BUILDS = Section(
    "builds",
    "Cold builds (with the plugin, without it, and the 10× site), interleaved:",
    lambda c: measure_builds(base_site(c), big_site(c), c.runs, c.work, log=c.log),
    build_rows,
    phase_lines,
)
PLOT_JSON = Section(
    "figure json",
    "",
    lambda c: measure_plot_json(base_site(c), count=50, reps=max(5, c.runs)),
    plot_json_rows,
)
WARM = Section(
    "warm",
    "Warm rebuilds with the content cache:",
    lambda c: measure_warm(base_site(c), c.runs, c.work, log=c.log),
    warm_rows,
    warm_lines,
)


if __name__ == "__main__" and sys.argv[1:2] == ["--build"]:
    child_build(json.loads(sys.argv[2]))
