"""Shared fixtures: real builds of the demo site, project copies to edit and build, a server, Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_helpers import ROOT, build_site, copy_project
from tools.serving import StaticServer

# Fixtures that build a whole site: a test using one must be marked `slow` or `browser`.
BUILDING_FIXTURES = {"dev_site", "publish_site", "new_project"}


def pytest_collection_modifyitems(config, items):
    """Refuse a test that builds a whole site unmarked: `invoke test --fast` must stay fast."""
    unmarked = [
        item.nodeid
        for item in items
        if BUILDING_FIXTURES & set(getattr(item, "fixturenames", ()))
        and not any(item.iter_markers("slow"))
        and not any(item.iter_markers("browser"))
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests build a whole site: mark them `slow` or `browser`:\n" + "\n".join(unmarked)
        )


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Path:
    """The demo site built with the development settings."""
    return build_site(ROOT / "pelicanconf.py", tmp_path_factory.mktemp("dev") / "output")


@pytest.fixture(scope="session")
def publish_site(tmp_path_factory) -> Path:
    """The demo site built with the publish settings (absolute URLs, feeds)."""
    return build_site(ROOT / "publishconf.py", tmp_path_factory.mktemp("publish") / "output")


@pytest.fixture(scope="session")
def compression_cache(tmp_path_factory) -> Path:
    """One precompression cache for every project copy the session builds (entries named by content hash)."""
    return tmp_path_factory.mktemp("precompressed")


@pytest.fixture(scope="session")
def new_project(tmp_path_factory, compression_cache):
    """Return a function making a fresh copy of the project, sharing the session's compression cache."""

    def make(name: str = "project") -> Path:
        return copy_project(tmp_path_factory.mktemp(name), compression_cache)

    return make


@pytest.fixture(scope="session")
def serve():
    """Return a function that serves a folder on 127.0.0.1, adding `headers` to every response; gives its base URL."""
    servers: list[StaticServer] = []

    def start(folder: Path, headers: dict[str, str] | None = None) -> str:
        servers.append(StaticServer(folder, headers).start())
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, shared by the whole session's browser tests."""
    from playwright.sync_api import sync_playwright

    from browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
