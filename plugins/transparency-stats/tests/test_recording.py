"""Recording figures without YAML: --set arguments, CSV imports and new metrics, checked as a build checks them."""

from __future__ import annotations

import datetime as dt

import pytest

from transparency_stats.authoring.catalogue_edit import add_metric
from transparency_stats.authoring.recording import (
    FigureInput,
    UsageError,
    changes,
    check_new_files,
    csv_columns,
    csv_location,
    describe,
    import_plan,
    parse_set,
    read_csv_figures,
    snapshot_text,
    write_new_files,
)
from transparency_stats.authoring.report import check_posts, metric_reports, monthly_gaps, report_line
from transparency_stats.errors import StatsError
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import Value

D = dt.date
FIRST = "date: 2016-12-23\nsource: YouTube Studio\ntotals:\n  youtube.subscribers: 145000\n"


@pytest.mark.parametrize(
    "text, figure",
    [
        ("youtube.subscribers=210000", FigureInput("youtube.subscribers", "210000")),
        ("twitter.followers>=950000", FigureInput("twitter.followers", "950000", "at_least")),
        ("facebook.reach~60000000", FigureInput("facebook.reach", "60000000", "about")),
        ("network.supporters.new:2017-01=25000", FigureInput("network.supporters.new", "25000", "exact", "2017-01")),
        (
            " site.visits:2017-01-01..2017-01-15 >= 12 ",
            FigureInput("site.visits", "12", "at_least", "2017-01-01..2017-01-15"),
        ),
    ],
)
def test_set_arguments_read_as_figures(text, figure):
    assert parse_set(text) == figure


@pytest.mark.parametrize("text", ["youtube.subscribers", "=5", "youtube.subscribers=", "a b=3"])
def test_a_set_argument_that_is_not_a_figure_says_how_to_write_one(text):
    with pytest.raises(UsageError, match="not a figure — write METRIC=VALUE, like youtube.subscribers=210000"):
        parse_set(text)


def test_a_snapshot_is_written_clean_and_loads_as_typed(make_stats):
    figures = [
        parse_set(t)
        for t in (
            "youtube.subscribers=210000",
            "twitter.followers>=950000",
            "site.visits:2017-01=25000",
            "site.visits:2017-02-01..2017-02-15~900",
        )
    ]
    text = snapshot_text(D(2017, 2, 15), 'Bilan « hebdo » : "fin"', figures, url="https://exemple.fr/a", note="Relu")
    assert "#" not in text
    stats = make_stats({"a.yaml": FIRST})
    data = check_new_files(stats, {"2017-02-15.yaml": text})
    snapshot = data.snapshots[-1]
    assert (snapshot.source, snapshot.url, snapshot.note) == ('Bilan « hebdo » : "fin"', "https://exemple.fr/a", "Relu")
    assert [o.value for o in data.observations["site.visits"]] == [Value(25000), Value(900, "about")]
    assert not (stats / "snapshots" / "2017-02-15.yaml").exists()  # checking writes nothing


def test_a_bad_figure_is_reported_with_the_builds_own_message(make_stats):
    stats = make_stats({"a.yaml": FIRST})
    text = snapshot_text(D(2017, 2, 1), "Bilan", [parse_set("youtube.subscribers=210.000")])
    with pytest.raises(StatsError) as caught:
        check_new_files(stats, {"2017-02-01.yaml": text})
    assert str(caught.value).startswith("stats/snapshots/2017-02-01.yaml:4:24: '210.000' is ambiguous")


