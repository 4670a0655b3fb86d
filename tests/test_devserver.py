"""`invoke livereload`'s long-lived builder: after every edit of a scripted session, the site equals a clean build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from site_helpers import build, copy_project
from tools.devserver import Builder
from tools.preview import output_name
from transparency_stats.media.images import find_browser

# Open in the browser during the session: the post edited, and a post whose chart reads the snapshot edited.
VIEWED = (
    "http://127.0.0.1:8000/2016/02/une-plateforme-pour-agir/",
    "http://127.0.0.1:8000/2017/01/reseaux-et-mouvements/",
)
SOURCES = ("content", "stats", "theme", "plugins", "tools", "pelicanconf.py", "publishconf.py")


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file of a build by its path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(project: Path, folder: Path) -> dict[str, bytes]:
    """Copy the project's sources as they are now into `folder` and build them there with every cache empty."""
    for name in SOURCES:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    return tree(build(folder))


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new`, and move the file's time on as a save does."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = time.time() + 1
    os.utime(path, (later, later))


@pytest.mark.slow
def test_every_save_of_an_edit_session_gives_the_site_a_clean_build_gives(tmp_path):
    project = copy_project(tmp_path / "project")
    posts, snapshots = project / "content" / "posts", project / "stats" / "snapshots"
    post = posts / "2016-02-10-une-plateforme-pour-agir.md"
    new_post = posts / "2017-02-01-un-nouveau-billet.md"
    snapshot = snapshots / "2016-11-30-youtube.yaml"

    def write_new_post():
        new_post.write_text(
            "Title: Un nouveau billet\nDate: 2017-02-01 10:00\nCategory: Campagne\nTags: bilan\n\n"
            "Un billet écrit pendant que le site est servi.\n",
            encoding="utf-8",
        )

    steps = [
        ("a post's text", lambda: edit(post, "\n\n", "\n\nUne phrase ajoutée pendant la session.\n\n")),
        ("a post's title", lambda: edit(post, "Title: Une plateforme pour agir", "Title: Une plateforme pour tous")),
        ("a post's tags", lambda: edit(post, "Tags: plateforme, militantisme", "Tags: plateforme, session")),
        ("a new post", write_new_post),
        ("a deleted post", new_post.unlink),
        ("a snapshot", lambda: edit(snapshot, "80000", "80777")),
        ("a template", lambda: edit(project / "theme" / "templates" / "base.html", "</body>", "<!-- v2 --></body>")),
    ]
    builder = Builder(project / "pelicanconf.py", project / "output", cwd=project)
    early: dict[str, bytes] = {}  # the pages written first, as the browser reloaded them

    def written_first(note, pages):
        early.update({page: (project / "output" / page).read_bytes() for page in pages})

    builder.on_shown = written_first
    try:
        assert builder.build().problems == []
        drew_images = {}
        for number, (what, change) in enumerate(steps):
            change()
            early.clear()
            status = builder.build(viewed=VIEWED)
            assert status.problems == [], what
            drew_images[what] = status.drew_images
            served = tree(project / "output")
            # The pages open in the browser were written first, and are the finished build's very bytes.
            assert sorted(early) == sorted(output_name(url) for url in VIEWED), what
            assert {page: served[page] for page in early} == early, what
            clean = clean_build(project, tmp_path / f"clean-{number}")
            assert served.keys() == clean.keys(), (what, served.keys() ^ clean.keys())
            differ = [path for path in served if served[path] != clean[path]]
            assert not differ, (what, differ[:10])
        good = tree(project / "output")
        if find_browser() is not None:  # images are drawn: the open page reloads for new ones (same URLs)
            assert drew_images["a snapshot"] and not drew_images["a post's text"], drew_images

        # A build that fails after writing the open pages first (a broken tag page template):
        # they are put back, and the site served stays the last good one.
        tag_template = project / "theme" / "templates" / "tag.html"
        edit(tag_template, "{% block content %}", '{% block content %}{% include "_absent.html" %}')
        edit(post, "Une phrase ajoutée pendant la session.", "Une phrase jamais publiée.")
        early.clear()
        failed = builder.build(viewed=VIEWED)
        assert failed.problems and early, "the open pages were not written first"
        assert any("jamais publiée" in page.decode() for page in early.values())
        assert tree(project / "output") == good
        edit(tag_template, '{% include "_absent.html" %}', "")
        edit(post, "Une phrase jamais publiée.", "Une phrase ajoutée pendant la session.")

        # A newer save stops a build under way: the first request is superseded, the second
        # builds, and the site is again what a clean build gives.
        edit(post, "Une phrase ajoutée pendant la session.", "Une phrase changée deux fois.")
        early.clear()
        first = builder.request(viewed=VIEWED)
        while not early:  # the first build is writing
            time.sleep(0.05)
        edit(post, "Une phrase changée deux fois.", "Une phrase changée trois fois.")
        second = builder.request(viewed=VIEWED)
        assert builder.wait(first) is None, "the older build was not superseded"
        assert builder.wait(second).problems == []
        served = tree(project / "output")
        assert served == clean_build(project, tmp_path / "clean-superseded")
        good = served

        # A broken snapshot: the build fails with its one-line problem, the site stays the last good one.
        edit(snapshot, "80777", "quatre-vingt mille")
        failed = builder.build()
        assert failed.problems and all("\n" not in p for p in failed.problems)
        assert any("2016-11-30-youtube.yaml" in p for p in failed.problems), failed.problems
        assert tree(project / "output") == good
        assert "Build failed" in failed.script() and "2016-11-30-youtube.yaml" in failed.script()

        # The next good save recovers.
        edit(snapshot, "quatre-vingt mille", "80777")
        recovered = builder.build()
        assert recovered.problems == [] and tree(project / "output") == good
        assert "var problems = [];" in recovered.script()
        assert builder.builds == len(steps) + 5  # the superseded build is not counted
    finally:
        builder.stop()
