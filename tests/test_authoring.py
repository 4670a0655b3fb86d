"""The volunteers' path through invoke's real entry point on a copy of the demo site: record, import, check, draft."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_helpers import ROOT, invoke, soup

pytestmark = pytest.mark.slow


@pytest.fixture
def project(new_project) -> Path:
    """A fresh copy of the demo site."""
    return new_project("site")


def chart_values(page: Path, title: str) -> list:
    """Return every y (or x, for bars across) value plotted by the chart titled `title` on a built page."""
    for figure in soup(page).select("figure.ts-chart"):
        if figure.select_one(".ts-chart__title").get_text() == title:
            data = json.loads(figure.select_one("script[type='application/json']").string)
            return [
                v
                for trace in data["data"]
                for v in trace.get("y", []) + trace.get("x", [])
                if isinstance(v, int | float)
            ]
    raise AssertionError(f"no chart titled {title!r} on {page}")


def test_a_newcomer_records_a_figure_and_sees_it_in_a_chart(project):
    recorded = invoke(
        project,
        "snapshot",
        "--date",
        "2017-01-10",
        "--source",
        "Bilan hebdomadaire",
        "--set",
        "youtube.subscribers=210000",
        "--set",
        "twitter.followers>=950000",
    )
    assert recorded.returncode == 0, recorded.stderr
    assert "Created stats/snapshots/2017-01-10.yaml" in recorded.stdout
    assert "Abonnés YouTube\u00a0: 210\u202f000 (10 janv. 2017)" in recorded.stdout
    written = (project / "stats" / "snapshots" / "2017-01-10.yaml").read_text(encoding="utf-8")
    assert "#" not in written and "youtube.subscribers: 210000" in written
    built = invoke(project, "build")
    assert built.returncode == 0, built.stderr
    metric_page = project / "output" / "transparence" / "youtube.subscribers" / "index.html"
    assert 210000 in chart_values(metric_page, "Abonnés YouTube")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date", "2017-01-10", "--source", "S", "--set", "youtube.subscribers=210.000"], "'210.000' is ambiguous"),
        (
            ["--date", "2017-01-10", "--source", "S", "--set", "youtube.subscriber=5"],
            "did you mean 'youtube.subscribers'?",
        ),
        (["--date", "2017-01-10", "--set", "youtube.subscribers=5"], "--source is missing"),
        (["--source", "S", "--set", "youtube.subscribers=5"], "--date is missing"),
        (
            ["--date", "2017-01-10", "--source", "S", "--set", "youtube.subscribers"],
            "not a figure — write METRIC=VALUE",
        ),
    ],
)
def test_a_bad_figure_writes_nothing_and_says_why_in_one_line(project, args, message):
    before = sorted(p.name for p in (project / "stats" / "snapshots").iterdir())
    result = invoke(project, "snapshot", *args)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (project / "stats" / "snapshots").iterdir()) == before


def test_a_fall_is_written_only_when_confirmed(project):
    args = ["snapshot", "--date", "2017-01-10", "--source", "S", "--set", "twitter.followers=890000"]
    refused = invoke(project, *args)  # not at a terminal, no --yes
    assert refused.returncode == 1 and "a figure goes down" in refused.stderr
    assert not (project / "stats" / "snapshots" / "2017-01-10.yaml").exists()
    accepted = invoke(project, *args, "--yes")
    assert accepted.returncode == 0, accepted.stderr
    assert (project / "stats" / "snapshots" / "2017-01-10.yaml").exists()


def test_a_collapse_needs_its_reason(project):
    args = ["snapshot", "--date", "2017-01-10", "--source", "S", "--set", "twitter.followers=210", "--yes"]
    refused = invoke(project, *args)
    assert refused.returncode == 1 and "less than half" in refused.stderr and "--fall" in refused.stderr
    accepted = invoke(project, *args, "--fall", "twitter.followers=Compte suspendu puis rétabli")
    assert accepted.returncode == 0, accepted.stderr
    assert invoke(project, "build").returncode == 0


def test_the_template_without_figures_cannot_be_published_unfilled(project):
    assert invoke(project, "snapshot", "--date", "2017-01-10").returncode == 0
    built = invoke(project, "build")
    assert built.returncode == 1
    assert "stats/snapshots/2017-01-10.yaml:1:1: this line is still the template's instruction" in built.stderr
    assert "still the template's placeholder" in built.stderr


def test_a_csv_is_imported_after_every_row_is_checked(project, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,metric,value\n2017-01-10,youtube.subscribers,210.000\n2017-01-11,youtube.subscriber,3\n")
    refused = invoke(project, "import-stats", str(bad), "--source", "Export")
    assert refused.returncode == 1
    assert [line.split(": ")[0] for line in refused.stderr.splitlines()[:2]] == [f"{bad}:2:3", f"{bad}:3:2"]
    good = tmp_path / "good.csv"
    good.write_text(
        "Jour,Indicateur,Valeur\n2017-01-10,youtube.subscribers,210000\n2017-01-12,twitter.followers,950000\n"
    )
    args = ["import-stats", str(good), "--source", "Export", "--columns", "date=Jour,metric=Indicateur,value=Valeur"]
    dry = invoke(project, *args, "--dry-run")
    assert dry.returncode == 0 and "Dry run: nothing was written." in dry.stdout
    assert not (project / "stats" / "snapshots" / "2017-01-10-import.yaml").exists()
    done = invoke(project, *args)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (project / "stats" / "snapshots").glob("*-import.yaml")} == {
        "2017-01-10-import.yaml",
        "2017-01-12-import.yaml",
    }


def test_a_metric_is_added_then_recorded(project):
    catalogue = project / "stats" / "metrics.yaml"
    before = catalogue.read_text(encoding="utf-8")
    added = invoke(
        project,
        "metric",
        "instagram.followers",
        "--label",
        "Abonnés Instagram",
        "--kind",
        "total",
        "--platform",
        "Instagram",
    )
    assert added.returncode == 0, added.stderr
    assert catalogue.read_text(encoding="utf-8").startswith(before)
    again = invoke(project, "metric", "instagram.followers", "--label", "X", "--kind", "total")
    assert again.returncode == 1 and "already exists" in again.stderr
    recorded = invoke(project, "snapshot", "--date", "2017-01-10", "--source", "S", "--set", "instagram.followers=1200")
    assert recorded.returncode == 0, recorded.stderr


def test_stats_check_is_quick_and_fails_on_any_problem(project):
    ok = invoke(project, "stats", "--check")
    assert ok.returncode == 0 and ok.stdout.startswith("OK:"), ok.stderr
    summary = invoke(project, "stats")
    assert summary.returncode == 0 and "youtube.subscribers · ≥\u00a0145\u202f000 (23 déc. 2016)" in summary.stdout
    post = project / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("metrics: youtube.subscribers\n", "metrics: youtube.subscriber\n", 1),
        encoding="utf-8",
    )
    broken = invoke(project, "stats", "--check")
    assert broken.returncode == 1 and "content/posts/2017-01-05-reseaux-et-mouvements.md:" in broken.stderr


def test_a_new_post_is_a_draft_previewed_but_never_published(project):
    made = invoke(project, "new-post", "Notre meeting à Lyon : 12 000 personnes !", "--tags", "meeting, lyon")
    assert made.returncode == 0, made.stderr
    path = project / made.stdout.strip()
    assert path.parent == project / "content" / "posts"
    assert path.name.endswith("-notre-meeting-a-lyon-12-000-personnes.md")
    assert "Status: draft" in path.read_text(encoding="utf-8")
    assert invoke(project, "new-post", "Notre meeting à Lyon : 12 000 personnes !").returncode == 1  # never overwrites
    assert invoke(project, "build").returncode == 0
    draft = project / "output" / "brouillons" / "notre-meeting-a-lyon-12-000-personnes" / "index.html"
    page = soup(draft)
    assert page.select_one("meta[name=robots]")["content"] == "noindex"
    assert "Brouillon" in page.select_one(".draft-notice").get_text()
    assert "notre-meeting" in (project / "output" / "brouillons" / "index.html").read_text(encoding="utf-8")
    assert invoke(project, "preview").returncode == 0
    published = [p for p in (project / "output").rglob("*") if p.is_file()]
    assert not any("brouillons" in p.parts or b"notre-meeting" in p.read_bytes() for p in published)


def test_a_post_saved_anywhere_under_content_is_published_and_a_stray_file_fails(project):
    (project / "content" / "billet.md").write_text(
        "Title: Un billet égaré\nDate: 2017-01-06\n\nTexte.\n", encoding="utf-8"
    )
    assert invoke(project, "build").returncode == 0
    assert (project / "output" / "2017" / "01" / "billet" / "index.html").is_file()
    (project / "content" / "notes.txt").write_text("x")
    failed = invoke(project, "build")
    assert failed.returncode == 1 and "content/notes.txt:1:1: this file is not part of the site" in failed.stderr


@pytest.mark.parametrize(
    "header, message",
    [
        ("Date: 03/02/2017", "content/posts/2017-01-06-x.md:2:7: Date '03/02/2017' is not written YYYY-MM-DD"),
        (
            "Date: 2017-01-06\nSummary: À compléter : une phrase",
            "content/posts/2017-01-06-x.md:3:10: the summary is still the template's placeholder",
        ),
    ],
)
def test_an_ambiguous_date_or_a_placeholder_summary_fails(project, header, message):
    (project / "content" / "posts" / "2017-01-06-x.md").write_text(f"Title: X\n{header}\n\nTexte.\n", encoding="utf-8")
    failed = invoke(project, "build")
    assert failed.returncode == 1 and message in failed.stderr, failed.stderr
    assert "Done: Processed" not in failed.stdout + failed.stderr


def test_a_post_without_a_date_takes_its_file_names_or_says_how(project):
    (project / "content" / "posts" / "2017-01-06-sans-date.md").write_text(
        "Title: Sans date\n\nTexte.\n", encoding="utf-8"
    )
    assert invoke(project, "build").returncode == 0
    (project / "content" / "posts" / "sans-date-ni-nom.md").write_text("Title: Rien\n\nTexte.\n", encoding="utf-8")
    failed = invoke(project, "build")
    assert failed.returncode == 1
    assert "content/posts/sans-date-ni-nom.md:1:1: this post has no date — add a line like 'Date:" in failed.stderr
    assert "Skipping" not in failed.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["stats", "--days", "abc"], "--days 'abc': not a whole number"),
        (["metric", "a.b", "--label", "A", "--kind", "total", "--decimals", "x"], "--decimals 'x': not a whole number"),
        (["import-stats", "absent.csv", "--source", "S"], "absent.csv: cannot read this file (FileNotFoundError)"),
        (["new-post", " "], "give the post's title"),
    ],
)
def test_bad_options_get_one_line_and_no_traceback(project, args, message):
    result = invoke(project, *args)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_mistyped_port_gets_one_line(project):
    result = invoke(project, "serve", "--port", "80a")
    assert result.returncode == 1 and "--port '80a': not a port" in result.stderr and "Traceback" not in result.stderr


def test_stats_check_reads_every_markdown_file_the_build_reads(tmp_path):
    """A post saved as .markdown or .mkd is built, so `invoke stats --check` checks its charts too."""
    from pelican.readers import MarkdownReader

    from tools import authoring

    shutil.copytree(ROOT / "stats", tmp_path / "stats")
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    for extension in ("markdown", "mkd"):
        (posts / f"a.{extension}").write_text("Title: A\n\n```chart\nmetrics: youtube.subscriber\n```\n")
    assert {"markdown", "mkd"} <= set(MarkdownReader.file_extensions)
    assert authoring.stats(tmp_path, check=True) == 1
