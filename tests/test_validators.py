"""Every HTML page of the built sites passes the Nu HTML Checker (vnu), errors only."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_helpers import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A page with one known error, checked in the same run: proves vnu read files and reported.
CANARY = '<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>t</title></head>\n<body><p><div></div></p></body>\n</html>\n'  # noqa: E501


def run_vnu(*paths: Path) -> list[dict]:
    """Check paths (files or folders) in one JVM run; return vnu's messages."""
    java = shutil.which("java")
    assert java, "java is not installed (bootstrap.py installs it)"
    assert VNU.is_file(), f"{VNU} is missing (npm ci)"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(result.stderr or result.stdout)  # vnu writes its JSON report to stderr
    return report["messages"]


def message_path(message: dict) -> Path:
    """Return the checked file a message is about (vnu writes "file:/abs/path")."""
    return Path(unquote(urlsplit(message.get("url", "")).path))


def describe(message: dict, site: Path) -> str:
    """Return file:line: message, the file relative to the site."""
    path = message_path(message)
    try:
        shown = path.relative_to(site).as_posix()
    except ValueError:
        shown = str(path)
    kind = "" if message.get("type") == "error" else f"{message.get('type')}: "
    return f"{shown}:{message.get('lastLine', '?')}: {kind}{message.get('message')}"


@pytest.mark.slow
@pytest.mark.parametrize("which", ["dev_site", "publish_site"])
def test_every_page_is_valid_html(which, request, tmp_path):
    site: Path = request.getfixturevalue(which)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    assert site / "recherche" / "index.html" in pages  # the search page, with its <noscript> and templates
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    messages = run_vnu(site, canary)
    canary = canary.resolve()
    assert any(message_path(m) == canary for m in messages), f"vnu did not report the canary's error: {messages}"
    errors = [describe(m, site.resolve()) for m in messages if message_path(m) != canary]
    if errors:
        print("\n".join(errors))
    assert errors == [], f"{len(errors)} HTML error(s):\n" + "\n".join(errors)
