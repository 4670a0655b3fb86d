"""Helpers for the whole-site tests: project paths, real builds, copies of the project."""

from __future__ import annotations

import http.server
import shutil
from pathlib import Path

from tools import sitebuild

ROOT = Path(__file__).resolve().parent.parent


def build_site(settings: Path, output: Path, overrides: dict | None = None) -> Path:
    """Build a site with the project's strict, atomic builder (no cache, no precompression)."""
    cache = output.parent / f"{output.name}-cache"
    sitebuild.build(settings, output, overrides={"CACHE_PATH": str(cache), **(overrides or {})})
    return output


def copy_project(target: Path) -> Path:
    """Copy the project's sources (not output or caches) to `target`, for tests that edit them."""
    for name in ("content", "stats", "theme", "plugins", "tools"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy2(ROOT / name, target / name)
    return target


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request."""

    def log_message(self, *args):
        """Stay quiet."""
