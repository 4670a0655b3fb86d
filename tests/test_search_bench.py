"""Smoke test of the search benchmark (tools/search_bench.py) on a tiny synthetic site: it runs and counts.

No timing thresholds (the machine is shared): only that each figure is measured and plausible.
"""

from __future__ import annotations

import pytest

from tools import search_bench, synthetic_site

TINY = {"posts": 12, "charts": 6, "charted_posts": 3, "metrics": 4, "snapshots": 5}


def quiet(*args, **kwargs):
    """Swallow the benchmark's progress lines."""


@pytest.mark.slow
@pytest.mark.browser
def test_the_search_benchmark_measures_indexing_transfer_and_time(tmp_path, browser):
    site = synthetic_site.generate_site(tmp_path / "site", **TINY)
    results = search_bench.measure(site.root, runs=1, work=tmp_path, log=quiet, browser=browser)
    indexing = results["indexing"]
    assert indexing["pages"] == 12 + 2 + 4  # the posts, the two pages and the metric pages
    assert 0 < indexing["index_s"] and 0 < indexing["share"] and 0 < indexing["index_cpu"]
    assert set(results["queries"]) == set(search_bench.QUERIES)
    for query, figures in results["queries"].items():
        assert figures["ms"] > 0, query
        assert figures["chunks"] >= 1 and figures["fragments"] >= 1, (query, figures)
        assert 0 < figures["query_bytes"] < 100_000, (query, figures)
        assert figures["startup_bytes"] > 10_000, (query, figures)  # pagefind.js, the worker, WebAssembly
        assert "résultat" in figures["results"], (query, figures)
    lines = search_bench.report_lines(results)
    assert any(line.startswith("Search index, 18 pages:") for line in lines), lines
    assert any("Search query transfer, worst:" in line for line in lines), lines
