"""Static checks with ruff (configured in pyproject.toml): lint, format, and the rules the project relies on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from site_helpers import ROOT

RUFF = [sys.executable, "-m", "ruff"]


def ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run ruff in the project folder, so it reads pyproject.toml."""
    return subprocess.run([*RUFF, *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_ruff_check_passes():
    run = ruff("check", "--output-format=concise", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    run = ruff("format", "--check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


UNSAFE = {
    "yaml.load(text)": "yaml.load",
    "yaml.load(text, Loader=yaml.SafeLoader)": "yaml.load",  # even a safe loader: use yaml.safe_load
    "yaml.load(text, Loader=yaml.FullLoader)": "S506",
    "yaml.load_all(text)": "yaml.load_all",
    "yaml.full_load(text)": "yaml.full_load",
    "yaml.unsafe_load(text)": "yaml.unsafe_load",
    "yaml.compose(text, Loader=yaml.UnsafeLoader)": "yaml.UnsafeLoader",
    "yaml.compose(text, Loader=yaml.CLoader)": "yaml.CLoader",
    "from yaml import unsafe_load": "yaml.unsafe_load",
    "sys.path.insert(0, 'plugins')": "sys.path",
}


@pytest.mark.parametrize(
    "place", ["plugins/transparency-stats/transparency_stats/probe.py", "tests/probe.py", "tasks.py"]
)
def test_ruff_refuses_unsafe_yaml_loading_and_sys_path_edits(place):
    """The rules that replace the old "no unsafe YAML" greps: S506 and the banned APIs, in code and tests alike."""
    lines = ["import sys", "", "import yaml", "", "text = sys.stdin.read()", "yaml.safe_load(text)", *UNSAFE]
    run = ruff("check", "--output-format=json", "--stdin-filename", place, "-", stdin="\n".join(lines) + "\n")
    found: dict[int, set[str]] = {}
    for problem in json.loads(run.stdout):
        found.setdefault(problem["location"]["row"], set()).add(f"{problem['code']} {problem['message']}")
    for row, line in enumerate(lines, start=1):
        if line in UNSAFE:
            assert any(UNSAFE[line] in problem for problem in found.get(row, ())), (line, found.get(row))
        else:
            assert not {p for p in found.get(row, ()) if p.startswith(("S", "TID"))}, (line, found[row])
