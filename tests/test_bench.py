"""Smoke test of `invoke bench` (tools/bench.py) on a tiny site: it runs, and its correctness checks hold.

No timing thresholds: the machine is shared; only that each measurement runs and checks.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from site_helpers import ROOT  # noqa: F401  (puts the project and plugins on sys.path)
from tools import bench, bench_builds, bench_common, bench_demo, synthetic_site
from tools.serving import StaticServer

TINY = {"posts": 12, "charts": 6, "charted_posts": 3, "metrics": 4, "snapshots": 5}


def quiet(*args, **kwargs):
    """Swallow the benchmark's progress lines."""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> synthetic_site.SyntheticSite:
    return synthetic_site.generate_site(tmp_path_factory.mktemp("bench") / "site", **TINY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return bench_demo.build_demo(tmp_path_factory.mktemp("demo"))


def sources(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for sub in ("content", "stats")
        for p in sorted((folder / sub).rglob("*"))
        if p.is_file()
    }


def test_generator_writes_the_sizes_asked_deterministically(site, tmp_path):
    again = synthetic_site.generate_site(tmp_path / "again", **TINY)
    assert sources(site.root) == sources(again.root)
    assert len(list((site.content / "posts").glob("*.md"))) == TINY["posts"]
    assert len(list(site.content.rglob("*.md"))) == site.texts
    assert len(list((site.stats / "snapshots").glob("*.yaml"))) == TINY["snapshots"]
    blocks = sum(p.read_text(encoding="utf-8").count("```chart") for p in (site.content / "posts").glob("*.md"))
    assert blocks == len(site.charts) == TINY["charts"]
    assert len({c.post.index for c in site.charts}) == TINY["charted_posts"]
    catalogue = (site.stats / "metrics.yaml").read_text(encoding="utf-8")
    assert catalogue.count("kind: total") == catalogue.count("kind: period") == TINY["metrics"] // 2
    dates = [p.date for p in site.posts]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


@pytest.mark.slow
def test_builds_with_without_and_growth_check_their_output(site, tmp_path):
    big = synthetic_site.generate_site(tmp_path / "big", **{**TINY, "charts": 12, "charted_posts": 6, "snapshots": 10})
    result = bench_builds.measure_builds(site, big, runs=1, work=tmp_path, log=quiet)
    assert result["with_s"] > 0 and result["without_s"] > 0 and result["overhead"] > 0
    assert result["plugin_s"] > 0 and result["big_plugin_s"] > 0 and result["growth"] > 0
    assert set(result["parts"]) == set(result["big_parts"]) == set(bench_builds.PHASES)
    assert all(result["parts"][phase] > 0 for phase in ("load", "charts", "data_page", "markdown"))
    assert 0 < result["plotted"] < result["plotted_big"]


@pytest.mark.slow
def test_the_plugin_times_itself_only_when_listed_and_the_output_is_checked(site, tmp_path):
    with_plugin = bench_builds.site_build(site, tmp_path / "a", tmp_path / "cache-a", plugin=True)
    without = bench_builds.site_build(site, tmp_path / "b", tmp_path / "cache-b", plugin=False)
    # Pelican converts each text's body and its Summary: metadata through Markdown, with our extension.
    assert with_plugin.calls["markdown"] == 2 * site.texts
    assert with_plugin.calls["load"] == 1
    assert with_plugin.calls["data_page"] == 2  # the views while reading, the pages while writing
    assert without.calls == {} and without.parts == {}
    bench_builds.check_build_output(site, tmp_path / "a", plugin=True)
    bench_builds.check_build_output(site, tmp_path / "b", plugin=False)
    with pytest.raises(bench_common.CheckFailed, match="without the plugin"):
        bench_builds.check_build_output(site, tmp_path / "a", plugin=False)
    with pytest.raises(bench_common.CheckFailed, match="with the plugin"):
        bench_builds.check_build_output(site, tmp_path / "b", plugin=True)


@pytest.mark.slow
def test_a_build_problem_fails_the_benchmark(site, tmp_path):
    broken = tmp_path / "broken"
    synthetic_site.write_one_chart_site(broken)
    post = broken / "content" / "posts" / "bench.md"
    post.write_text(post.read_text(encoding="utf-8").replace("youtube.subscribers\n", "nowhere.metric\n"))
    with pytest.raises(bench_common.CheckFailed, match="does not build cleanly:\n.*nowhere.metric"):
        bench_builds.run_build(broken / "output", bench_builds.site_overrides(broken, broken / "cache"))


@pytest.mark.slow
def test_warm_rebuild_checks_the_edited_figure_and_restores_the_site(site, tmp_path):
    before = sources(site.root)
    result = bench_builds.measure_warm(site, runs=1, work=tmp_path, log=quiet)
    assert result["post_reads"] == 1  # the content cache served every other post
    assert result["snapshot_reads"] == 0
    assert result["post_ratio"] > 0 and result["snapshot_ratio"] > 0
    assert sources(site.root) == before


@pytest.mark.slow
def test_a_stale_chart_fails_the_check(site, tmp_path):
    output = tmp_path / "out"
    bench_builds.site_build(site, output, tmp_path / "cache")
    chart, snapshot, metric, old, new = bench_builds.pick_snapshot_edit(site, output)
    assert snapshot.totals[metric][0] == old and chart is site.charts[0]
    bench_builds.verify_snapshot_edit(output, chart, old)  # the figure the chart shows passes
    with pytest.raises(bench_common.CheckFailed, match="stale"):
        bench_builds.verify_snapshot_edit(output, chart, new)  # the snapshot was never edited


@pytest.mark.slow
def test_plot_json_and_chart_bytes(site, tmp_path):
    timing = bench_builds.measure_plot_json(site, count=6, reps=1)
    assert timing["charts"] == 6 and timing["ours_ms"] > 0 and timing["plotly_ms"] > 0
    sizes = bench_demo.measure_chart_bytes(tmp_path)
    assert 0 < sizes["ours"] < sizes["plotly"]


@pytest.mark.slow
def test_scripts_of_the_demo_site(demo):
    scripts = bench_demo.measure_scripts(demo)
    names = [url.rsplit("/", 1)[-1] for url, _, _ in scripts["scripts"]]
    assert any(name.startswith("plotly-basic.") for name in names)
    assert scripts["gzip_total"] > 0
    assert scripts["chartless_pages"] > 0 and scripts["plotly_without"] == 0


@pytest.mark.slow
@pytest.mark.browser
def test_browser_figures_of_the_demo_site(demo):
    result = bench_demo.measure_browser(demo, runs=1, log=quiet)
    assert result["fcp_ms"] > 0 and result["drawn_ms"] > 0 and result["runs"] == 1
    assert result["blocking_scripts"] == [] and result["charts"] > 0
    assert result["version"].startswith("Chromium ")


def test_static_server_adds_its_headers_and_stops(tmp_path):
    (tmp_path / "a.txt").write_text("bonjour", encoding="utf-8")
    with StaticServer(tmp_path, {"X-Bench": "oui"}) as server:
        response = urllib.request.urlopen(f"{server.url}/a.txt", timeout=10)
        assert response.read() == b"bonjour" and response.headers["X-Bench"] == "oui"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{server.url}/a.txt", timeout=2)


def tiny_context(site, tmp_path) -> bench_common.Context:
    """A benchmark run on the tiny site, one run per figure."""
    context = bench_common.Context(tmp_path, runs=1, sizes=TINY, log=quiet)
    context.shared["site"] = site
    return context


def test_a_new_measurement_hooks_in_as_a_section(capsys, tmp_path):
    measured = []
    section = bench_common.Section(
        "load test",
        "A colleague's measurement:",
        lambda context: measured.append(context.runs) or {"rps": 1234},
        lambda result, context: [bench_common.row("12. requests a second", f"{result['rps']}", "≥ 1000", True)],
        lambda result, context: ["its own line"],
    )
    bench.main(posts=12, charts=6, charted_posts=3, metrics=4, snapshots=5, runs=1, sections=[section])
    out = capsys.readouterr().out
    assert measured == [1]
    assert "A colleague's measurement:" in out and "its own line" in out
    assert any(
        line.split() == ["12.", "requests", "a", "second", "1234", "≥", "1000", "ok"] for line in out.splitlines()
    )
    assert [s.name for s in bench.SECTIONS][:3] == ["builds", "figure json", "warm"]


def test_only_runs_the_sections_named(capsys):
    calls = []
    sections = [
        bench_common.Section(name, "", lambda context, name=name: calls.append(name)) for name in ("a", "b", "c")
    ]
    bench.main(runs=1, sections=sections, only="a,c")
    assert calls == ["a", "c"]


@pytest.mark.slow
@pytest.mark.browser
def test_images_section_draws_every_image_and_times_to_image(site, tmp_path):
    from tools import bench_images

    result = bench_images.measure(tiny_context(site, tmp_path))
    # every chart block, and the data page's metric charts
    assert result["charts"] > len(site.charts) and result["drawn"] == result["images"] > result["charts"]
    assert result["to_image_ms"] > 0 and result["per_image_ms"] > 0
    assert [r[0].split()[0] for r in bench_images.rows(result, tiny_context(site, tmp_path))] == [
        "9.",
        "all",
        "10.",
        "cold",
    ]


@pytest.mark.slow
def test_compression_section_measures_each_quality(site, tmp_path):
    from tools import bench_compression
    from tools.postprocess import PAGE_QUALITY

    result = bench_compression.measure(tiny_context(site, tmp_path))
    assert result["pages"]["files"] > len(site.charts) and result["assets"]["files"] > 0
    sizes = [result["pages"]["brotli"][q][0] for q in bench_compression.QUALITIES]
    assert sizes[-1] <= sizes[0] and PAGE_QUALITY in result["pages"]["brotli"]


@pytest.mark.slow
@pytest.mark.browser
def test_edit_loop_section_sees_each_save_in_chromium_and_restores_the_post(site, tmp_path):
    from tools import bench_edit

    before = sources(site.root)
    result = bench_edit.measure(tiny_context(site, tmp_path))
    assert result["post_s"] > 0 and result["snapshot_s"] > 0 and result["stock_s"] > 0
    assert sources(site.root) == before  # the post and the snapshot saved are as they were
    log = (tmp_path / "edit-loop" / "server.log").read_text(encoding="utf-8")
    assert len(bench_edit.worker_times(log)) >= 6, "each save's open page was written first"