def test_changes_say_the_previous_figure_and_spot_falls(make_stats):
    stats = make_stats({"a.yaml": FIRST})
    text = snapshot_text(
        D(2017, 2, 1), "Bilan", [parse_set("youtube.subscribers=140000"), parse_set("twitter.followers=5")]
    )
    data = check_new_files(stats, {"new.yaml": text})
    found = {c.new.metric: c for c in changes(data, {"new.yaml"})}
    assert found["youtube.subscribers"].is_fall and not found["twitter.followers"].is_fall
    assert describe(found["youtube.subscribers"], data) == (
        "YouTube subscribers\u00a0: 140\u202f000 (1er févr. 2017) — −\u00a05\u202f000 depuis 23 déc. 2016 (145\u202f000)"  # noqa: E501
    )
    assert describe(found["twitter.followers"], data).endswith("premier chiffre de cette métrique")


def test_new_files_are_created_exclusively(make_stats):
    stats = make_stats({"a.yaml": FIRST})
    with pytest.raises(UsageError, match="already exists"):
        write_new_files(stats, {"a.yaml": "date: 2017-01-01\n"})
    assert (stats / "snapshots" / "a.yaml").read_text() == FIRST


# CSV imports


CSV = (
    "date,metric,value,bound,start,end\n2017-02-01,youtube.subscribers,210000,,,\n"
    "2017-02-01,site.visits,900,about,2017-01-01,2017-01-31\n2017-02-08,twitter.followers,950000,at_least,,\n"
)


def test_a_csv_becomes_one_snapshot_per_date(make_stats):
    figures = read_csv_figures("chiffres.csv", CSV, csv_columns(""))
    files, _ = import_plan(figures, "Export", None, None)
    assert list(files) == ["2017-02-01-import.yaml", "2017-02-08-import.yaml"]
    assert "  site.visits:\n    2017-01: {about: 900}\n" in files["2017-02-01-import.yaml"]
    data = check_new_files(make_stats({"a.yaml": FIRST}), files)
    assert data.observations["twitter.followers"][0].value == Value(950000, "at_least")


def test_csv_columns_can_be_renamed():
    text = "Jour;x\n".replace(";", ",") + "2017-02-01,1\n"
    names = csv_columns("date=Jour, metric=Indicateur, value=Valeur")
    with pytest.raises(StatsError) as caught:
        read_csv_figures("c.csv", text, names)
    assert [str(e) for e in caught.value.errors] == [
        "c.csv:1:1: no column 'Indicateur' — add it to the header, or name it with --columns metric=…",
        "c.csv:1:1: no column 'Valeur' — add it to the header, or name it with --columns value=…",
    ]


def test_every_bad_row_is_named_by_line_and_column():
    text = (
        "date,metric,value,bound,start,end\n01/02/2017,a,1,,,\n2017-02-01,a,,,,\n2017-02-01,a,1,max,,\n"
        "2017-02-01,a,1,,2017-01-01,\n"
    )
    with pytest.raises(StatsError) as caught:
        read_csv_figures("c.csv", text, csv_columns(""))
    assert [str(e).split(" —")[0] for e in caught.value.errors] == [
        "c.csv:2:1: '01/02/2017' is not a date",
        "c.csv:3:3: the value cell is empty",
        "c.csv:4:4: bound 'max' is unknown",
        "c.csv:5:6: a period needs both start and end, end is empty",
    ]


def test_a_build_error_in_an_imported_figure_points_at_its_csv_cell(make_stats):
    text = "date,metric,value\n2017-02-01,youtube.subscribers,210.000\n2017-02-01,youtube.subscriber,3\n"
    figures = read_csv_figures("c.csv", text, csv_columns(""))
    files, origins = import_plan(figures, "Export", None, None)
    with pytest.raises(StatsError) as caught:
        check_new_files(make_stats({"a.yaml": FIRST}), files)
    located = [str(csv_location(e, "c.csv", origins)).split(" —")[0] for e in caught.value.errors]
    assert located == ["c.csv:2:3: '210.000' is ambiguous", "c.csv:3:2: unknown metric 'youtube.subscriber'"]


# New metrics


