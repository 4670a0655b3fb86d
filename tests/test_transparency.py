"""The public data page and downloads hold every figure; summaries never cut a chart."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
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
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=dev_site / DATA / "instantanes", capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_data_page_charts_every_metric_and_shows_a_latest_value_its_change_and_source(dev_site):
    page = soup(dev_site / "transparence" / "index.html")
    text = " ".join(page.get_text().split())
    metrics = yaml.safe_load((ROOT / "stats" / "metrics.yaml").read_text(encoding="utf-8"))
    for metric in metrics.values():
        assert metric["label"] in text
    assert "≥ 145 000" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "depuis 30 nov. 2016" in text.replace("\u00a0", " ")  # change since the previous figure
    assert "« Réseaux et mouvements », bilan de l'équipe numérique" in text
    assert len(page.select(".ts-chart")) == len(metrics)


def test_new_figures_feed_has_an_entry_per_snapshot(dev_site):
    feed = ET.parse(dev_site / "transparence" / "nouveaux-chiffres.atom.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(list((ROOT / "stats" / "snapshots").glob("*.yaml")))


def test_a_chart_at_the_top_of_a_post_without_summary_is_left_out_of_summaries(new_project):
    project = new_project()
    (project / "content" / "posts" / "zz-graphique.md").write_text(
        "Title: Graphique en tête\nDate: 2017-02-01 10:00\nCategory: Essais\nTags: essai\nSlug: graphique-en-tete\n\n"
        "```chart\nmetrics: youtube.subscribers\n```\n\n" + "Un texte assez long pour être tronqué. " * 30 + "\n\n"
        + "```chart\nmetrics: [youtube.subscribers, twitter.followers, facebook.followers]\ntype: latest\n```\n\n" * 4,
        encoding="utf-8",
    )
    out = build(project)
    for listing in ("index.html", "categorie/essais/index.html", "etiquette/essai/index.html"):
        html = (out / listing).read_text(encoding="utf-8")
        assert "Un texte assez long" in html, listing
        assert "ts-chart" not in html and "application/json" not in html, listing
        assert "plotly" not in html, listing
    article = soup(out / "2017" / "02" / "graphique-en-tete" / "index.html")
    assert len(article.select(".ts-chart")) == 5
    assert any("plotly-basic" in tag["data-plotly"] for tag in article.find_all(attrs={"data-plotly": True}))
    assert "Lecture\u00a0: 1\u00a0min" in article.get_text()  # 210 words: charts are not counted as reading
