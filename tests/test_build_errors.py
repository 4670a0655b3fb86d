"""A broken post or snapshot fails the build with one plain line, and output/ stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_helpers import build, digests, problem_lines, run_build, soup

pytestmark = pytest.mark.slow

GOOD_POST = """Title: Article {n}
Date: 2016-06-{day:02d} 10:00
Category: Essais
Tags: {tags}
Slug: article-{n}
Summary: Résumé {n}.

Texte de l'article {n}.
"""


@pytest.fixture(scope="module")
def built_project(new_project) -> Path:
    """A copy of the project, built once successfully."""
    project = new_project()
    build(project)
    return project


def test_broken_date_fails_naming_file_and_line_and_keeps_output(built_project):
    before = digests(built_project / "output")
    broken = built_project / "content" / "posts" / "zz-broken.md"
    broken.write_text("Title: Cassé\nDate: not-a-date\nCategory: Essais\n\nTexte.\n", encoding="utf-8")
    try:
        result = run_build(built_project)
    finally:
        broken.unlink()
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    assert len(problems) == 1
    assert problems[0].startswith("content/posts/zz-broken.md:2:1: ")
    assert "not-a-date" in problems[0] and " — " in problems[0]
    assert digests(built_project / "output") == before


def test_an_empty_post_says_it_needs_a_title_and_keeps_output(built_project):
    before = digests(built_project / "output")
    empty = built_project / "content" / "posts" / "2016-06-30-vide.md"
    empty.write_text("", encoding="utf-8")  # a volunteer's editor saved a new file before anything was typed
    try:
        result = run_build(built_project)
    finally:
        empty.unlink()
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    assert problems == [
        "content/posts/2016-06-30-vide.md:1:1: this post has no title —"
        " add a line like 'Title: Mon billet' at the top of its header (an empty file has none)"
    ]
    assert digests(built_project / "output") == before


def test_misspelt_metric_fails_with_file_line_and_suggestion(built_project):
    before = digests(built_project / "output")
    post = built_project / "content" / "posts" / "zz-chart.md"
    post.write_text(
        "Title: Graphique\nDate: 2016-06-01\nCategory: Essais\n\nIntro.\n\n"
        "```chart\nmetrics: youtube.subscriber\n```\n",
        encoding="utf-8",
    )
    try:
        result = run_build(built_project)
    finally:
        post.unlink()
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    assert len(problems) == 1
    assert problems[0].startswith("content/posts/zz-chart.md:8:")
    assert "did you mean 'youtube.subscribers'?" in problems[0]
    assert digests(built_project / "output") == before


def test_broken_snapshot_fails_and_nothing_recorded_changes(built_project):
    snapshot = built_project / "stats" / "snapshots" / "2016-12-23-bilan.yaml"
    original = snapshot.read_bytes()
    before = digests(built_project / "output")
    snapshot.write_bytes(original.replace(b"youtube.subscribers.sarkozy: 7500", b"youtube.subscribers.sarkozy: NO"))
    try:
        result = run_build(built_project)
    finally:
        snapshot.write_bytes(original)
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    assert problems[0].startswith("stats/snapshots/2016-12-23-bilan.yaml:")
    assert digests(built_project / "output") == before


def test_one_broken_post_among_fifty_fails_and_publishes_nothing(new_project):
    project = new_project()
    for n in range(1, 51):
        text = GOOD_POST.format(n=n, day=n % 28 + 1, tags="essai")
        if n == 37:
            text = text.replace("Date: 2016-06-", "Date: 2016-13-")
        (project / "content" / "posts" / f"essai-{n:02d}.md").write_text(text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    assert len(problems) == 1 and problems[0].startswith("content/posts/essai-37.md:2:1: ")
    assert not (project / "output").exists()
    assert not list(project.glob(".output.build-*"))


def test_pagination_of_similar_tags_cannot_collide(new_project):
    """Page 2 of tag `a1` and tag `a12` live in different folders (Pelican's default would collide)."""
    project = new_project()
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write("\nDEFAULT_PAGINATION = 5\n")
    for n in range(1, 25):
        tag = "a1" if n <= 12 else "a12"
        (project / "content" / "posts" / f"essai-{n:02d}.md").write_text(
            GOOD_POST.format(n=n, day=n, tags=tag), encoding="utf-8"
        )
    out = build(project)
    for tag in ("a1", "a12"):
        for page in ("index.html", "page/2/index.html", "page/3/index.html"):
            assert (out / "etiquette" / tag / page).is_file(), f"{tag}/{page}"

    def titles(path: str) -> set[str]:
        """Return the numbers of the articles a listing page links to."""
        links = (
            re.fullmatch(r"Article (\d+)", a.get_text(strip=True)) for a in soup(out / "etiquette" / path).find_all("a")
        )
        return {link.group(1) for link in links if link}

    assert titles("a1/page/2/index.html") == {"7", "6", "5", "4", "3"}
    assert titles("a12/page/2/index.html") == {"19", "18", "17", "16", "15"}
    assert titles("a12/page/3/index.html") == {"14", "13"}
