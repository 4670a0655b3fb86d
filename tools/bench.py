"""Measure the site's costs against their budgets, side by side in one run: `invoke bench`.

Each measurement is a section in a module of its own (`tools/bench_common.Section`), run in the
order of `SECTIONS`: the plugin's builds (`bench_builds`), the demo site in Chromium (`bench_demo`),
chart images (`bench_images`), Brotli's quality (`bench_compression`), the edit loop (`bench_edit`),
Lighthouse and the cached images (`lighthouse`, `image_budget`), search (`search_bench`) and the
load on nginx (`load`). To add one, write a module with a
`Section` and append it here (or call `main(sections=[...])`). Exit 0 even when a budget is over (a
report); 1 when a correctness check fails.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from time import perf_counter

from tools import (
    bench_builds,
    bench_compression,
    bench_demo,
    bench_edit,
    bench_images,
    image_budget,
    lighthouse,
    load,
    search_bench,
)
from tools.bench_common import CheckFailed, Context, Section, machine, print_table
from tools.chromium import CHROMIUM

SECTIONS: list[Section] = [
    bench_builds.BUILDS,
    bench_builds.PLOT_JSON,
    bench_builds.WARM,
    bench_demo.CHART_BYTES,
    bench_demo.SCRIPTS,
    bench_demo.BROWSER,
    bench_images.SECTION,
    bench_compression.SECTION,
    bench_edit.SECTION,
    Section(
        "lighthouse",
        "Lighthouse on the publish build (served precompressed):",
        lambda c: lighthouse.measure(work=c.work),
        lines=lambda r, c: lighthouse.report_lines(r),
        needs_chromium=True,
    ),
    Section(
        "cached images",
        "Chart images cached, on the demo site:",
        lambda c: image_budget.measure(runs=c.runs, work=c.work, log=lambda *a, **k: None),
        lines=lambda r, c: image_budget.report_lines(r),
        needs_chromium=True,
    ),
    Section(
        "search",
        "Search (Pagefind) on the synthetic site: indexing, then queries in Chromium:",
        lambda c: search_bench.measure(bench_builds.base_site(c).root, runs=c.runs, work=c.work),
        lines=lambda r, c: search_bench.report_lines(r),
        needs_chromium=True,
    ),
    Section(
        "load",
        "Load on nginx with wrk (tools/load.py), steady and while the site is rebuilt and swapped:",
        lambda c: load.measure(work=c.work, log=lambda *a, **k: None),
        lines=lambda r, c: load.report_lines(r),
    ),
]


def run_sections(sections: list[Section], context: Context) -> list[str]:
    """Measure each section in turn, keeping its result in `context.results`; return the failures, one line each."""
    failures = []
    for section in sections:
        if section.needs_chromium and not Path(CHROMIUM).exists():
            context.notes.append(f"Chromium not found at {CHROMIUM}: {section.name} skipped.")
            continue
        if section.heading:
            print(section.heading)
        try:
            context.results[section.name] = section.measure(context)
        except Exception as error:  # noqa: BLE001 - report it, keep measuring the rest
            shown = str(error) if isinstance(error, CheckFailed) else repr(error)
            failures.append(f"{section.name}: {shown}")
    return failures


def report(sections: list[Section], context: Context) -> None:
    """Print the table of every measured section, then their lines and the notes."""
    measured = [s for s in sections if s.name in context.results]
    print()
    print_table([r for s in measured for r in s.rows(context.results[s.name], context)])
    for section in measured:
        lines = section.lines(context.results[section.name], context)
        if lines:
            print("\n".join(lines))
    print("\n".join(context.notes))


def main(
    posts=1000, charts=300, charted_posts=150, metrics=40, snapshots=200, runs=3, only: str = "", sections=None
) -> None:
    """Run every section (or those named in `only`, comma-separated) and print the table; exit 1 if a check fails."""
    started, runs = perf_counter(), max(1, int(runs))
    chosen = sections if sections is not None else SECTIONS
    if only:
        names = {name.strip() for name in only.split(",")}
        chosen = [s for s in chosen if s.name in names]
    sizes = {"posts": posts, "charts": charts, "charted_posts": charted_posts, "metrics": metrics}
    sizes["snapshots"] = snapshots
    print(machine())
    print(
        f"Sizes: {posts} posts; {charts} chart blocks over {min(charted_posts, charts, posts)} posts; {metrics} "
        f"metrics; {snapshots} snapshots; median of {runs} run(s); 1 KB = 1000 bytes; one process per build."
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        context = Context(Path(tmp), runs, sizes)
        failures = run_sections(chosen, context)
        report(chosen, context)
    print(f"\nBenchmark took {perf_counter() - started:.0f} s.")
    if failures:
        print("\nCORRECTNESS CHECKS FAILED:\n" + "\n".join(f"  - {failure}" for failure in failures), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
