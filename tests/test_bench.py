"""Smoke test of `invoke bench` (tools/bench.py) on a tiny site: it runs, and its correctness checks hold.

No timing thresholds: the machine is shared; only that each measurement runs and checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_helpers import ROOT  # noqa: F401  (puts the project and plugins on sys.path)
from tools import bench

TINY = {"posts": 12, "charts": 6, "charted_posts": 3, "metrics": 4, "snapshots": 5}


def quiet(*args, **kwargs):
    """Swallow the benchmark's progress lines."""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> bench.SyntheticSite:
    return bench.generate_site(tmp_path_factory.mktemp("bench") / "site", **TINY)


@pytest.fixture
def clock():
    with bench.instrumented() as clock:
        yield clock


def sources(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for sub in ("content", "stats") for p in sorted((folder / sub).rglob("*")) if p.is_file()}


def test_generator_writes_the_sizes_asked_deterministically(site, tmp_path):
    again = bench.generate_site(tmp_path / "again", **TINY)
    assert sources(site.root) == sources(again.root)
    assert len(list((site.content / "posts").glob("*.md"))) == TINY["posts"]
    assert len(list((site.stats / "snapshots").glob("*.yaml"))) == TINY["snapshots"]
    blocks = sum(p.read_text(encoding="utf-8").count("```chart") for p in (site.content / "posts").glob("*.md"))
    assert blocks == len(site.charts) == TINY["charts"]
    assert len({c.post.index for c in site.charts}) == TINY["charted_posts"]
    catalogue = (site.stats / "metrics.yaml").read_text(encoding="utf-8")
    assert catalogue.count("kind: total") == catalogue.count("kind: period") == TINY["metrics"] // 2
    dates = [p.date for p in site.posts]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_builds_with_without_and_growth_check_their_output(site, tmp_path, clock):
    big = bench.generate_site(tmp_path / "big", **{**TINY, "charts": 12, "charted_posts": 6, "snapshots": 10})
    result = bench.measure_builds(site, big, runs=1, work=tmp_path, clock=clock, log=quiet)
    assert result["with_s"] > 0 and result["without_s"] > 0 and result["overhead"] > 0
    assert result["plugin_s"] > 0 and result["big_plugin_s"] > 0 and result["growth"] > 0
    assert set(result["parts"]) == set(bench.PLUGIN_PARTS)
    assert all(result["parts"][part] > 0 for part in ("load", "charts", "data page"))


def test_a_build_without_the_plugin_does_not_run_it_after_one_with_it(site, tmp_path, clock):
    with_plugin = bench.timed_build(site, tmp_path / "a", tmp_path / "cache-a", clock, plugin=True)
    without = bench.timed_build(site, tmp_path / "b", tmp_path / "cache-b", clock, plugin=False)
    assert with_plugin.calls["charts"] >= 1
    assert not any(without.calls.get(part) for part in bench.PLUGIN_PARTS)
    bench.check_build_output(site, tmp_path / "b", plugin=False)
    with pytest.raises(bench.CheckFailed):
        bench.check_build_output(site, tmp_path / "b", plugin=True)


def test_warm_rebuild_checks_the_edited_figure_and_restores_the_site(site, tmp_path, clock):
    before = sources(site.root)
    result = bench.measure_warm(site, runs=1, work=tmp_path, clock=clock, log=quiet)
    assert result["post_reads"] == 1  # the content cache served every other post
    assert result["post_ratio"] > 0 and result["snapshot_ratio"] > 0
    assert sources(site.root) == before


def test_a_stale_chart_fails_the_check(site, tmp_path, clock):
    output = tmp_path / "out"
    bench.timed_build(site, output, tmp_path / "cache", clock)
    chart = site.charts[0]
    _, snapshot, metric, old, new = bench.pick_snapshot_edit(site, (output / chart.post.output).read_text("utf-8"))
    assert snapshot.totals[metric][0] == old
    with pytest.raises(bench.CheckFailed, match="stale"):
        bench.verify_snapshot_edit(output, chart, new)  # the snapshot was never edited


def test_figure_json_and_chart_bytes(site, tmp_path):
    timing = bench.measure_figure_json(site, count=6, reps=1)
    assert timing["charts"] == 6 and timing["ours_ms"] > 0 and timing["plotly_ms"] > 0
    sizes = bench.measure_chart_bytes(tmp_path)
    assert 0 < sizes["ours"] < sizes["plotly"]


def test_scripts_of_the_demo_site(tmp_path):
    output = bench.build_demo(tmp_path)
    scripts = bench.measure_scripts(output)
    names = [url.rsplit("/", 1)[-1] for url, _, _ in scripts["scripts"]]
    assert any(name.startswith("plotly-basic.") for name in names)
    assert scripts["gzip_total"] > 0
    assert scripts["chartless_pages"] > 0 and scripts["plotly_without"] == 0
