"""Helpers for the whole-site tests: project paths, real builds, copies of the project."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from tools import sitebuild

ROOT = Path(__file__).resolve().parent.parent

# Where `python -m tools.sitebuild` keeps compressed copies by content hash, inside a project.
COMPRESSION_CACHE = Path(".cache") / "precompressed"


def build_site(settings: Path, output: Path, overrides: dict | None = None) -> Path:
    """Build a site in this process with the project's strict, atomic builder (fresh content cache, no compression)."""
    cache = output.parent / f"{output.name}-cache"
    sitebuild.build(settings, output, overrides={"CACHE_PATH": str(cache), **(overrides or {})})
    return output


def copy_project(target: Path, compression_cache: Path | None = None) -> Path:
    """Copy the project's sources (not output or caches) to `target`, for tests that edit them.

    With `compression_cache`, the copy's precompression cache is a link to that folder, so
    builds of different copies compress plotly.js once. Its entries are named by the SHA-256
    of the bytes they compress, so a shared entry is only ever used for those exact bytes.
    """
    for name in ("content", "stats", "theme", "plugins", "tools"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy2(ROOT / name, target / name)
    if compression_cache is not None:
        (target / COMPRESSION_CACHE).parent.mkdir(parents=True)
        (target / COMPRESSION_CACHE).symlink_to(compression_cache, target_is_directory=True)
    return target


def run_build(project: Path, settings: str = "pelicanconf.py", env: dict | None = None) -> subprocess.CompletedProcess:
    """Build a project copy into its output/ through its command line, with precompression, as `invoke build` does."""
    return subprocess.run(
        [sys.executable, "-m", "tools.sitebuild", settings, "output"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def build(project: Path, settings: str = "pelicanconf.py", env: dict | None = None) -> Path:
    """Build a project copy like `run_build`, failing the test unless it succeeds; return its output folder."""
    result = run_build(project, settings, env)
    assert result.returncode == 0, result.stderr
    return project / "output"


def invoke(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run an invoke task in a project copy, as a user would."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "invoke"), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def problem_lines(stderr: str) -> list[str]:
    """Check a failed build printed plain lines ending with "Build failed:", no traceback; return the others."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Build failed:"), stderr
    return lines[:-1]


def digests(folder: Path) -> dict[str, str]:
    """Return every file's SHA-256 by path relative to folder (Python's __pycache__ left out)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def soup(path: Path) -> BeautifulSoup:
    """Parse a built HTML file with BeautifulSoup (Python's own parser, no extra dependency)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
