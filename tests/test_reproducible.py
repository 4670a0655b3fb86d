"""Same sources, same bytes, search index included; and a changed snapshot always shows, with the content cache on."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from site_helpers import COMPRESSION_CACHE, build, copy_project, digests

pytestmark = pytest.mark.slow


def test_two_builds_are_byte_identical_across_seed_timezone_folder_and_mtimes(tmp_path):
    """Two copies built apart, each compressing every file itself: the .gz and .br are compared too.

    These copies do not share the session's compression cache: with it, the second build
    would copy the first one's compressed bytes and prove nothing about them.
    """
    first = copy_project(tmp_path / "one")
    second = copy_project(tmp_path / "elsewhere" / "two")
    for project in (first, second):  # posts of the same date must still come in a stable order
        for n in range(8):
            (project / "content" / "posts" / f"meme-jour-{n}.md").write_text(
                f"Title: Même jour {n}\nDate: 2016-06-01 12:00\nCategory: Essais\nSlug: meme-jour-{n}\n\nTexte {n}.\n",
                encoding="utf-8",
            )
    later = time.time() + 86400 * 3
    for path in second.rglob("*"):
        os.utime(path, (later, later))
    build(first, "publishconf.py", {"PYTHONHASHSEED": "1", "TZ": "UTC"})
    build(second, "publishconf.py", {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati"})
    assert not (first / COMPRESSION_CACHE).is_symlink() and not (second / COMPRESSION_CACHE).is_symlink()
    one, two = digests(first / "output"), digests(second / "output")
    assert len(one) > 100 and any(name.endswith(".br") for name in one)
    # The search index is compared too, filters included (Pagefind alone writes them in a random order).
    assert sum(name.startswith("pagefind/filter/") for name in one) >= 4
    assert any(name.startswith("pagefind/pagefind.") and name.endswith(".pf_meta") for name in one)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_editing_a_snapshot_updates_its_charts_with_the_content_cache_on(new_project):
    project = new_project()
    article = project / "output" / "2017" / "01" / "reseaux-et-mouvements" / "index.html"
    build(project)
    # The chart's table cell (the post's own text also says "80 000", typeset the same way).
    assert "<td>80\u202f000</td>" in article.read_text(encoding="utf-8")
    assert list((project / ".cache" / "pelican").rglob("*")), "the content cache should be on"
    # Prove the cache is really used: a post edited behind the cache's back (same mtime) keeps its old text.
    post = project / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    stamp = post.stat()
    post.write_text(
        post.read_text(encoding="utf-8").replace("Une campagne qui revendique", "Une campagne qui réclame"),
        encoding="utf-8",
    )
    os.utime(post, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    snapshot = project / "stats" / "snapshots" / "2016-11-30-youtube.yaml"
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("80000", "81234"), encoding="utf-8")
    build(project)
    html = article.read_text(encoding="utf-8")
    assert "Une campagne qui revendique" in html, "the second build should have read the post from the cache"
    assert "<td>81\u202f234</td>" in html and "<td>80\u202f000</td>" not in html
    csv = (project / "output" / "transparence" / "donnees" / "observations.csv").read_text(encoding="utf-8")
    assert ",81234," in csv
    assert_precompressed(project / "output")


def assert_precompressed(site: Path) -> None:
    """Every text file has .gz and .br copies holding exactly its bytes (also when reused from the cache)."""
    import gzip

    import brotli

    texts = [
        p
        for p in site.rglob("*")
        if p.suffix in {".html", ".css", ".js", ".json", ".csv", ".xml"} and p.stat().st_size >= 256
    ]
    assert len(texts) > 50
    for path in texts:
        data = path.read_bytes()
        assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == data, path
        assert brotli.decompress(Path(f"{path}.br").read_bytes()) == data, path
