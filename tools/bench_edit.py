"""The edit loop in `invoke bench`: save a post, wait for the reloaded page in Chromium, against stock Pelican's build.

`invoke livereload`'s server (`tools/devserver.py`) serves the synthetic site; Chromium opens an
edited post; each run appends a sentence with a new token to that post's file and times, from the
save, until the page open in Chromium shows the token (the build, the reload message and the page
load, end to end). Stock Pelican's build is the same site's cold build without our plugin, in a
fresh process, images off (bench_builds' figure 1 "without"). Images are off in both.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from statistics import median

from tools.bench_builds import CHART_CSVS, base_site, site_build
from tools.bench_common import ROOT, SETTINGS, CheckFailed, Context, Row, Section, check, load, row
from tools.serving import free_port

BUDGET_LOOP = 0.25  # save → page shown / stock Pelican's cold build of the same content
SERVE_TIMEOUT_S = 600  # the first build is a cold one
LOOP_TIMEOUT_S = 120
SOURCE_LINE = re.compile(r"^source: .*$", re.MULTILINE)  # a snapshot's source, shown in every chart reading it
GAP_S = 3.5  # between saves: a volunteer reading the page; the build under way (about 6 s) is stopped by the next save


def write_settings(site, folder: Path) -> Path:
    """Write a settings file for the synthetic site: the project's, with its content, stats and caches."""
    settings = folder / "benchconf.py"
    folder.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        # Imported, not run: Pelican's content cache pickles the settings, functions included.
        f"import sys\nsys.path.insert(0, {str(SETTINGS.parent)!r})\nfrom {SETTINGS.stem} import *  # noqa: F403\n"
        f"PATH = {str(site.root / 'content')!r}\n"
        f"TRANSPARENCY_STATS_PATH = {str(site.root / 'stats')!r}\n"
        f"CACHE_PATH = {str(folder / 'cache')!r}\n"
        "TRANSPARENCY_STATS_IMAGES = False\n",
        encoding="utf-8",
    )
    return settings


def wait_until_served(url: str, server: subprocess.Popen, seconds: float) -> None:
    """Wait until `url` answers (the first build is done)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check(server.poll() is None, "the livereload server stopped")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (http://127.0.0.1 only)
                return
        except OSError:
            time.sleep(0.5)
    raise CheckFailed(f"livereload did not serve {url} within {seconds:.0f} s")


def shown_snapshot(output: Path, chart_id: str, stats: Path) -> Path:
    """Return the snapshot file of the newest figure a chart shows (from its CSV download)."""
    with open(output / CHART_CSVS / f"{chart_id}.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    check(bool(rows), f"the chart {chart_id} shows no figure")
    return stats / "snapshots" / rows[-1]["snapshot"]


def measure_loop(site, folder: Path, runs: int, log=print) -> dict[str, list[float]]:
    """Serve the site with `invoke livereload`'s server; time saves until the page open in Chromium shows them.

    First `runs` saves of a post's text, then `runs` saves of the `source:` line of a snapshot
    that the post's first chart reads (its sources line shows it). Returns the seconds of each,
    by kind, and the worker's own seconds to the open page written ("worker").
    """
    from playwright.sync_api import sync_playwright

    from tools.chromium import launch

    shutil.rmtree(folder, ignore_errors=True)
    settings, port = write_settings(site, folder), free_port()
    log_file = open(folder / "server.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "tools.devserver", "--serve", str(settings), str(folder / "output"), str(port)]
        + [str(site.root)],
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    chart = site.charts[0]
    post = chart.post
    url = f"http://127.0.0.1:{port}/{post.output.removesuffix('index.html')}"
    originals: dict[Path, str] = {}
    times: dict[str, list[float]] = {"post": [], "snapshot": []}

    def save_and_wait(page, kind: str, path: Path, edit) -> None:
        token = f"repere{len(times[kind])}x{time.time_ns()}"
        originals.setdefault(path, path.read_text(encoding="utf-8"))
        time.sleep(GAP_S)
        started = time.perf_counter()
        path.write_text(edit(originals[path], token), encoding="utf-8")
        while time.perf_counter() - started < LOOP_TIMEOUT_S:
            try:
                if token in (page.text_content("body", timeout=1000) or ""):
                    break
            except Exception:  # noqa: BLE001, S110 (the page is reloading: its old document is gone)
                pass
            time.sleep(0.02)
        else:
            raise CheckFailed(f"the page never showed the edit of {path.name}")
        times[kind].append(time.perf_counter() - started)
        log(f"  {kind} saved: shown in Chromium after {times[kind][-1]:.2f} s (load {load():.1f})")

    try:
        wait_until_served(url, server, SERVE_TIMEOUT_S)
        snapshot = shown_snapshot(folder / "output", f"graphique-{post.slug}-{chart.number}", site.stats)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(url)
            page.wait_for_timeout(1000)  # livereload.js has connected
            for _ in range(runs):
                save_and_wait(page, "post", post.path, lambda text, token: f"{text}\nUne phrase de plus, {token}.\n")
            for _ in range(runs):
                save_and_wait(page, "snapshot", snapshot, lambda text, token: SOURCE_LINE.sub(f"source: {token}", text))
            browser.close()
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    times["worker"] = worker_times((folder / "server.log").read_text(encoding="utf-8"))
    return times


def worker_times(log: str) -> list[float]:
    """Return, from the dev server's output, the seconds its worker took to write the open page of each save."""
    return [float(found) for found in re.findall(r"Open page\(s\) written first in ([0-9.]+) s", log)]


def measure(context: Context) -> dict:
    """The edit loop (a post, then a snapshot), then stock Pelican's cold builds of the same content, side by side."""
    site = base_site(context)
    loops = measure_loop(site, context.work / "edit-loop", max(3, context.runs), log=context.log)
    shown = ", ".join(f"{s:.2f} s" for s in loops["worker"])
    context.log(f"  of which the worker, from the request to the open page written: {shown}")
    stock = [
        site_build(site, context.work / "out-stock", context.work / "cache-stock", plugin=False).seconds
        for _ in range(context.runs)
    ]
    context.log(f"  stock Pelican: {', '.join(f'{s:.1f} s' for s in stock)}")
    result = {"stock_s": median(stock), "load": load()}
    for kind in ("post", "snapshot"):
        result[f"{kind}_s"] = median(loops[kind])
        result[f"{kind}_ratio"] = median(loops[kind]) / median(stock)
    return result


def rows(r: dict, context: Context) -> list[Row]:
    """The edit loop against stock Pelican's build: a post saved, a snapshot saved."""
    return [
        row(
            f"11{suffix}. edit loop, {what}: save → Chromium shows it",
            f"{r[f'{kind}_ratio']:.2f}× ({r[f'{kind}_s']:.2f} s / stock Pelican {r['stock_s']:.1f} s)",
            f"≤ {BUDGET_LOOP}×",
            r[f"{kind}_ratio"] <= BUDGET_LOOP,
        )
        for suffix, kind, what in (("", "post", "a post"), ("b", "snapshot", "a snapshot"))
    ]


SECTION = Section("edit loop", "The edit loop in invoke livereload, in Chromium:", measure, rows, needs_chromium=True)
