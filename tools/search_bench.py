"""Measure search (Pagefind) against its budgets on the benchmark's synthetic site: `python -m tools.search_bench`.

Three figures, each a median of `runs` runs:

- indexing's share of the build: Pagefind's time (tools/search_index.py, with the reproducible
  rewrite) over Pelican's build of the same site, each build in a fresh Python process;
- a query's transfer: the index chunks and fragments a query fetches for its first page of
  results (Pagefind's files are gzip already: the bytes on the wire, each response's
  Content-Length), on the site served by Debian's nginx with deploy/nginx.conf (tools/nginx.py);
- the first results: from the `input` event of a query typed into /recherche/ (Pagefind
  loaded, as a reader finds the page) to the first result written, on localhost in Chromium.

The worst query of QUERIES counts against each budget. `invoke bench` calls `measure` and
`report_lines` with its own synthetic site; alone, this module generates one.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from tools import search_index, sitebuild
from tools.postprocess import precompress

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"
KB = 1000
BUDGET_INDEX_SHARE = 0.05  # indexing time / build time
BUDGET_QUERY_BYTES = 100 * KB  # index chunks + fragments of a query's first page of results
BUDGET_FIRST_RESULTS_MS = 300.0
# Words of the synthetic posts (tools/synthetic_site.py): a frequent one, a rarer one, two words, a prefix.
QUERIES = ("campagne", "référendum", "abonnés youtube", "transp")
WAIT_MS = 60_000

READY = "() => !document.querySelector('[data-search-app]').hidden && document.querySelector('.search-filter')"
ARM = """() => {
  const input = document.querySelector("[data-search-form] input[name=q]");
  const list = document.querySelector("[data-search-results]");
  window.__searchBench = { typed: null, shown: null };
  input.addEventListener("input", () => { window.__searchBench.typed ??= performance.now(); }, { capture: true });
  new MutationObserver(() => {
    if (list.childElementCount && window.__searchBench.shown === null) window.__searchBench.shown = performance.now();
  }).observe(list, { childList: true });
}"""
QUERY_FILE = re.compile(r"/pagefind/(index|fragment)/[^/]+\.pf_(index|fragment)$")


def body_bytes(response) -> int:
    """Return the bytes of a response's body on the wire (Content-Length: compressed when it was)."""
    return int(response.headers.get("content-length", "0"))


def query_once(browser, url: str, query: str) -> dict:
    """Open the search page, wait for Pagefind to be ready, type `query`; return time and bytes.

    Pagefind fetches its files from its Web Worker: Playwright sees those requests, the page's
    Resource Timing does not, so bytes are counted from the responses.
    """
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(f"{url}/recherche/", wait_until="load")
        page.wait_for_function(READY)
        startup = [r for r in responses if "/pagefind/" in r.url]
        before = len(responses)
        page.evaluate(ARM)
        page.fill("[data-search-form] input[name=q]", query)
        page.wait_for_function(
            "(term) => document.querySelector('[data-search-status]').textContent.includes(term)"
            " && !document.querySelector('[data-search-results]').hasAttribute('aria-busy')",
            arg=f"«\u00a0{query}\u00a0»",
        )
        page.wait_for_load_state("networkidle")
        fetched = [r for r in responses[before:] if QUERY_FILE.search(r.url)]
        timing = page.evaluate("() => window.__searchBench.shown - window.__searchBench.typed")
        return {
            "ms": timing,
            "query_bytes": sum(body_bytes(r) for r in fetched),
            "chunks": sum(r.url.endswith(".pf_index") for r in fetched),
            "fragments": sum(r.url.endswith(".pf_fragment") for r in fetched),
            "status": page.locator("[data-search-status]").inner_text(),
            "startup_bytes": sum(body_bytes(r) for r in startup),
        }
    finally:
        context.close()


def child_build(request: dict) -> None:
    """Build once with Pelican in this process (`--build REQUEST`); write its time and problems."""
    started, cpu = time.perf_counter(), time.process_time()
    problems = sitebuild.run_pelican(SETTINGS, Path(request["output"]), request["overrides"])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {"seconds": seconds, "cpu": cpu, "problems": problems}
    Path(request["result"]).write_text(json.dumps(result), encoding="utf-8")


