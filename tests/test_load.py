"""The load test (tools/load.py): real nginx and wrk on loopback, zero errors, and no page mixed from two builds.

Small, bounded numbers; what is asserted is the work done and its correctness, never a time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tools import load, nginx

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:8080
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    3.20ms  80.00ms   90.00%
  Latency Distribution
     50%  812.00us
     75%    6.00ms
     90%    9.00ms
     99%    1.20s
  400000 requests in 20.00s, 1.20GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  20000.00
"""


def quiet(*args, **kwargs):
    """Swallow progress lines."""


def test_wrks_report_is_read_with_its_errors():
    result = load.parse_wrk(WRK_OUTPUT)
    assert (result.requests, result.seconds, result.p50_ms, result.p99_ms) == (400000, 20.0, 0.812, 1200.0)
    assert result.errors == 12 and result.per_second == 20000.0


def test_wrk_counts_a_missing_path_as_an_error(tmp_path):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<!DOCTYPE html><title>absent</title>", encoding="utf-8")
    with nginx.NginxServer(tmp_path) as server:
        stop = threading.Event()
        threading.Timer(1.0, stop.set).start()  # ends the run; nothing is asserted of its length
        result = load.run_wrk(server.url, ["/", "/absent/"], 2, 60, tmp_path / "paths.lua", stop)
    assert result.requests > 0 and result.errors > 0


def test_the_checker_sees_a_page_naming_files_of_another_build(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<!DOCTYPE html><link rel="stylesheet" href="/theme/css/site.aaaaaaaaaa.css">'
        '<script src="/theme/js/site.bbbbbbbbbb.js"></script><title>x</title>',
        encoding="utf-8",
    )
    (tmp_path / "404.html").write_text("absent", encoding="utf-8")
    own = {"/index.html", "/theme/css/site.aaaaaaaaaa.css", "/theme/js/site.cccccccccc.js"}
    with nginx.NginxServer(tmp_path) as server:
        stop, seen = threading.Event(), load.Consistency()
        threading.Timer(0.5, stop.set).start()
        load.check_pages(server.url, ["/"], stop, {"/theme/css/site.aaaaaaaaaa.css": own}, seen)
    assert seen.pages > 0 and seen.problems and "another build" in seen.problems[0]


@pytest.mark.slow
def test_under_load_while_the_site_is_rebuilt_and_swapped_no_error_and_no_mixed_page(tmp_path: Path):
    result = load.measure(clients=10, seconds=2, swaps=2, checkers=2, steady=False, work=tmp_path, log=quiet)
    assert result.swaps == 2
    assert result.swapping.requests > 0 and result.swapping.errors == 0, result.swapping.detail
    seen = result.consistency
    assert seen.pages > 0 and seen.files > seen.pages
    assert seen.problems == []
    assert len(seen.builds_seen) == 2, "pages of both builds were read"
    print("\n".join(load.report_lines(result)))
