"""Figures in the demo post's text: links to their sources, dated by the post, changed only by a correction."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_helpers import build, digests, invoke, problem_lines, run_build, soup

pytestmark = pytest.mark.slow

POST = Path("content/posts/2017-01-05-reseaux-et-mouvements.md")
PAGE = Path("2017/01/reseaux-et-mouvements/index.html")


@pytest.fixture(scope="module")
def built_project(new_project) -> Path:
    """A copy of the project, built once successfully."""
    project = new_project()
    build(project)
    return project


def figures(project: Path) -> list[tuple[str, str]]:
    """Return every figure of the demo post's text: its words and its link."""
    page = soup(project / "output" / PAGE)
    return [(a.get_text(), a["href"]) for a in page.select(".post-content a.ts-figure")]


def chart_data(project: Path) -> list[str]:
    """Return the chart JSON of the demo post, in order."""
    page = soup(project / "output" / PAGE)
    return [script.get_text() for script in page.select("script[type='application/json']")]


def test_the_demo_post_takes_its_figures_from_the_data_as_links_to_their_pages(built_project):
    found = figures(built_project)
    assert len(found) >= 35
    assert ("au moins 145\u202f000", "/transparence/youtube.subscribers/") in found
    assert ("au moins 7\u00a0fois plus", "/transparence/youtube.subscribers/") in found
    assert ("environ 60\u00a0millions", "/transparence/facebook.reach/") in found
    page = soup(built_project / "output" / PAGE)
    first = page.select_one(".post-content a.ts-figure")
    source = first["title"]
    assert first["aria-label"] == source and source.startswith(first.get_text() + " (")
    assert "5\u00a0janv. 2017" in source and "source\u00a0: «\u00a0Réseaux et mouvements\u00a0»" in source
    description = page.select_one('meta[name="description"]')["content"]
    assert description.startswith("Soutiens (au moins 180 000), abonnés, vues")  # striptags makes spaces plain
    assert "bilan de l" not in description  # the figure's source is for the page, not the meta
    listing = soup(built_project / "output" / "index.html")
    assert listing.select_one("a.ts-figure[href='/transparence/network.supporters.total/']") is not None


def test_a_snapshot_dated_after_the_post_changes_none_of_its_figures_or_charts(built_project):
    before = (figures(built_project), chart_data(built_project))
    later = built_project / "stats" / "snapshots" / "2017-03-01-mars.yaml"
    later.write_text(
        "date: 2017-03-01\nsource: Bilan de mars\ntotals:\n"
        "  youtube.subscribers: 300000\n  twitter.followers: 1000000\n  network.supporters.total: 250000\n"
        "periods:\n  network.supporters.new:\n    2017-02: 30000\n",
        encoding="utf-8",
    )
    try:
        build(built_project)
        assert (figures(built_project), chart_data(built_project)) == before
        data_page = (built_project / "output" / "transparence" / "youtube.subscribers" / "index.html").read_text()
        assert "300\u202f000" in data_page  # the data page shows the newest figures
    finally:
        later.unlink()
        build(built_project)


def test_a_correction_changes_the_figure_in_the_text_marked_and_linked_without_editing_the_post(built_project):
    post = (built_project / POST).read_bytes()
    correction = built_project / "stats" / "snapshots" / "2017-02-01-correction.yaml"
    correction.write_text(
        "date: 2017-02-01\nsource: Correction de l'équipe numérique\ncorrections:\n"
        "  - {metric: youtube.subscribers, date: 2016-11-30, value: 81000, reason: Erreur de saisie}\n",
        encoding="utf-8",
    )
    try:
        build(built_project)
        found = figures(built_project)
        assert ("81\u202f000", "/transparence/youtube.subscribers/") in found
        assert ("80\u202f000", "/transparence/youtube.subscribers/") not in found
        page = soup(built_project / "output" / PAGE)
        (mark,) = page.select(".post-content a.ts-figure__corrected")
        assert mark.get_text() == "(chiffre corrigé)"
        assert mark["href"].startswith("/transparence/#correction-youtube.subscribers-2016-11-30-")
        anchor = mark["href"].split("#", 1)[1]
        assert soup(built_project / "output" / "transparence" / "index.html").find(id=anchor) is not None
        assert (built_project / POST).read_bytes() == post
    finally:
        correction.unlink()
        build(built_project)


def test_broken_figures_fail_the_build_all_at_once_one_line_each_and_stats_check_agrees(built_project):
    before = digests(built_project / "output")
    post = built_project / "content" / "posts" / "zz-figures.md"
    post.write_text(
        "Title: Chiffres\nDate: 2017-01-05\nCategory: Essais\nSummary: Déjà {{ youtube.subscriber }}.\n\n"
        "Début : {{ youtube.subscribers @ 2016-11-29 }}.\n"
        "Mois : {{ youtube.subscribers @ 2016-11 }} ; jour : {{ network.supporters.new @ 2016-12-05 }}.\n"
        "Écart : {{ network.supporters.new @ 2016-11 -> 2016-12-01..2016-12-23 }}.\n"
        "Rien : {{ }} et `{{ code }}` et {{ youtube.subscribers\n",
        encoding="utf-8",
    )
    try:
        result = run_build(built_project)
        check = invoke(built_project, "stats", "--check")
    finally:
        post.unlink()
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    expected = [
        ("4:15:", "unknown metric 'youtube.subscriber' — did you mean 'youtube.subscribers'?"),
        ("6:9:", "no figure of 'youtube.subscribers' on 2016-11-29 — the nearest figures are @ 2016-10-31 or @"),
        ("7:8:", "'youtube.subscribers' is a total, read on a day: 2016-11 is a period"),
        ("7:53:", "'network.supporters.new' counts over periods and has no count for the single day 2016-12-05"),
        ("8:9:", "the change of 'network.supporters.new' from 2016-11 to 2016-12-01..2016-12-23 cannot be stated"),
        ("9:8:", "empty figure {{ }}"),
        ("9:33:", "'{{' is never closed on its line"),
    ]
    for where, what in expected:
        assert any(p.startswith(f"content/posts/zz-figures.md:{where} {what}") for p in problems), (where, problems)
    assert len([p for p in problems if "zz-figures.md" in p]) == len(expected)
    assert digests(built_project / "output") == before
    assert check.returncode == 1
    for where, what in expected:
        assert f"content/posts/zz-figures.md:{where} {what}" in check.stdout + check.stderr


