"""Shared fixtures: real builds of the demo site through the project's build entry point."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from tools import sitebuild  # noqa: E402


def build_site(settings: Path, output: Path, overrides: dict | None = None) -> Path:
    """Build a site with the project's strict, atomic builder (no cache, no precompression)."""
    cache = output.parent / f"{output.name}-cache"
    sitebuild.build(settings, output, overrides={"CACHE_PATH": str(cache), **(overrides or {})})
    return output


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Path:
    """The demo site built with the development settings."""
    return build_site(ROOT / "pelicanconf.py", tmp_path_factory.mktemp("dev") / "output")


@pytest.fixture(scope="session")
def publish_site(tmp_path_factory) -> Path:
    """The demo site built with the publish settings (absolute URLs, feeds)."""
    return build_site(ROOT / "publishconf.py", tmp_path_factory.mktemp("publish") / "output")


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


@pytest.fixture(scope="session")
def serve():
    """Return a function that serves a folder on 127.0.0.1 and gives its base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
