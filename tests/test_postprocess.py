"""Precompression: every copy holds its file's bytes, on every core, with the cache doing the work once."""

from __future__ import annotations

import gzip

import brotli
import pytest

from tools.postprocess import ASSET_QUALITY, PAGE_QUALITY, precompress


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "output"
    for n in range(150):  # past INLINE_BELOW: compressed in worker processes
        page = root / "posts" / f"{n:03d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html><p>{'billet numéro ' * 40}{n}</p></html>", encoding="utf-8")
    asset = root / "theme" / "js" / "plotly.0123456789.js"
    asset.parent.mkdir(parents=True)
    asset.write_text("var plotly = function () { return 42; };\n" * 200, encoding="utf-8")
    (root / "small.html").write_text("<p>court</p>", encoding="utf-8")
    return root


def test_every_core_writes_the_bytes_one_process_writes(site, tmp_path):
    done = precompress(site, workers=2)
    assert done == (151, 302)
    copies = {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.suffix in (".gz", ".br")}
    for path in copies:
        path.unlink()
    assert precompress(site, workers=1) == (151, 302)
    assert copies == {p: p.read_bytes() for p in copies}
    assert not (site / "small.html.gz").exists()


def test_theme_assets_get_brotlis_best_quality_and_pages_the_measured_one(site):
    precompress(site, workers=2)
    asset = site / "theme" / "js" / "plotly.0123456789.js"
    page = site / "posts" / "007" / "index.html"
    assert (site / f"{asset}.br").read_bytes() == brotli.compress(asset.read_bytes(), quality=ASSET_QUALITY)
    assert (site / f"{page}.br").read_bytes() == brotli.compress(page.read_bytes(), quality=PAGE_QUALITY)
    assert gzip.decompress((site / f"{page}.gz").read_bytes()) == page.read_bytes()


def test_the_cache_compresses_each_content_once_and_forgets_what_is_gone(site, tmp_path):
    cache = tmp_path / "cache"
    assert precompress(site, cache, workers=2).compressed == 302
    assert precompress(site, cache, workers=2).compressed == 0
    (site / "posts" / "007" / "index.html").write_text("<p>" + "changé " * 80 + "</p>", encoding="utf-8")
    (site / "posts" / "008" / "index.html").unlink()
    assert precompress(site, cache, workers=2) == (150, 2)
    assert len(list(cache.iterdir())) == 2 * 150
    assert brotli.decompress((site / "posts" / "007" / "index.html.br").read_bytes()).startswith(b"<p>chang")
