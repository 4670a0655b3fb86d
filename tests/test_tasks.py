"""The invoke tasks as a user types them: every task's help, and `invoke livereload` in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from site_helpers import ROOT

INVOKE = str(Path(sys.executable).parent / "invoke")


def test_every_task_answers_help(tmp_path):
    """`invoke TASK --help` prints the task's help and exits 0, for every task `invoke --list` shows."""
    # A lone copy of tasks.py: if --help ever ran a task instead, it would act on an empty folder.
    shutil.copy2(ROOT / "tasks.py", tmp_path / "tasks.py")
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
    assert not [p.name for p in tmp_path.iterdir() if p.name not in ("tasks.py", "__pycache__")]


def test_snapshot_without_a_date_says_what_to_type(tmp_path):
    shutil.copy2(ROOT / "tasks.py", tmp_path / "tasks.py")
    run = subprocess.run([INVOKE, "snapshot"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip() == "--date is missing — give the day the figures were read, like --date 2017-01-05"
