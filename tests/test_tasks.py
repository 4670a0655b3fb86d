"""The invoke tasks as a user types them: every task's help, and `invoke livereload` in Chromium."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser import WAIT_MS, open_page
from site_helpers import ROOT, copy_project

INVOKE = str(Path(sys.executable).parent / "invoke")


def test_every_task_answers_help(tmp_path):
    """`invoke TASK --help` prints the task's help and exits 0, for every task `invoke --list` shows."""
    # A copy of tasks.py and tools/ alone: if --help ever ran a task instead, it would act on an empty folder.
    lone_tasks(tmp_path)
    listing = subprocess.run(
        [INVOKE, "--list", "--list-format=json"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    tasks = {entry["name"]: entry["help"] for entry in json.loads(listing.stdout)["tasks"]}
    assert {"build", "livereload", "publish", "snapshot", "test"} <= tasks.keys()
    runs = {
        name: subprocess.Popen(
            [INVOKE, name, "--help"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name in tasks
    }
    for name, run in runs.items():
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, f"invoke {name} --help: exit {run.returncode}: {err.strip()}"
        assert out.startswith(f"Usage: inv[oke] [--core-opts] {name} "), out
        assert " ".join(tasks[name].split()) in " ".join(out.split()), f"invoke {name} --help lacks its docstring"
    assert not [p.name for p in tmp_path.iterdir() if p.name not in ("tasks.py", "tools", "__pycache__")]


def lone_tasks(folder: Path) -> None:
    """Copy tasks.py and tools/ (which runs from the checkout, not installed) to an otherwise empty folder."""
    shutil.copy2(ROOT / "tasks.py", folder / "tasks.py")
    shutil.copytree(ROOT / "tools", folder / "tools", ignore=shutil.ignore_patterns("__pycache__"))


def test_snapshot_without_a_date_says_what_to_type(tmp_path):
    lone_tasks(tmp_path)
    run = subprocess.run([INVOKE, "snapshot"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip() == "--date is missing — give the day the figures were read, like --date 2017-01-05"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, seconds: float = WAIT_MS / 1000) -> bool:
    """Wait until url answers (the first build is done)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except OSError:
            time.sleep(0.5)
    return False


@pytest.mark.slow
@pytest.mark.browser
def test_livereload_rebuilds_and_reloads_the_open_page_within_the_csp(tmp_path, browser):
    """`invoke livereload`: edit a snapshot, and the page open in Chromium reloads by itself with the new figure."""
    project = copy_project(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [INVOKE, "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/2017/01/reseaux-et-mouvements/"
    page = open_page(browser)

    def page_text() -> str:
        try:
            return page.page.evaluate("() => window.__notReloaded ? '' : document.documentElement.textContent")
        except Exception:  # the page is reloading: its old document is gone
            return ""

    def until(condition) -> bool:
        """Tell whether `condition` holds within the wait (read while the page may be reloading)."""
        deadline = time.monotonic() + WAIT_MS / 1000
        while not condition():
            if time.monotonic() > deadline:
                return False
            page.page.wait_for_timeout(250)
        return True

    try:
        assert wait_until_served(url), "livereload never served the site"
        page.goto(url)
        assert "80\u202f000" in page.page.text_content("html")
        page.page.evaluate("() => { window.__notReloaded = true; }")
        page.page.wait_for_timeout(1000)  # the page's livereload.js has connected
        snapshot = project / "stats" / "snapshots" / "2016-11-30-youtube.yaml"
        snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("80000", "80777"), encoding="utf-8")
        deadline = time.monotonic() + WAIT_MS / 1000
        assert until(lambda: "80\u202f777" in page_text()), "the open page never reloaded with the edited snapshot"
        assert page.reported_csp == []
        assert page.problems() == []

        def overlay() -> str:
            try:
                return page.page.evaluate(
                    "() => window.__notReloaded ? ''"
                    " : (document.getElementById('build-failed') || {}).textContent || ''"
                )
            except Exception:  # the page is reloading
                return ""

        # The open page was written first; wait for the build to finish (a page not open has the figure).
        metric_page = f"http://127.0.0.1:{port}/transparence/youtube.subscribers/"
        while time.monotonic() < deadline:
            with urllib.request.urlopen(metric_page, timeout=5) as answer:  # noqa: S310 (loopback)
                if "80\u202f777" in answer.read().decode("utf-8"):
                    break
            time.sleep(0.25)

        # A broken save: the page reloads with the problem over the last good site.
        page.page.evaluate("() => { window.__notReloaded = true; }")
        snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("80777", "quatre-vingt mille"), "utf-8")
        assert until(lambda: "2016-11-30-youtube.yaml" in overlay()), "the failed build was not shown in the page"
        assert until(lambda: "80\u202f777" in page_text()), "the last good site is not the one shown"

        # The next good save recovers: the page reloads without the overlay, with the new figure.
        page.page.evaluate("() => { window.__notReloaded = true; }")
        snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("quatre-vingt mille", "80888"), "utf-8")
        # Read twice: the page may reload again once its chart's new images are drawn.
        assert until(lambda: "80\u202f888" in page_text() and overlay() == "" and "80\u202f888" in page_text()), (
            "the good save did not recover the page"
        )
        assert page.reported_csp == []
    finally:
        page.close()
        server.kill()
        log = server.communicate()[0]
    assert "Reloaded 1 open page(s)." in log, log