def test_figures_and_charts_that_follow_the_latest_data_say_when_it_was_updated(built_project):
    post = built_project / "content" / "posts" / "zz-latest.md"
    post.write_text(
        "Title: Suivi\nDate: 2016-12-01\nCategory: Essais\nSummary: Suivi.\n\n"
        "Sur Twitter, {{ twitter.followers @ latest }} abonnés ;"
        " fin novembre, {{ youtube.subscribers }} sur YouTube.\n\n"
        "```chart\nmetrics: youtube.subscribers\nto: latest\n```\n",
        encoding="utf-8",
    )
    try:
        build(built_project)
        page = soup(built_project / "output" / "2016" / "12" / "zz-latest" / "index.html")
    finally:
        post.unlink()
        build(built_project)
    words = [a.get_text() for a in page.select(".post-content a.ts-figure")]
    assert words == ["au moins 900\u202f000", "80\u202f000"]  # @ latest, then the latest known on 1 December
    assert page.select_one(".ts-figures-updated").get_text() == "Chiffres mis à jour le 5 janvier 2017."
    assert "au moins 145\u202f000" in page.select_one(".ts-chart__description").get_text()


def test_events_are_on_the_interactive_chart_its_images_and_under_it(built_project):
    page = soup(built_project / "output" / PAGE)
    (chart,) = [c for c in page.select(".ts-chart") if c.select_one(".ts-chart__events")]
    figure = chart.select_one("script[type='application/json']").get_text()
    assert '"text":"1"' in figure and '"text":"2"' in figure and '"x0":"2016-10-08"' in figure
    items = [li.get_text(" ", strip=True) for li in chart.select(".ts-chart__events li")]
    assert items[0].startswith("8\u00a0oct. 2016 — 1er\u00a0épisode de la «\u00a0Revue de la semaine\u00a0»")
    assert chart.select_one(".ts-chart__events a")["href"] == "https://youtu.be/ynfJBfJKzFw"
    folder = built_project / "output" / "transparence" / "graphique" / chart["id"]
    for image in ("graphique.svg", "graphique-etroit.svg"):
        svg = (folder / image).read_text(encoding="utf-8")
        assert svg.count('class="annotation-text"') == 2, image
        assert ">1</text>" in svg and ">2</text>" in svg, image
    data_page = soup(built_project / "output" / "transparence" / "index.html")
    assert data_page.select_one("#repere-revue-1 a")["href"] == "https://youtu.be/ynfJBfJKzFw"
    assert (
        (built_project / "output" / "transparence" / "donnees" / "reperes.csv")
        .read_text()
        .startswith("id,label,start,end,url,description\nrevue-1,")
    )


def test_citations_name_the_source_and_an_absolute_permalink_in_the_publish_build(publish_site):
    metric = soup(publish_site / "transparence" / "youtube.subscribers" / "index.html")
    text = metric.select_one(".ts-cite__text").get_text()
    assert text.startswith("L'Avenir en commun — le blog de campagne, «\u00a0Abonnés YouTube\u00a0», chiffres au 23")
    assert text.endswith(", https://blog.example-campagne.fr/transparence/youtube.subscribers/")
    assert (
        "url = {https://blog.example-campagne.fr/transparence/youtube.subscribers/}"
        in metric.select_one(".ts-cite__bibtex").get_text()
    )
    embed = soup(publish_site / "transparence" / "graphique" / "graphique-reseaux-et-mouvements-2" / "index.html")
    assert "https://blog.example-campagne.fr/2017/01/reseaux-et-mouvements/#graphique-reseaux-et-mouvements-2" in (
        embed.select_one(".ts-cite__text").get_text()
    )


def test_feeds_carry_each_figure_as_its_words_with_the_same_link(publish_site):
    import xml.etree.ElementTree as ET

    from bs4 import BeautifulSoup

    atom_ns = "{http://www.w3.org/2005/Atom}"
    atom = ET.parse(publish_site / "flux" / "tous.atom.xml").getroot()
    (entry,) = [
        e for e in atom.iter(f"{atom_ns}entry") if "reseaux-et-mouvements" in e.find(f"{atom_ns}link").get("href")
    ]
    content = BeautifulSoup(entry.findtext(f"{atom_ns}content"), "html.parser")
    links = content.select("a.ts-figure")
    assert len(links) >= 40
    first = links[0]
    assert first["href"] == "https://blog.example-campagne.fr/transparence/network.supporters.total/"
    assert first.get_text() == "au moins 180\u202f000" and "ts-figure hidden" not in str(content)
    rss = ET.parse(publish_site / "flux" / "tous.rss.xml").getroot()
    (item,) = [i for i in rss.iter("item") if "reseaux-et-mouvements" in i.findtext("link")]
    summary = BeautifulSoup(item.findtext("description"), "html.parser")
    assert summary.select_one("a.ts-figure").get_text() == "au moins 180\u202f000"
