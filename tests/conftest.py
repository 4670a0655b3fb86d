"""Shared fixtures: real builds of the demo site through the project's build entry point."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from site_helpers import ROOT, QuietHandler, build_site


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Path:
    """The demo site built with the development settings."""
    return build_site(ROOT / "pelicanconf.py", tmp_path_factory.mktemp("dev") / "output")


@pytest.fixture(scope="session")
def publish_site(tmp_path_factory) -> Path:
    """The demo site built with the publish settings (absolute URLs, feeds)."""
    return build_site(ROOT / "publishconf.py", tmp_path_factory.mktemp("publish") / "output")


@pytest.fixture(scope="session")
def serve():
    """Return a function that serves a folder on 127.0.0.1, adding `headers` to every response; gives its base URL."""
    servers = []

    def start(folder: Path, headers: dict[str, str] | None = None) -> str:
        class Handler(QuietHandler):
            def end_headers(self):
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                super().end_headers()

        handler = functools.partial(Handler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, shared by the whole session's browser tests."""
    from playwright.sync_api import sync_playwright

    from browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