def test_a_metric_is_appended_without_reformatting_the_catalogue(make_stats):
    stats = make_stats({"a.yaml": FIRST})
    catalogue = stats / "metrics.yaml"
    before = catalogue.read_text()
    metric = add_metric(
        stats,
        "instagram.followers",
        "Abonnés Instagram",
        "total",
        platform="Instagram",
        description="Compte officiel : @jlm",
    )
    assert catalogue.read_text().startswith(before)
    assert (metric.label, metric.platform, metric.description) == (
        "Abonnés Instagram",
        "Instagram",
        "Compte officiel : @jlm",
    )
    assert "instagram.followers" in load_stats(stats).metrics


@pytest.mark.parametrize(
    "metric_id, kind, message",
    [
        ("youtube.subscribers", "total", "metric 'youtube.subscribers' already exists"),
        ("Instagram", "total", "'Instagram' is not a valid metric id"),
        ("instagram.followers", "totl", "kind must be 'total' or 'period'"),
    ],
)
def test_a_bad_metric_changes_nothing(make_stats, metric_id, kind, message):
    stats = make_stats({"a.yaml": FIRST})
    before = (stats / "metrics.yaml").read_bytes()
    with pytest.raises((StatsError, UsageError), match=message):
        add_metric(stats, metric_id, "Label", kind)
    assert (stats / "metrics.yaml").read_bytes() == before


# The report


def test_the_report_warns_of_stale_never_recorded_and_gappy_metrics(make_stats):
    stats = make_stats(
        {
            "a.yaml": FIRST + "periods:\n  site.visits:\n    2016-09: 1\n    2016-11: 2\n",
        }
    )
    reports = {r.metric.id: r for r in metric_reports(load_stats(stats), D(2017, 2, 1), stale_days=30)}
    assert reports["twitter.followers"].warnings == ["définie mais jamais relevée"]
    assert reports["youtube.subscribers"].warnings == ["pas de nouveau chiffre depuis 40 jours"]
    assert "série mensuelle incomplète : il manque 2016-10" in reports["site.visits"].warnings
    assert report_line(reports["youtube.subscribers"]).startswith(
        "youtube.subscribers · 145\u202f000 (23 déc. 2016) · 1 chiffre"
    )


def test_monthly_gaps_span_years():
    from factories import observation

    series = tuple(
        observation("m", D(y, m, 1), 1, end=D(y, m, 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31))
        for y, m in ((2016, 11), (2017, 2))
    )
    assert monthly_gaps(series) == ["2016-12", "2017-01"]


def test_checking_posts_finds_every_broken_chart(make_stats, tmp_path):
    stats = load_stats(make_stats({"a.yaml": FIRST}))
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "a.md").write_text("Title: A\n\n```chart\nmetrics: youtube.subscriber\n```\n\n```chart\ntype: bar\n```\n")
    (posts / "b.md").write_text("Title: B\n\n```chart\nmetrics: youtube.subscribers\n```\n")
    problems = check_posts(tmp_path / "content", stats, tmp_path, ("md",))
    assert [str(p).split(": ")[0] for p in problems] == ["content/posts/a.md:4:10", "content/posts/a.md:8:1"]


def test_a_source_column_wins_and_splits_a_day_by_source(make_stats):
    text = (
        "date,metric,value,source\n2017-02-01,youtube.subscribers,210000,YouTube Studio\n"
        "2017-02-01,twitter.followers,950000,\n"
    )
    figures = read_csv_figures("c.csv", text, csv_columns(""))
    files, _ = import_plan(figures, "Import du fichier c.csv", None, None)
    assert list(files) == ["2017-02-01-import.yaml", "2017-02-01-import-2.yaml"]
    sources = {name: text.splitlines()[1] for name, text in files.items()}
    assert sources == {
        "2017-02-01-import.yaml": 'source: "Import du fichier c.csv"',
        "2017-02-01-import-2.yaml": 'source: "YouTube Studio"',
    }
    data = check_new_files(make_stats({"a.yaml": FIRST}), files)
    assert {s.source for s in data.snapshots} == {"YouTube Studio", "Import du fichier c.csv"}