def pelican_build(root: Path, output: Path, cache: Path) -> tuple[float, float]:
    """Build the synthetic site under `root` into `output` in a fresh process (no index).

    Return Pelican's wall-clock and CPU seconds.
    """
    result = output.with_name(f"{output.name}.result.json")
    overrides = {
        "PATH": str(root / "content"),
        "TRANSPARENCY_STATS_PATH": str(root / "stats"),
        "CACHE_PATH": str(cache),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "TRANSPARENCY_STATS_IMAGES": False,  # measured apart (tools/image_budget.py)
    }
    request = {"output": str(output), "result": str(result), "overrides": overrides}
    done = subprocess.run(
        [sys.executable, "-m", "tools.search_bench", "--build", json.dumps(request)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the synthetic site's build crashed: {done.stderr[-2000:]}")
    outcome = json.loads(result.read_text(encoding="utf-8"))
    if outcome["problems"]:
        raise RuntimeError("the synthetic site does not build cleanly: " + "; ".join(outcome["problems"][:5]))
    return outcome["seconds"], outcome["cpu"]


def timed_index(output: Path) -> tuple[float, float]:
    """Index `output`; return the wall-clock and CPU seconds, Pagefind's (a child process) included."""
    before, cpu = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    seconds = search_index.index_site(output)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, time.process_time() - cpu + children


def measure_indexing(root: Path, runs: int, work: Path, log=print) -> tuple[dict, Path]:
    """Build and index the site `runs` times; return the timings and the last indexed output."""
    output = work / "search-output"
    builds, indexes = [], []
    for run in range(runs):
        shutil.rmtree(output, ignore_errors=True)
        builds.append(pelican_build(root, output, work / "search-cache"))
        indexes.append(timed_index(output))
        log(
            f"  run {run + 1}/{runs}: build {builds[-1][0]:.2f} s (CPU {builds[-1][1]:.2f} s), "
            f"index {indexes[-1][0]:.3f} s (CPU {indexes[-1][1]:.2f} s)"
        )
    pages = json.loads((output / search_index.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    pairs = list(zip(indexes, builds, strict=True))
    return {
        "build_s": median(b[0] for b in builds),
        "index_s": median(i[0] for i in indexes),
        "share": median(i[0] / b[0] for i, b in pairs),
        "build_cpu": median(b[1] for b in builds),
        "index_cpu": median(i[1] for i in indexes),
        "cpu_share": median(i[1] / b[1] for i, b in pairs),
        "pages": sum(language["page_count"] for language in pages["languages"].values()),
    }, output


def measure_queries(output: Path, runs: int, log=print, browser=None) -> dict:
    """Type each query into the search page in Chromium, `runs` times each in a fresh page; keep medians.

    `browser` is a Playwright Chromium already running (the tests' session); else one is started.
    """
    from tools.nginx import serving

    precompress(output)  # served as in production: pagefind.js and its worker gzipped
    if browser is None:
        from playwright.sync_api import sync_playwright

        from tools.chromium import launch

        with sync_playwright() as playwright:
            chromium = launch(playwright)
            try:
                return measure_queries(output, runs, log, chromium)
            finally:
                chromium.close()
    per_query = {}
    with serving(output) as url:
        for query in QUERIES:
            samples = [query_once(browser, url, query) for _ in range(runs)]
            per_query[query] = {
                "ms": median(s["ms"] for s in samples),
                "query_bytes": median(s["query_bytes"] for s in samples),
                "chunks": max(s["chunks"] for s in samples),
                "fragments": max(s["fragments"] for s in samples),
                "results": samples[-1]["status"],
                "startup_bytes": median(s["startup_bytes"] for s in samples),
            }
            log(
                f"  {query!r}: {per_query[query]['ms']:.0f} ms, {per_query[query]['query_bytes'] / KB:.1f} KB"
                f" ({per_query[query]['results']})"
            )
    return per_query


def measure(root: Path | None = None, runs: int = 3, work: Path | None = None, log=print, browser=None) -> dict:
    """Measure indexing, transfer and time to first results on a synthetic site (generated if `root` is None)."""
    from tools.synthetic_site import generate_site

    with tempfile.TemporaryDirectory(prefix="search-bench-", dir=work) as folder:
        folder = Path(folder)
        if root is None:
            root = generate_site(folder / "site").root
        load = os.getloadavg()[0]
        indexing, output = measure_indexing(root, max(1, runs), folder, log)
        queries = measure_queries(output, max(1, runs), log, browser)
        return {"indexing": indexing, "queries": queries, "load": (load, os.getloadavg()[0])}


def report_lines(results: dict) -> list[str]:
    """Return the search figures, each beside its budget."""
    lines = []
    if load := results.get("load"):
        lines.append(f"Search figures (load average {load[0]:.1f} at the start, {load[1]:.1f} at the end):")
    if indexing := results.get("indexing"):
        ok = indexing["share"] <= BUDGET_INDEX_SHARE
        lines.append(
            f"Search index, {indexing['pages']} pages: {indexing['index_s']:.2f} s for a {indexing['build_s']:.1f} s "
            f"build, +{indexing['share']:.1%} (budget ≤ {BUDGET_INDEX_SHARE:.0%}) — {'ok' if ok else 'OVER'}; "
            f"in CPU time {indexing['index_cpu']:.2f} s for {indexing['build_cpu']:.1f} s, "
            f"+{indexing['cpu_share']:.1%} (Pagefind runs on every core; Pelican on one)"
        )
    if queries := results.get("queries"):
        for query, q in queries.items():
            lines.append(
                f"  query {query!r}: {q['results']} first results in {q['ms']:.0f} ms, "
                f"{q['query_bytes'] / KB:.1f} KB ({q['chunks']} index chunk(s), {q['fragments']} fragments)"
            )
        worst_ms = max(q["ms"] for q in queries.values())
        worst_bytes = max(q["query_bytes"] for q in queries.values())
        startup = max(q["startup_bytes"] for q in queries.values())
        lines.append(
            f"Search query transfer, worst: {worst_bytes / KB:.1f} KB (budget ≤ {BUDGET_QUERY_BYTES // KB} KB) — "
            f"{'ok' if worst_bytes <= BUDGET_QUERY_BYTES else 'OVER'}; first results, worst: {worst_ms:.0f} ms "
            f"(budget ≤ {BUDGET_FIRST_RESULTS_MS:.0f} ms) — {'ok' if worst_ms <= BUDGET_FIRST_RESULTS_MS else 'OVER'}; "
            f"once per visit before any query: {startup / KB:.1f} KB (pagefind.js, its worker, WebAssembly, "
            "metadata, filters)"
        )
    return lines


def main() -> int:
    """Print the search figures of a 1 000-post synthetic site."""
    results = measure()
    print("\n".join(report_lines(results)))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        child_build(json.loads(sys.argv[2]))
    else:
        sys.exit(main())
