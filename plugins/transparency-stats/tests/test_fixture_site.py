"""Build a tiny fixture site through Pelican's real entry point and compare it with expected output.

A change in what the plugin writes shows up as a diff of `fixture_site/expected/`.
Regenerate after an intended change with: UPDATE_EXPECTED=1 invoke test -k fixture_site
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture_site"
PROJECT = HERE.parents[2]
COMPARED = [
    "2016/12/croissance/index.html",
    "transparence/index.html",
    "transparence/video.subscribers/index.html",
    "transparence/signups.new/index.html",
    "transparence/donnees/observations.csv",
    "transparence/donnees/observations.json",
    "transparence/donnees/metriques/video.subscribers.csv",
    "transparence/donnees/graphiques/graphique-croissance-1.csv",
    "transparence/donnees/graphiques/graphique-croissance-2.csv",
    "transparence/donnees/graphiques/graphique-croissance-3.csv",
    "transparence/donnees/reperes.csv",
    "transparence/donnees/reperes.json",
    "transparence/donnees/instantanes/SHA256SUMS",
    "transparence/nouveaux-chiffres.atom.xml",
    "transparence/donnees/metriques/signups.new.csv",
]


@pytest.fixture(scope="module")
def fixture_output(tmp_path_factory) -> Path:
    """Build the fixture site with the project's settings and theme."""
    output = tmp_path_factory.mktemp("fixture") / "output"
    settings = read_settings(
        str(PROJECT / "pelicanconf.py"),
        override={
            "PATH": str(FIXTURE / "content"),
            "OUTPUT_PATH": str(output),
            "TRANSPARENCY_STATS_PATH": str(FIXTURE / "stats"),
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "TEMPLATE_PAGES": {},
        },
    )
    Pelican(settings).run()
    return output


def plugin_part(name: str, text: str) -> str:
    """Return what the plugin writes: a page's <main> (the theme's head and asset hashes are not its output)."""
    if name.endswith(".html"):
        return text[text.index("<main") : text.index("</main>") + len("</main>")] + "\n"
    return text


@pytest.mark.parametrize("name", COMPARED)
def test_output_matches_expected(fixture_output, name):
    built = plugin_part(name, (fixture_output / name).read_text(encoding="utf-8"))
    expected_file = FIXTURE / "expected" / name.replace("/", "__")
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(built, encoding="utf-8")
    assert expected_file.is_file(), f"no expected output for {name}: run with UPDATE_EXPECTED=1"
    assert built == expected_file.read_text(encoding="utf-8")


def test_snapshots_are_published_byte_for_byte(fixture_output):
    for snapshot in (FIXTURE / "stats" / "snapshots").glob("*.yaml"):
        published = fixture_output / "transparence" / "donnees" / "instantanes" / snapshot.name
        assert published.read_bytes() == snapshot.read_bytes()
    assert shutil.which("sha256sum"), "coreutils' sha256sum is needed to check SHA256SUMS"
    import subprocess

    folder = fixture_output / "transparence" / "donnees" / "instantanes"
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("name", ["transparence/index.html", "transparence/nouveaux-chiffres.atom.xml"])
def test_the_data_page_and_its_feed_put_no_breaking_space_before_a_colon(fixture_output, name):
    import xml.etree.ElementTree as ET

    from bs4 import BeautifulSoup

    text = (fixture_output / name).read_text(encoding="utf-8")
    if name.endswith(".xml"):
        # Feed entries hold escaped HTML: read the entries' text as a reader would.
        nodes = ET.fromstring(text).iter()
        parts = [node.text or "" for node in nodes if node.tag.split("}")[-1] in ("title", "content", "summary")]
        text = "\n".join(BeautifulSoup(part, "html.parser").get_text() for part in parts)
    else:
        text = BeautifulSoup(text, "html.parser").get_text()
    assert " :" not in text and " ;" not in text, [line for line in text.splitlines() if " :" in line or " ;" in line]


def test_the_plugins_defaults_reach_the_templates(tmp_path):
    # Settings that set none of the plugin's own names: the theme still links the data page.
    settings = read_settings(
        None,
        override={
            "PATH": str(FIXTURE / "content"),
            "OUTPUT_PATH": str(tmp_path),
            "THEME": str(PROJECT / "theme"),
            "THEME_STATIC_DIR": "theme",
            "PLUGINS": ["campaign_site", "transparency_stats"],
            "TRANSPARENCY_STATS_PATH": str(FIXTURE / "stats"),
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "CACHE_PATH": str(tmp_path / "cache"),  # the chart images' cache, not a cache/ in the working folder
            "JINJA_ENVIRONMENT": {"autoescape": True},
        },
    )
    assert "TRANSPARENCY_STATS_PAGE_URL" not in settings
    Pelican(settings).run()
    assert (tmp_path / "transparence" / "index.html").is_file()
    assert 'href="/transparence/"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_a_metric_id_equal_to_a_custom_feed_name_is_refused_by_the_catalogue(tmp_path, caplog):
    """The catalogue refuses the names the data page's folder keeps, the feed renamed in the settings included."""
    settings = read_settings(
        str(PROJECT / "pelicanconf.py"),
        override={
            "PATH": str(FIXTURE / "content"),
            "OUTPUT_PATH": str(tmp_path),
            "TRANSPARENCY_STATS_PATH": str(FIXTURE / "stats"),
            "TRANSPARENCY_STATS_FEED": "signups.new",
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
        },
    )
    Pelican(settings).run()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors[0] == (
        "stats/metrics.yaml:8:1: metric id 'signups.new' is taken: the data page keeps the feed of new figures"
        " there, where the metric's page would go — choose another id, like 'site.signups.new'"
    )
    assert not (tmp_path / "transparence" / "signups.new").exists()  # nothing is written over anything
