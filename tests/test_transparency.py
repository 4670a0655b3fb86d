"""The public data page and downloads hold every figure; summaries never cut a chart."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from html import unescape as html_unescape
from pathlib import Path

import pytest
import yaml

from site_helpers import ROOT, build, soup

pytestmark = pytest.mark.slow

DATA = "transparence/donnees"


def figures_in_snapshots() -> set[tuple[str, str]]:
    """Read every (metric, date or period) straight from the YAML, independently of the plugin."""
    found = set()
    for path in (ROOT / "stats" / "snapshots").glob("*.yaml"):
        snapshot = yaml.safe_load(path.read_text(encoding="utf-8"))
        for metric in snapshot.get("totals") or {}:
            found.add((metric, str(snapshot["date"])))
        for metric, periods in (snapshot.get("periods") or {}).items():
            for period in periods:
                found.add((metric, str(period)))
    return found


def csv_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def as_key(row: dict) -> tuple[str, str]:
    """Turn a CSV row back into the (metric, date-or-period) it came from."""
    start, end = row["start"], row["end"]
    if start == end:
        return row["metric"], start
    if start.endswith("-01") and end[:7] == start[:7]:
        import calendar

        year, month = int(start[:4]), int(start[5:7])
        if int(end[8:]) == calendar.monthrange(year, month)[1]:
            return row["metric"], start[:7]
    return row["metric"], f"{start}..{end}"


def test_tidy_csv_and_json_hold_every_observation(dev_site):
    expected = figures_in_snapshots()
    rows = csv_rows(dev_site / DATA / "observations.csv")
    assert {as_key(r) for r in rows} == expected
    assert len(rows) == len(expected)
    document = json.loads((dev_site / DATA / "observations.json").read_text(encoding="utf-8"))
    assert {as_key(o) for o in document["observations"]} == expected


def test_per_metric_csvs_add_up_to_the_tidy_csv(dev_site):
    tidy = csv_rows(dev_site / DATA / "observations.csv")
    per_metric = [row for path in sorted((dev_site / DATA / "metriques").glob("*.csv")) for row in csv_rows(path)]
    assert sorted(map(as_key, per_metric)) == sorted(map(as_key, tidy))


def test_snapshot_files_are_published_as_they_are(dev_site):
    for path in (ROOT / "stats" / "snapshots").glob("*.yaml"):
        assert (dev_site / DATA / "instantanes" / path.name).read_bytes() == path.read_bytes()
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"],
        cwd=dev_site / DATA / "instantanes",
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def metrics_with_figures() -> dict[str, int]:
    """Return how many figures each metric has, read straight from the YAML."""
    counts: dict[str, int] = {}
    for metric, _ in figures_in_snapshots():
        counts[metric] = counts.get(metric, 0) + 1
    return counts


def page_text(path: Path) -> str:
    """Return a page's text, its spaces (no-break ones too) as plain spaces."""
    text = " ".join(soup(path).get_text().split())
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_data_page_is_an_overview_linking_every_metric_to_its_page(dev_site):
    html = (dev_site / "transparence" / "index.html").read_text(encoding="utf-8")
    text = page_text(dev_site / "transparence" / "index.html")
    metrics = yaml.safe_load((ROOT / "stats" / "metrics.yaml").read_text(encoding="utf-8"))
    counts = metrics_with_figures()
    for metric_id, metric in metrics.items():
        assert metric["label"] in text
        assert f'<a href="/transparence/{metric_id}/">' in html, metric_id
    assert "≥ 145 000" in text
    assert "depuis 30 nov. 2016" in text  # change since the previous figure
    assert 'class="ts-chart"' not in html and "plotly" not in html  # no chart: sparklines, drawn by the build
    assert html.count('<svg class="sparkline"') == sum(1 for n in counts.values() if n > 1)
    feed = dev_site / "transparence" / "nouveaux-chiffres.atom.xml"
    assert feed.read_text(encoding="utf-8").count("<entry>") == len(list((ROOT / "stats" / "snapshots").glob("*.yaml")))
    assert 'href="/transparence/nouveaux-chiffres.atom.xml"' in html and "Corrections" in text
    assert 'href="/transparence/donnees/observations.csv"' in html


def test_each_metric_page_has_its_figures_sources_chart_and_csv(dev_site):
    metrics = yaml.safe_load((ROOT / "stats" / "metrics.yaml").read_text(encoding="utf-8"))
    for metric_id, count in metrics_with_figures().items():
        page = dev_site / "transparence" / metric_id / "index.html"
        html = page.read_text(encoding="utf-8")
        text = page_text(page)
        assert metrics[metric_id]["label"] in text
        if metrics[metric_id].get("description"):
            assert " ".join(metrics[metric_id]["description"].split()) in text
        # a chart only when there is something to draw: one figure is shown as the figure itself
        assert html.count('class="ts-chart"') == (1 if count > 1 else 0), metric_id
        assert ("plotly" in html) == (count > 1), metric_id
        rows = csv_rows(dev_site / DATA / "metriques" / f"{metric_id}.csv")
        assert html.count('<td class="sources-table__file">') == len(rows) == count, metric_id
        for row in rows:
            assert f'href="/transparence/donnees/instantanes/{row["snapshot"]}"' in html
            assert row["source"] in text
        assert f'href="/transparence/donnees/metriques/{metric_id}.csv"' in html
        assert f'<link rel="canonical" href="/transparence/{metric_id}/">' in html


def test_new_figures_feed_has_an_entry_per_snapshot(dev_site):
    feed = ET.parse(dev_site / "transparence" / "nouveaux-chiffres.atom.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(list((ROOT / "stats" / "snapshots").glob("*.yaml")))


def test_a_chart_at_the_top_of_a_post_without_summary_is_left_out_of_summaries(new_project):
    project = new_project()
    (project / "content" / "posts" / "zz-graphique.md").write_text(
        "Title: Graphique en tête\nDate: 2017-02-01 10:00\nCategory: Essais\nTags: essai\nSlug: graphique-en-tete\n\n"
        "```chart\nmetrics: youtube.subscribers\n```\n\n"
        + "Un texte assez long pour être tronqué. " * 30
        + "\n\n"
        + "```chart\nmetrics: [youtube.subscribers, twitter.followers, facebook.followers]\ntype: latest\n```\n\n" * 4,
        encoding="utf-8",
    )
    out = build(project)
    for listing in ("index.html", "categorie/essais/index.html", "etiquette/essai/index.html"):
        html = (out / listing).read_text(encoding="utf-8")
        assert "Un texte assez long" in html, listing
        assert "ts-chart" not in html and "application/json" not in html, listing
        assert "plotly" not in html, listing
    article = (out / "2017" / "02" / "graphique-en-tete" / "index.html").read_text(encoding="utf-8")
    assert article.count('class="ts-chart"') == 5 and "plotly-basic" in article
    assert "Lecture\u00a0: 1\u00a0min" in article  # 210 words: charts are not counted as reading
    # No Summary: the page is described by its first chart's sentence; listings keep the text.
    first_sentence = re.search(r'<p class="ts-chart__description" id="[^"]+">([^<]+)</p>', article)[1]
    assert first_sentence.startswith("Abonnés YouTube\u00a0: de 20\u202f000 le 1er sept. 2016 à au moins 145\u202f000")
    meta = dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', article))
    assert meta["description"] == meta["og:description"] == meta["twitter:description"] == html_unescape(first_sentence)
    assert "Un texte assez long" not in meta["description"]
