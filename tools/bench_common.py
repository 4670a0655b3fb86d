"""What every part of `invoke bench` shares: a section's shape, the run's context, checks, and the table.

A section is one thing the benchmark measures (`Section`): its `measure(context)` returns a
result, `rows(result, context)` the table's rows (figure, measured, budget, verdict) and
`lines(result, context)` what is printed after the table. `tools/bench.py` runs the sections
of `SECTIONS` in order; a new measurement is a module with a section, added to that list.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"
KB = 1000  # as the issues count: plotly's basic bundle is "~395 KB" gzipped, 395 403 bytes

Row = tuple[str, str, str, str]  # figure, measured, budget, verdict


class CheckFailed(Exception):
    """A correctness check failed: the benchmark's figures cannot be trusted."""


def check(condition: bool, message: str) -> None:
    """Raise CheckFailed with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def soup(path: Path) -> BeautifulSoup:
    """Parse an HTML file with BeautifulSoup."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def kb(n: float) -> str:
    """Return bytes as KB with one decimal."""
    return f"{n / KB:.1f} KB"


def row(figure: str, measured: str, budget: str = "—", ok: bool | None = None) -> Row:
    """Return a table row; a row without a budget has the verdict "—"."""
    return (figure, measured, budget, "—" if ok is None else ("ok" if ok else "OVER"))


def load() -> float:
    """Return the one-minute load average (the machine is shared: every figure is read beside it)."""
    return os.getloadavg()[0]


def machine() -> str:
    """Describe the machine, the versions and the load at start."""
    import pelican

    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Pelican {pelican.__version__}; load average {load():.2f} at start"
    )


@dataclass
class Context:
    """One run of the benchmark: its folder, runs per figure, sizes, results so far, notes for after the table."""

    work: Path
    runs: int = 3
    sizes: dict = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    log: Callable[..., None] = print
    shared: dict[str, Any] = field(default_factory=dict)  # what sections build once and share (sites, the demo)

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        """Return what `make` returns, made the first time a section asks for `name`."""
        if name not in self.shared:
            self.shared[name] = make()
        return self.shared[name]


@dataclass(frozen=True)
class Section:
    """One measurement of the benchmark: what it prints first, how it measures, its rows and its lines."""

    name: str
    heading: str
    measure: Callable[[Context], Any]
    rows: Callable[[Any, Context], list[Row]] = lambda result, context: []
    lines: Callable[[Any, Context], list[str]] = lambda result, context: []
    needs_chromium: bool = False


def print_table(rows: list[Row]) -> None:
    """Print rows as a plain-text table under a ruled header."""
    headers = ("figure", "measured", "budget", "verdict")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    rule = "  ".join("-" * w for w in widths)
    for line in (rule, headers, rule, *rows, rule):
        print(line if line is rule else "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def run_child_build(module: str, request: dict) -> None:
    """Build in a fresh interpreter (`python -m MODULE --build REQUEST`), as a user's build runs; fail on a crash."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--build", json.dumps(request)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    check(done.returncode == 0, f"a build crashed:\n{done.stderr[-3000:]}")
