"""The search index's rewrite (tools/search_index.py) on small sites: same bytes every run, and still readable."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tools import search_index

VALUES = [f"valeur {n:02d}" for n in range(24)]  # enough that a random order never comes out sorted twice


def small_site(folder: Path) -> Path:
    """Write twelve French pages, each with two filter values, a sort key, a title and an ignored page."""
    for n in range(12):
        page = folder / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!DOCTYPE html><html lang="fr"><head><title>Page {n}</title>'
            f'<meta property="og:title" content="Titre {n}" data-pagefind-meta="title[content]">'
            f'<meta property="a" content="{VALUES[2 * n]}" data-pagefind-filter="etiquette[content]">'
            f'<meta property="b" content="{VALUES[2 * n + 1]}" data-pagefind-filter="etiquette[content]">'
            f'<meta property="c" content="2017-01-{n + 1:02d}" data-pagefind-sort="date[content]"></head>'
            f'<body><div data-pagefind-body><p>Les abonnés de la page {n}.</p><p class="share">partager</p>'
            f"</div></body></html>",
            encoding="utf-8",
        )
    (folder / "liste.html").write_text('<html lang="fr"><body><p>Une liste.</p></body></html>', encoding="utf-8")
    return folder


def files(site: Path) -> dict[str, bytes]:
    """Return the bundle's files by path."""
    bundle = site / "pagefind"
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def test_two_runs_give_the_same_bytes_and_the_filters_are_sorted(tmp_path):
    site = small_site(tmp_path / "site")
    search_index.index_site(site)
    first = files(site)
    search_index.index_site(site)  # again over the first run's bundle: it starts afresh
    assert files(site) == first
    entry = json.loads(first["pagefind-entry.json"])
    meta_name = f"pagefind.{entry['languages']['fr']['hash']}.pf_meta"
    meta = search_index.read_pf(site / "pagefind" / meta_name)
    assert meta[0] == "1.5.2" and len(meta[1]) == 12  # the pinned version; the list page is not indexed
    assert [name for name, _ in meta[3]] == ["etiquette"] and [name for name, _ in meta[4]] == ["date"]
    filter_file = f"filter/{meta[3][0][1]}.pf_filter"
    assert filter_file in first
    values = search_index.read_pf(site / "pagefind" / filter_file)
    assert [value for value, _ in values[1]] == VALUES
    assert not any(name.startswith("pagefind-ui") or "component" in name for name in first)
    fragments = [gzip.decompress(data) for name, data in first.items() if name.startswith("fragment/")]
    assert fragments and not any(b"partager" in fragment for fragment in fragments)  # EXCLUDED selectors


@pytest.mark.parametrize("item", [0, 23, 24, 255, 256, 65536, 2**32, "", "é" * 30, [], [1, ["a", [2, 3]]], b"\x00"])
def test_the_cbor_codec_round_trips(item):
    assert search_index.cbor_decode(search_index.cbor_encode(item)) == item


def test_a_file_of_another_format_fails_in_one_line(tmp_path):
    bad = tmp_path / "x.pf_meta"
    bad.write_bytes(gzip.compress(b"something else"))
    with pytest.raises(search_index.SearchIndexFailed, match=r"x\.pf_meta:1:1: not a Pagefind index file — "):
        search_index.read_pf(bad)


def test_a_site_with_nothing_to_index_gets_no_index(tmp_path):
    (tmp_path / "index.html").write_text('<html lang="fr"><body><p>Bientôt.</p></body></html>', encoding="utf-8")
    search_index.index_site(tmp_path)
    assert not (tmp_path / "pagefind").exists()


def test_pagefind_failing_is_one_line_naming_the_site(tmp_path, monkeypatch):
    site = small_site(tmp_path / "site")
    monkeypatch.setattr(search_index, "pagefind_binary", lambda: "false")  # exits 1, prints nothing
    with pytest.raises(search_index.SearchIndexFailed) as failure:
        search_index.index_site(site)
    message = str(failure.value)
    assert message.startswith(f"{site}:1:1: Pagefind could not index the site (exit status 1) — ")
    assert "\n" not in message
    assert not list(site.glob(".search-pages-*"))  # its scratch folder is gone
