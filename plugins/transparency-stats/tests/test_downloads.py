"""Machine-readable downloads: CSV, JSON and sha256sum lists."""

import csv
import io
import json
import shutil
import subprocess

import pytest

from factories import FANS, FOLLOWERS, VISITS, D, chart, monthly, observation, snapshot, stats_data
from transparency_stats.charts.selection import chart_observations
from transparency_stats.pages.downloads import OBSERVATION_FIELDS, observations_csv, observations_json, sha256sums
from transparency_stats.stats.model import Metric


def figures():
    """Return stats with a total, a bounded decimal and a period, over three snapshots."""
    twitter = snapshot(D(2017, 2, 6), "Twitter Analytics", None, note="relevé à la main")
    return stats_data(
        [FANS, FOLLOWERS, VISITS],
        monthly("fb_fans", 2)
        + [
            observation("tw_followers", D(2017, 2, 5), 2.5, "about", read_in=twitter),
            observation("site_visits", D(2016, 12, 1), 61000, "at_least", end=D(2016, 12, 23)),
        ],
    )


def read_csv(text):
    """Return the CSV's rows as dicts, checking its header."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == OBSERVATION_FIELDS
    return list(reader)


def test_the_fields_are_fixed():
    assert OBSERVATION_FIELDS == [
        "metric", "label", "platform", "unit", "kind", "start", "end",
        "value", "bound", "source", "url", "snapshot", "snapshot_sha256", "note", "corrected_by",
    ]  # fmt: skip


def test_csv_rows_hold_plain_numbers_iso_dates_and_their_snapshot():
    stats = figures()
    rows = read_csv(observations_csv(stats, [o for m in stats.metrics for o in stats.observations[m]]))
    assert [(r["metric"], r["start"], r["end"], r["value"], r["bound"]) for r in rows] == [
        ("fb_fans", "2017-01-05", "2017-01-05", "100000", "exact"),
        ("fb_fans", "2017-02-05", "2017-02-05", "104500", "exact"),
        ("tw_followers", "2017-02-05", "2017-02-05", "2.5", "about"),
        ("site_visits", "2016-12-01", "2016-12-23", "61000", "at_least"),
    ]
    first, decimal = rows[0], rows[2]
    assert first["label"] == "Abonnés Facebook" and first["kind"] == "total" and first["unit"] == "abonnés"
    assert first["source"] == "Facebook Insights" and first["url"] == "https://www.facebook.com/insights"
    assert first["snapshot"] == "2017-01-05.yaml"
    assert first["snapshot_sha256"] == stats.observations["fb_fans"][0].snapshot.sha256
    assert decimal["url"] == ""


def test_a_whole_float_is_written_as_an_integer():
    stats = stats_data([FANS], [observation("fb_fans", D(2017, 1, 5), 145000.0)])
    assert read_csv(observations_csv(stats, stats.observations["fb_fans"]))[0]["value"] == "145000"


def test_csv_quotes_what_needs_quoting():
    odd = Metric("odd", 'Likes, "partages"\net plus', "total")
    stats = stats_data([odd], [observation("odd", D(2017, 1, 5), 1)])
    assert read_csv(observations_csv(stats, stats.observations["odd"]))[0]["label"] == 'Likes, "partages"\net plus'


def test_an_empty_selection_is_just_the_header():
    assert observations_csv(figures(), []) == ",".join(OBSERVATION_FIELDS) + "\r\n"


def test_chart_observations_are_what_the_chart_plots():
    stats = stats_data([FANS, FOLLOWERS], monthly("fb_fans", 4) + monthly("tw_followers", 4))
    spec = chart("tw_followers", "fb_fans", start=D(2017, 2, 1), end=D(2017, 3, 31))
    assert [(o.metric, o.start) for o in chart_observations(spec, stats)] == [
        ("tw_followers", D(2017, 2, 5)),
        ("tw_followers", D(2017, 3, 5)),
        ("fb_fans", D(2017, 2, 5)),
        ("fb_fans", D(2017, 3, 5)),
    ]


def test_latest_chart_observations_are_each_metrics_last_figure():
    stats = stats_data([FANS, FOLLOWERS, VISITS], monthly("fb_fans", 4) + monthly("tw_followers", 2))
    spec = chart("fb_fans", "site_visits", "tw_followers", type="latest", end=D(2017, 3, 31))
    assert [(o.metric, o.start) for o in chart_observations(spec, stats)] == [
        ("fb_fans", D(2017, 3, 5)),
        ("tw_followers", D(2017, 2, 5)),
    ]


def test_json_holds_metrics_observations_and_snapshots():
    stats = figures()
    text = observations_json(stats)
    document = json.loads(text)
    assert list(document) == ["metrics", "observations", "snapshots", "corrections"]
    assert list(document["metrics"]) == ["fb_fans", "tw_followers", "site_visits"]
    assert document["metrics"]["fb_fans"] == {
        "label": "Abonnés Facebook",
        "kind": "total",
        "platform": "facebook",
        "unit": "abonnés",
        "description": None,
        "color": None,
        "decimals": 0,
    }
    assert [list(o) for o in document["observations"]] == [OBSERVATION_FIELDS] * 4
    assert [o["value"] for o in document["observations"]] == [100000, 104500, 2.5, 61000]
    assert document["snapshots"][0] == {
        "file": "2016-12-23.yaml",
        "date": "2016-12-23",
        "source": "Facebook Insights",
        "url": "https://www.facebook.com/insights",
        "note": None,
        "sha256": stats.snapshots[0].sha256,
    }
    assert document["snapshots"][-1]["note"] == "relevé à la main"
    assert "Abonnés" in text  # UTF-8, not \u escapes
    assert text.count('\n {"metric": ') == 4  # one observation a line, for diffs and grep


def test_sha256sums_lists_snapshots_by_file_name_not_by_date():
    late_name = snapshot(D(2017, 1, 1), filename="z-janvier.yaml")
    early_name = snapshot(D(2017, 2, 1), filename="a-fevrier.yaml")
    stats = stats_data(
        [FANS],
        [
            observation("fb_fans", D(2017, 1, 1), 1, read_in=late_name),
            observation("fb_fans", D(2017, 2, 1), 2, read_in=early_name),
        ],
    )
    assert sha256sums(stats) == f"{early_name.sha256}  a-fevrier.yaml\n{late_name.sha256}  z-janvier.yaml\n"


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU sha256sum")
@pytest.mark.parametrize("odd_name", ["plain.yaml", "back\\slash.yaml", "new\nline.yaml"])
def test_sha256sum_checks_the_published_files(tmp_path, odd_name):
    stats = stats_data(
        [FANS], [observation("fb_fans", D(2017, 1, 5), 1, read_in=snapshot(D(2017, 1, 5), filename=odd_name))]
    )
    for s in stats.snapshots:
        (tmp_path / s.filename).write_bytes(s.data)
    (tmp_path / "SHA256SUMS").write_text(sha256sums(stats), encoding="utf-8")
    done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / odd_name).write_bytes(b"tampered")
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True).returncode != 0


def corrected_stats():
    """Return stats where a later snapshot corrected the fans of 2016-12-23 from 100 000 to 101 000."""
    from transparency_stats.stats.model import Correction, Observation, Value

    old = observation("fb_fans", D(2016, 12, 23), 100000)
    fixer = snapshot(D(2017, 1, 5), filename="2017-01-05.yaml")
    new = Observation("fb_fans", D(2016, 12, 23), D(2016, 12, 23), Value(101000), fixer, 7, "Erreur de saisie")
    stats = stats_data([FANS], [new, observation("fb_fans", D(2017, 1, 5), 104500, read_in=fixer)])
    return type(stats)(
        stats.metrics,
        stats.snapshots,
        stats.observations,
        stats.fingerprint,
        (Correction(old, new, "Erreur de saisie"),),
    )


def test_exports_keep_the_corrected_figure_beside_its_correction():
    from transparency_stats.pages.downloads import data_files

    files = data_files(corrected_stats())
    rows = list(csv.DictReader(io.StringIO(files["observations.csv"].decode())))
    assert [(r["start"], r["value"], r["snapshot"], r["note"], r["corrected_by"]) for r in rows] == [
        ("2016-12-23", "100000", "2016-12-23.yaml", "", "2017-01-05.yaml"),
        ("2016-12-23", "101000", "2017-01-05.yaml", "Erreur de saisie", ""),
        ("2017-01-05", "104500", "2017-01-05.yaml", "", ""),
    ]
    assert files["metriques/fb_fans.csv"] == files["observations.csv"]
    (correction,) = json.loads(files["observations.json"])["corrections"]
    assert correction == {
        "metric": "fb_fans",
        "start": "2016-12-23",
        "end": "2016-12-23",
        "old_value": 100000,
        "old_bound": "exact",
        "new_value": 101000,
        "new_bound": "exact",
        "reason": "Erreur de saisie",
        "corrected_snapshot": "2016-12-23.yaml",
        "snapshot": "2017-01-05.yaml",
        "date": "2017-01-05",
    }
