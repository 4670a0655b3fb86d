"""The stats plugin is a distribution other sites install: its wheel, in a fresh venv, on a stock Pelican site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from site_helpers import ROOT, soup

DISTRIBUTION = ROOT / "plugins" / "transparency-stats"
FIXTURE = DISTRIBUTION / "tests" / "fixture_site"

# What `pelican-quickstart` writes, answered for a French site, plus the two lines the plugin's README asks for.
QUICKSTART_SETTINGS = """\
AUTHOR = 'Une équipe'
SITENAME = 'Un site'
SITEURL = ''
PATH = 'content'
TIMEZONE = 'Europe/Paris'
DEFAULT_LANG = 'fr'
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LINKS = (('Pelican', 'https://getpelican.com/'),)
SOCIAL = (('Mastodon', 'https://mastodon.social/'),)
DEFAULT_PAGINATION = 10

PLUGINS = ['transparency_stats']
TRANSPARENCY_STATS_PATH = 'stats'
"""


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a command with a clean environment (no PYTHONPATH, no project venv on PATH)."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the plugin's wheel as a packager would (the build backend from the project's pinned environment)."""
    out = tmp_path_factory.mktemp("dist")
    # From a clean copy of the sources: setuptools leaves build/ and *.egg-info beside them, never reused here.
    source = tmp_path_factory.mktemp("source") / DISTRIBUTION.name
    shutil.copytree(DISTRIBUTION, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    built = run(
        sys.executable,
        *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(out)),
        str(source),
        cwd=out,
    )
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("pelican_transparency_stats-*.whl")
    return found


def test_the_wheel_holds_the_plugin_its_french_and_its_templates_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"transparency_stats"}  # no top-level tools or french
    for expected in (
        "transparency_stats/__init__.py",
        "transparency_stats/french/__init__.py",
        "transparency_stats/charts/plot.py",
        "transparency_stats/templates/transparency.html",
        "transparency_stats/templates/transparency_metric.html",
        "transparency_stats/templates/chart_embed.html",
    ):
        assert expected in names
    assert not [name for name in names if "/tests/" in name or name.startswith("tests/")]


@pytest.mark.slow
def test_a_stock_pelican_site_with_the_default_theme_gets_charts_the_data_page_and_downloads(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = str(environment / "bin" / "python")
    pip = (python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check")
    # Stock Pelican and the plugin's dependencies, pinned as the project pins them; then the wheel alone.
    installed = run(*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock"), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    installed = run(*pip, "--no-deps", str(wheel), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(QUICKSTART_SETTINGS, encoding="utf-8")
    shutil.copytree(FIXTURE / "stats", site / "stats")
    shutil.copy2(FIXTURE / "content" / "posts" / "croissance.md", site / "content" / "croissance.md")
    built = run(str(environment / "bin" / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", cwd=site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "ERROR" not in built.stdout + built.stderr, built.stdout + built.stderr

    output = site / "output"
    post = soup(output / "croissance.html")
    charts = post.select("figure.ts-chart")
    assert len(charts) == (FIXTURE / "content" / "posts" / "croissance.md").read_text(encoding="utf-8").count(
        "```chart"
    )
    assert charts[0].select_one("table caption").get_text() == "Abonnés de la chaîne"
    assert post.select_one("link[href*='notmyidea'], link[href*='theme/css']") is not None  # Pelican's default theme
    data_page = soup(output / "transparence" / "index.html")
    assert data_page.select_one("section.transparency h1").get_text() == "Transparence\u00a0: nos chiffres d'audience"
    assert data_page.select_one("a[href='/transparence/video.subscribers/']") is not None
    metric = soup(output / "transparence" / "video.subscribers" / "index.html")
    assert metric.select_one("figure.ts-chart") is not None
    for download in (
        "observations.csv",
        "observations.json",
        "instantanes/SHA256SUMS",
        "metriques/video.subscribers.csv",
        "graphiques/graphique-croissance-1.csv",
    ):
        assert (output / "transparence" / "donnees" / download).is_file(), download
    assert (output / "transparence" / "nouveaux-chiffres.atom.xml").is_file()
