"""The settings files as Pelican reads them: plain `pelican` on any content folder, publishconf.py on pelicanconf.py."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pelican.settings import read_settings

from site_helpers import ROOT

PELICAN = str(Path(sys.executable).parent / "pelican")


def test_publish_settings_extend_their_own_development_settings(tmp_path):
    """publishconf.py reads the pelicanconf.py beside it, even after another project's settings were read."""
    other = tmp_path / "pelicanconf.py"
    other.write_text(f'SITENAME = "Another project"\nTHEME = {str(tmp_path)!r}\n', encoding="utf-8")
    read_settings(str(other))  # leaves a module named `pelicanconf` in sys.modules, as any build does
    dev = read_settings(str(ROOT / "pelicanconf.py"))
    read_settings(str(other))
    publish = read_settings(str(ROOT / "publishconf.py"))
    assert (publish["SITENAME"], publish["THEME"], publish["PLUGINS"]) == (
        dev["SITENAME"],
        dev["THEME"],
        dev["PLUGINS"],
    )
    assert publish["SITEURL"].startswith("https://") and dev["SITEURL"] == ""


def write_post(content: Path) -> None:
    """Write one plain post, without charts, into a content folder of its own."""
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "2017-01-05-un-billet.md").write_text(
        "Title: Un billet\nDate: 2017-01-05 10:00\nCategory: Essais\nSlug: un-billet\n\nDu texte.\n", encoding="utf-8"
    )


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["empty", "one post", "demo"])
@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_plain_pelican_builds_any_content_folder_with_our_settings(tmp_path, folder, settings):
    """`pelican FOLDER -s SETTINGS` ends without a traceback, and robots.txt comes from the theme."""
    content = ROOT / "content" if folder == "demo" else tmp_path / "content"
    content.mkdir(exist_ok=True)
    if folder == "one post":
        write_post(content)
    output = tmp_path / "output"
    run = subprocess.run(
        [
            PELICAN,
            str(content),
            "-s",
            str(ROOT / settings),
            "-o",
            str(output),
            "-e",
            f'CACHE_PATH="{tmp_path / "cache"}"',
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0 and "Traceback" not in log and "ERROR" not in log, log
    site_url = read_settings(str(ROOT / settings))["SITEURL"]
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert robots == f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml"
    assert (output / "index.html").is_file() and (output / "sitemap.xml").is_file()


@pytest.mark.slow
def test_sitemap_lists_pages_only(publish_site):
    """Every sitemap entry is a page's clean URL: robots.txt, feeds and downloads are not pages."""
    tree = ET.parse(publish_site / "sitemap.xml").getroot()
    locs = [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) > 20
    assert [loc for loc in locs if not loc.endswith("/")] == []
