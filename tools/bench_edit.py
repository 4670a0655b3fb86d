"""The edit loop in `invoke bench`: save a post, wait for the reloaded page in Chromium, against stock Pelican's build.

`invoke livereload`'s server (`tools/devserver.py`) serves the synthetic site; Chromium opens an
edited post; each run appends a sentence with a new token to that post's file and times, from the
save, until the page open in Chromium shows the token (the build, the reload message and the page
load, end to end). Stock Pelican's build is the same site's cold build without our plugin, in a
fresh process, images off (bench_builds' figure 1 "without"). Images are off in both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from statistics import median

from tools.bench_builds import base_site, site_build
from tools.bench_common import ROOT, SETTINGS, CheckFailed, Context, Row, Section, check, load, row
from tools.serving import free_port

BUDGET_LOOP = 0.25  # save → page shown / stock Pelican's cold build of the same content
SERVE_TIMEOUT_S = 600  # the first build is a cold one
LOOP_TIMEOUT_S = 120
GAP_S = 3.5  # livereload ignores a second reload within 3 s of the last one


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


def measure_loop(site, folder: Path, runs: int, log=print) -> list[float]:
    """Serve the site with `invoke livereload`'s server; time `runs` saves of a post until Chromium shows them."""
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
    post = site.charts[0].post
    url = f"http://127.0.0.1:{port}/{post.output.removesuffix('index.html')}"
    original = post.path.read_text(encoding="utf-8")
    times = []
    try:
        wait_until_served(url, server, SERVE_TIMEOUT_S)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(url)
            page.wait_for_timeout(1000)  # livereload.js has connected
            for run in range(runs):
                token = f"repere{run}x{time.time_ns()}"
                time.sleep(GAP_S)
                started = time.perf_counter()
                post.path.write_text(original + f"\nUne phrase de plus, {token}.\n", encoding="utf-8")
                while time.perf_counter() - started < LOOP_TIMEOUT_S:
                    try:
                        if token in (page.text_content("body", timeout=1000) or ""):
                            break
                    except Exception:  # noqa: BLE001, S110 (the page is reloading: its old document is gone)
                        pass
                    time.sleep(0.02)
                else:
                    raise CheckFailed(f"the page never showed the edit of {post.path.name}")
                times.append(time.perf_counter() - started)
                log(f"  save {run + 1}/{runs}: shown in Chromium after {times[-1]:.2f} s (load {load():.1f})")
            browser.close()
    finally:
        post.path.write_text(original, encoding="utf-8")
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    return times, worker_times((folder / "server.log").read_text(encoding="utf-8"))


def worker_times(log: str) -> list[float]:
    """Return, from the dev server's output, the seconds its worker took to write the open page of each save."""
    return [float(found) for found in re.findall(r"Open page\(s\) written first in ([0-9.]+) s", log)]


def measure(context: Context) -> dict:
    """The edit loop, then stock Pelican's cold builds of the same content, side by side."""
    site = base_site(context)
    loops, workers = measure_loop(site, context.work / "edit-loop", max(3, context.runs), log=context.log)
    shown = ", ".join(f"{s:.2f} s" for s in workers)
    context.log(f"  of which the worker, from the request to the open page written: {shown}")
    stock = [
        site_build(site, context.work / "out-stock", context.work / "cache-stock", plugin=False).seconds
        for _ in range(context.runs)
    ]
    context.log(f"  stock Pelican: {', '.join(f'{s:.1f} s' for s in stock)}")
    return {"loop_s": median(loops), "stock_s": median(stock), "ratio": median(loops) / median(stock), "load": load()}


def rows(r: dict, context: Context) -> list[Row]:
    """The edit loop against stock Pelican's build."""
    return [
        row(
            "11. edit loop: save → Chromium shows it",
            f"{r['ratio']:.2f}× ({r['loop_s']:.2f} s / stock Pelican {r['stock_s']:.1f} s)",
            f"≤ {BUDGET_LOOP}×",
            r["ratio"] <= BUDGET_LOOP,
        )
    ]


SECTION = Section("edit loop", "The edit loop in invoke livereload, in Chromium:", measure, rows, needs_chromium=True)
