"""The data contract of stats/: catalogue, snapshots, values, periods, merging, files."""

import datetime as dt
import hashlib
import os
import sys

import pytest

from transparency_stats.errors import StatsError
from transparency_stats.stats import yaml_nodes
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import Value

D = dt.date
SNAP = "stats/snapshots/s.yaml"


def snapshot(figures: str = "totals:\n  youtube.subscribers: 145000\n", date="2016-12-23", head="") -> str:
    """Return a snapshot file's text with the given figures section."""
    return f"date: {date}\nsource: YouTube Studio\n{head}{figures}"


def error_of(stats) -> StatsError:
    """Return the StatsError raised by loading `stats`, checking it is one line."""
    with pytest.raises(StatsError) as caught:
        load_stats(stats)
    assert "\n" not in str(caught.value)
    return caught.value


def figure_error(make_stats, value: str) -> StatsError:
    """Return the error for a snapshot whose youtube.subscribers figure is `value` (on line 4, column 24)."""
    return error_of(make_stats({"s.yaml": snapshot(f"totals:\n  youtube.subscribers: {value}\n")}))


# The whole thing


def test_loads_catalogue_snapshots_and_observations(make_stats):
    stats = make_stats(
        {
            "2016-12-23.yaml": snapshot(head="url: https://studio.youtube.com/channel\nnote: read by hand\n")
            + "periods:\n  site.visits:\n    2016-11: 900\n    2016-12-01..2016-12-15: {about: 2.5}\n    2016-12-20: 7\n",  # noqa: E501
            "2016-12-24.yml": snapshot(
                "totals:\n  youtube.subscribers: {at_least: 146000}\n  twitter.followers: 10\n", date="2016-12-24"
            ),
            "notes.txt": "ignored",
        }
    )
    data = load_stats(stats)
    assert list(data.metrics) == ["youtube.subscribers", "twitter.followers", "site.visits", "site.rating"]
    metric = data.metrics["youtube.subscribers"]
    assert (metric.label, metric.kind, metric.platform, metric.unit, metric.line) == (
        "YouTube subscribers",
        "total",
        "YouTube",
        None,
        1,
    )
    assert [s.path for s in data.snapshots] == ["stats/snapshots/2016-12-23.yaml", "stats/snapshots/2016-12-24.yml"]
    first = data.snapshots[0]
    assert (first.filename, first.date, first.source, first.url, first.note) == (
        "2016-12-23.yaml",
        D(2016, 12, 23),
        "YouTube Studio",
        "https://studio.youtube.com/channel",
        "read by hand",
    )
    raw = (stats / "snapshots" / "2016-12-23.yaml").read_bytes()
    assert first.data == raw and first.sha256 == hashlib.sha256(raw).hexdigest()
    totals = data.observations["youtube.subscribers"]
    assert [(o.start, o.end, o.value, o.line) for o in totals] == [
        (D(2016, 12, 23), D(2016, 12, 23), Value(145000), 6),
        (D(2016, 12, 24), D(2016, 12, 24), Value(146000, "at_least"), 4),
    ]
    visits = data.observations["site.visits"]
    assert [(o.start, o.end, o.value) for o in visits] == [
        (D(2016, 11, 1), D(2016, 11, 30), Value(900)),
        (D(2016, 12, 1), D(2016, 12, 15), Value(2.5, "about")),
        (D(2016, 12, 20), D(2016, 12, 20), Value(7)),
    ]
    assert type(visits[0].value.amount) is int and type(visits[1].value.amount) is float
    assert data.observations["twitter.followers"][0].snapshot.filename == "2016-12-24.yml"


def test_observations_are_sorted_by_period(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot(
                "periods:\n  site.visits:\n    2016-12: 3\n    2016-11-01..2016-11-15: 1\n    2016-11: 2\n",
                date="2017-01-01",
            ),
            "b.yaml": snapshot("periods:\n  site.visits:\n    2016-10: 0\n", date="2017-01-02"),
        }
    )
    spans = [(o.start, o.end) for o in load_stats(stats).observations["site.visits"]]
    assert spans == [
        (D(2016, 10, 1), D(2016, 10, 31)),
        (D(2016, 11, 1), D(2016, 11, 15)),
        (D(2016, 11, 1), D(2016, 11, 30)),
        (D(2016, 12, 1), D(2016, 12, 31)),
    ]


def test_metric_without_figures_has_empty_series(make_stats):
    assert load_stats(make_stats({"s.yaml": snapshot()})).observations["site.visits"] == ()


def test_empty_snapshots_folder_gives_empty_data(make_stats):
    data = load_stats(make_stats({}))
    assert data.snapshots == () and all(o == () for o in data.observations.values())


def test_empty_catalogue_is_fine(make_stats):
    assert load_stats(make_stats({}, metrics="{}\n")).metrics == {}


def test_snapshots_sorted_by_date_then_name(make_stats):
    stats = make_stats(
        {
            "b.yaml": snapshot(date="2016-12-01"),
            "a.yaml": snapshot(date="2016-12-02"),
            "c.yaml": snapshot(date="2016-12-01"),
        }
    )
    assert [s.filename for s in load_stats(stats).snapshots] == ["b.yaml", "c.yaml", "a.yaml"]


def test_display_root_and_default(make_stats, tmp_path):
    stats = make_stats({"s.yaml": snapshot()})
    assert load_stats(stats).snapshots[0].path == SNAP
    assert load_stats(stats, display_root=tmp_path.parent).snapshots[0].path == f"{tmp_path.name}/{SNAP}"
    assert load_stats(str(stats)).snapshots[0].path == SNAP


def test_fingerprint_follows_every_file(make_stats):
    stats = make_stats({"s.yaml": snapshot()})
    before = load_stats(stats).fingerprint
    assert load_stats(stats).fingerprint == before
    (stats / "snapshots" / "s.yaml").write_text(snapshot() + "note: changed\n")
    changed = load_stats(stats).fingerprint
    (stats / "metrics.yaml").write_text((stats / "metrics.yaml").read_text() + "# comment\n")
    assert len({before, changed, load_stats(stats).fingerprint}) == 3


def many_snapshots(make_stats, count: int, metrics: int = 10):
    """Write `count` daily snapshots of `metrics` totals each; return the stats folder."""
    ids = [f"m{i}.total" for i in range(metrics)]
    catalogue = "".join(f"{i}:\n  label: Metric {i}\n  kind: total\n" for i in ids)
    snapshots = {}
    for day in range(count):
        date = D(2016, 1, 1) + dt.timedelta(days=day)
        figures = "".join(f"  {i}: {day * 100 + n}\n" for n, i in enumerate(ids))
        snapshots[f"{date}.yaml"] = snapshot("totals:\n" + figures, date=date.isoformat())
    return make_stats(snapshots, catalogue)


def calls_to_load(stats) -> int:
    """Return how many Python functions one load of the stats calls: the work done, the same on any machine."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        load_stats(stats)
    finally:
        sys.setprofile(None)
    return calls


def test_loading_work_grows_linearly_with_the_snapshots(tmp_path, stats_writer):
    # 4x the snapshots: linear code does about 4x the work, quadratic 16x. Counted calls, not the clock
    # (a timed version of this test once failed at 8.2x on a busy machine, then passed).
    def make(folder):
        return lambda snapshots, metrics: stats_writer(tmp_path / folder, snapshots, metrics)

    small, large = many_snapshots(make("small"), 60), many_snapshots(make("large"), 240)
    assert len(load_stats(large).snapshots) == 240
    ratio = calls_to_load(large) / calls_to_load(small)
    assert 3.5 < ratio < 4.5, ratio


def test_the_work_count_sees_quadratic_work():
    def quadratic(n):
        return [j for i in range(n) for j in range(n) if (lambda: j)() is None]

    def calls(n):
        counted = 0

        def count(frame, event, arg):
            nonlocal counted
            counted += event == "call"

        sys.setprofile(count)
        try:
            quadratic(n)
        finally:
            sys.setprofile(None)
        return counted

    assert calls(40) / calls(10) > 12


# The catalogue


def test_missing_catalogue(make_stats):
    assert str(error_of(make_stats({}, metrics=None))) == (
        "stats/metrics.yaml:1:1: missing metrics catalogue — create it; write {} if there are no metrics yet"
    )


def test_missing_stats_folder(tmp_path):
    assert str(error_of(tmp_path / "stats")).startswith("stats:1:1: missing stats folder")


def test_catalogue_must_be_a_mapping(make_stats):
    error = error_of(make_stats({}, metrics="- youtube.subscribers\n"))
    assert (error.path, error.line, error.column) == ("stats/metrics.yaml", 1, 1)
    assert error.message == "the metrics catalogue must be a set of 'key: value' lines, found a list"


@pytest.mark.parametrize(
    "key, hint",
    [
        ("YouTube.Subscribers", "write it in lowercase: 'youtube.subscribers'"),
        ("-youtube", "use lowercase letters"),
        ("you tube", "use lowercase letters"),
        ("''", "use lowercase letters"),
    ],
)
def test_bad_metric_id(make_stats, key, hint):
    error = error_of(make_stats({}, metrics=f"ok:\n  label: A\n  kind: total\n{key}:\n  label: B\n  kind: total\n"))
    assert (error.line, error.column) == (4, 1) and "is not a valid metric id" in error.message
    assert error.hint.startswith(hint)


def test_metric_must_be_a_mapping(make_stats):
    error = error_of(make_stats({}, metrics="a: YouTube\n"))
    assert str(error) == (
        "stats/metrics.yaml:1:4: metric 'a' must be a set of 'key: value' lines, found 'YouTube'"
        " — give it at least label: and kind:"
    )


def test_metric_unknown_key_suggests(make_stats):
    error = error_of(make_stats({}, metrics="a:\n  lable: A\n  kind: total\n"))
    assert str(error) == "stats/metrics.yaml:2:3: unknown key 'lable' in metric 'a' — did you mean 'label'?"


@pytest.mark.parametrize(
    "body, where, message",
    [
        ("  kind: total\n", (2, 3), "metric 'a' has no 'label'"),
        ("  label: A\n", (2, 3), "metric 'a' has no 'kind'"),
        ("  label:\n  kind: total\n", (2, 9), "label is empty"),
        ("  label: [A]\n  kind: total\n", (2, 10), "label must be text, found a list"),
        ("  label: A\n  kind: totals\n", (3, 9), "kind must be 'total' or 'period', found 'totals'"),
        ("  label: A\n  kind: total\n  color: #fff\n", (4, 9), "color is empty"),
        ("  label: A\n  kind: total\n  color: red\n", (4, 10), "'red' is not a color"),
        ("  label: A\n  kind: total\n  color: '#ff00'\n", (4, 10), "'#ff00' is not a color"),
        ("  label: A\n  kind: total\n  unit: ~\n", (4, 9), "unit is empty"),
    ],
)
def test_bad_metric_fields(make_stats, body, where, message):
    error = error_of(make_stats({}, metrics="a:\n" + body))
    assert ((error.line, error.column), error.message) == (where, message)


def test_good_metric_fields(make_stats):
    metrics = (
        "a:\n  label: ' A '\n  kind: period\n  color: '#1F77b4'\n  unit: visits\n"
        '  description: |\n    Long text.\n  platform: Web\nb:\n  label: B\n  kind: total\n  color: "#abc"\n'
    )
    data = load_stats(make_stats({}, metrics=metrics))
    a = data.metrics["a"]
    assert (a.label, a.kind, a.color, a.unit, a.description, a.platform) == (
        "A",
        "period",
        "#1F77b4",
        "visits",
        "Long text.",
        "Web",
    )
    assert (data.metrics["b"].color, data.metrics["b"].line) == ("#abc", 9)


def test_kind_typo_is_suggested(make_stats):
    assert error_of(make_stats({}, metrics="a:\n  label: A\n  kind: totl\n")).hint == "did you mean 'total'?"


# Snapshot fields


def test_snapshot_must_be_a_mapping(make_stats):
    error = error_of(make_stats({"s.yaml": "just text\n"}))
    assert str(error) == (
        f"{SNAP}:1:1: a snapshot must be a set of 'key: value' lines, found 'just text' — start with 'date: YYYY-MM-DD'"
    )
    assert "found a list" in error_of(make_stats({"s.yaml": "- date: 2016-12-23\n"})).message


def test_snapshot_unknown_key_suggests(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot() + "sources: x\n"}))
    assert str(error) == f"{SNAP}:5:1: unknown key 'sources' in a snapshot — did you mean 'source'?"


@pytest.mark.parametrize(
    "text, message",
    [
        ("source: s\ntotals:\n  youtube.subscribers: 1\n", "this snapshot has no 'date'"),
        ("date: 2016-12-23\ntotals:\n  youtube.subscribers: 1\n", "this snapshot has no 'source'"),
    ],
)
def test_snapshot_required_fields(make_stats, text, message):
    error = error_of(make_stats({"s.yaml": text}))
    assert (error.line, error.column, error.message) == (1, 1, message)


@pytest.mark.parametrize(
    "date, column, message",
    [
        ("2016-02-30", 7, "'2016-02-30' is not a real day"),
        ("2016-13-01", 7, "'2016-13-01' is not a real day"),
        ("0000-01-01", 7, "'0000-01-01' is not a real day"),
        ("'2016-12-23'", 7, "date '2016-12-23' is in quotes"),
        ("23/12/2016", 7, "date must be a date like 2016-12-23, found '23/12/2016'"),
        ("2016-12-23 10:00", 7, "date must be a date like 2016-12-23, found '2016-12-23 10:00'"),
        ("2016-1-5", 7, "date must be a date like 2016-12-23, found '2016-1-5'"),
        ("", 6, "date must be a date like 2016-12-23, found ''"),
    ],
)
def test_bad_snapshot_date(make_stats, date, column, message):
    error = error_of(make_stats({"s.yaml": snapshot(date=date)}))
    assert (error.line, error.column, error.message) == (1, column, message)


def test_leap_day_is_fine(make_stats):
    assert load_stats(make_stats({"s.yaml": snapshot(date="2016-02-29")})).snapshots[0].date == D(2016, 2, 29)


@pytest.mark.parametrize(
    "url, message",
    [
        ("javascript:alert(1)", "url must start with http:// or https://, found 'javascript:alert(1)'"),
        ("ftp://example.org/file", "url must start with http:// or https://, found 'ftp://example.org/file'"),
        ("/relative/page", "url must start with http:// or https://, found '/relative/page'"),
        ("example.org", "url must start with http:// or https://, found 'example.org'"),
        ("https://", "url has no valid host: 'https://'"),
        ("http:///path", "url has no valid host: 'http:///path'"),
        ("'https://exa mple.org'", "url contains spaces or invisible characters"),
        ("https://[::1", "url has no valid host: 'https://[::1'"),
        ("https://example.org:port/", "url has no valid host: 'https://example.org:port/'"),
    ],
)
def test_bad_url(make_stats, url, message):
    error = error_of(make_stats({"s.yaml": snapshot(head=f"url: {url}\n")}))
    assert (error.line, error.column, error.message) == (3, 6, message)


@pytest.mark.parametrize("url", ["https://example.org", "HTTP://Example.org/a?b=c#d", "http://127.0.0.1:8000/x"])
def test_good_url(make_stats, url):
    assert load_stats(make_stats({"s.yaml": snapshot(head=f"url: {url}\n")})).snapshots[0].url == url


def test_snapshot_without_figures(make_stats):
    error = error_of(make_stats({"s.yaml": "date: 2016-12-23\nsource: s\n"}))
    assert str(error) == (
        f"{SNAP}:1:1: this snapshot has no figures — add totals: or periods: with at least one figure"
    )


@pytest.mark.parametrize(
    "figures, where, message",
    [
        ("totals:\n", (3, 1), "totals has no figures"),
        ("totals: {}\n", (3, 1), "totals has no figures"),
        ("periods:\n", (3, 1), "periods has no figures"),
        ("totals: [youtube.subscribers]\n", (3, 9), "totals must be a set of 'key: value' lines, found a list"),
        ("periods:\n  site.visits:\n", (4, 3), "'site.visits' has no periods"),
        (
            "periods:\n  site.visits: 1200\n",
            (4, 16),
            "the periods of 'site.visits' must be a set of 'key: value' lines, found '1200'",
        ),
    ],
)
def test_empty_or_misshapen_figures(make_stats, figures, where, message):
    error = error_of(make_stats({"s.yaml": snapshot(figures)}))
    assert ((error.line, error.column), error.message) == (where, message)


# Values


@pytest.mark.parametrize(
    "metric, value, expected",
    [
        ("youtube.subscribers", "145000", Value(145000)),
        ("youtube.subscribers", "0", Value(0)),
        ("site.rating", "2.5", Value(2.5)),
        ("site.rating", "0.75", Value(0.75)),
        ("site.rating", "3.100", Value(3.1)),
        ("youtube.subscribers", "1000000000000", Value(10**12)),
        ("youtube.subscribers", "{at_least: 10}", Value(10, "at_least")),
        ("youtube.subscribers", "{about: 2.0}", Value(2.0, "about")),
        ("youtube.subscribers", "210.0", Value(210.0)),
        ("youtube.subscribers", "{value: 7}", Value(7)),
    ],
)
def test_good_values(make_stats, metric, value, expected):
    data = load_stats(make_stats({"s.yaml": snapshot(f"totals:\n  {metric}: {value}\n")}))
    assert data.observations[metric][0].value == expected


@pytest.mark.parametrize(
    "value, message, hint",
    [
        ("NO", "'NO' is not a number", "write the figure in digits, like 145000"),
        ("yes", "'yes' is not a number", "write the figure in digits, like 145000"),
        ("1:30", "'1:30' looks like a time, not a number", "write the figure in digits, like 145000"),
        ("017", "'017' starts with a zero", "write it without leading zeros, like 17"),
        ("1e3", "'1e3' is not a plain number", "write the digits, like 1000"),
        ("1.5E+3", "'1.5E+3' is not a plain number", "write the digits, like 1500"),
        ('"145000"', "'145000' is in quotes, so it is text", "remove the quotes"),
        ("'2.5'", "'2.5' is in quotes, so it is text", "remove the quotes"),
        (".nan", "'.nan' is not a number", "write the figure in digits, like 145000"),
        (".inf", "'.inf' is not a number", "write the figure in digits, like 145000"),
        ("-.inf", "'-.inf' is not a number", "write the figure in digits, like 145000"),
        ("-5", "'-5' is negative", "figures cannot be below zero"),
        ("+5", "'+5' has a sign", "write the number without '+'"),
        ("1_000", "'1_000' has separators", "write the digits only, with a dot for decimals, like 145000 or 2.5"),
        ("1,000", "'1,000' has separators", "write the digits only, with a dot for decimals, like 145000 or 2.5"),
        ("145 000", "'145 000' has separators", "write the digits only, with a dot for decimals, like 145000 or 2.5"),
        ("0x1F", "'0x1F' is not a plain number", "write the figure in decimal digits, like 145000"),
        ("2.", "'2.' is not a plain number", "write digits on both sides of the dot, like 2.0 or 0.5"),
        (".5", "'.5' is not a plain number", "write digits on both sides of the dot, like 2.0 or 0.5"),
        ("", "missing number", "write the figure in digits, like 145000"),
        ("~", "missing number", "write the figure in digits, like 145000"),
        ("12k", "'12k' is not a number", "write the figure in digits, like 145000"),
        ("1000000000001", "'1000000000001' is beyond a sane bound", "figures above 1000000000000 are surely a typo"),
        (
            "1000000000000.5",
            "'1000000000000.5' is beyond a sane bound",
            "figures above 1000000000000 are surely a typo",
        ),
        ("9" * 5000, "'99999999999999999...' is beyond a sane bound", "figures above 1000000000000 are surely a typo"),
        ("[1, 2]", "expected a number, found a list", "write the figure in digits, like 145000"),
    ],
)
def test_bad_values(make_stats, value, message, hint):
    error = figure_error(make_stats, value)
    assert (error.path, error.line, error.column) == (SNAP, 4, 24 if value else 23)
    assert (error.message, error.hint) == (message, hint)


@pytest.mark.parametrize(
    "value, where, message",
    [
        ("{at_least: 1, about: 2}", (4, 24), "a figure takes exactly one of value:, at_least: or about:"),
        ("{}", (4, 24), "a figure takes exactly one of value:, at_least: or about:"),
        ("{atleast: 1}", (4, 25), "unknown key 'atleast' in a figure"),
        ("{about: '1'}", (4, 32), "'1' is in quotes, so it is text"),
        ("{about: -1}", (4, 32), "'-1' is negative"),
    ],
)
def test_bad_bounded_values(make_stats, value, where, message):
    error = figure_error(make_stats, value)
    assert ((error.line, error.column), error.message) == (where, message)


def test_bounded_value_typo_is_suggested(make_stats):
    assert figure_error(make_stats, "{atleast: 1}").hint == "did you mean 'at_least'?"


# Periods


@pytest.mark.parametrize(
    "key, start, end",
    [
        ("2016-02", D(2016, 2, 1), D(2016, 2, 29)),
        ("2017-02", D(2017, 2, 1), D(2017, 2, 28)),
        ("2016-12-01..2016-12-31", D(2016, 12, 1), D(2016, 12, 31)),
        ("2016-12-05..2016-12-05", D(2016, 12, 5), D(2016, 12, 5)),
        ("2016-12-23", D(2016, 12, 23), D(2016, 12, 23)),
        ("'2016-12'", D(2016, 12, 1), D(2016, 12, 31)),
    ],
)
def test_good_period_keys(make_stats, key, start, end):
    data = load_stats(make_stats({"s.yaml": snapshot(f"periods:\n  site.visits:\n    {key}: 5\n", date="2017-03-01")}))
    observation = data.observations["site.visits"][0]
    assert (observation.start, observation.end, observation.line) == (start, end, 5)


@pytest.mark.parametrize(
    "key, message",
    [
        ("2016-12-31..2016-12-01", "period '2016-12-31..2016-12-01' ends before it starts"),
        ("2016-02-30", "'2016-02-30' is not a real day"),
        ("2016-02-01..2016-02-30", "'2016-02-30' is not a real day"),
        ("2016-13", "'2016-13' is not a real month"),
        ("2016/12", "'2016/12' is not a period"),
        ("2016-12-01...2016-12-31", "'2016-12-01...2016-12-31' is not a period"),
        ("décembre", "'décembre' is not a period"),
    ],
)
def test_bad_period_keys(make_stats, key, message):
    error = error_of(make_stats({"s.yaml": snapshot(f"periods:\n  site.visits:\n    {key}: 5\n")}))
    assert (error.line, error.column, error.message) == (5, 5, message)


# Metrics in snapshots


def test_unknown_metric_in_snapshot(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot("totals:\n  youtube.subscriber: 1\n")}))
    assert (
        str(error)
        == f"{SNAP}:4:3: unknown metric 'youtube.subscriber' — did you mean 'youtube.subscribers'? If not, add the new metric to stats/metrics.yaml (or with `invoke metric`)"  # noqa: E501
    )
    error = error_of(make_stats({"s.yaml": snapshot("totals:\n  facebook.likes: 1\n")}))
    assert (
        str(error)
        == f"{SNAP}:4:3: unknown metric 'facebook.likes' — add it to stats/metrics.yaml first (or with `invoke metric`)"
    )


def test_period_metric_under_totals(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot("totals:\n  site.visits: 1\n")}))
    assert str(error) == (
        f"{SNAP}:4:3: 'site.visits' is a period metric (see stats/metrics.yaml:8) — move it under periods:"
    )


def test_total_metric_under_periods(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot("periods:\n  youtube.subscribers:\n    2016-12: 1\n")}))
    assert str(error) == (
        f"{SNAP}:4:3: 'youtube.subscribers' is a total metric (see stats/metrics.yaml:1) — move it under totals:"
    )


# Across snapshots


def test_conflicting_totals_name_both_files(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\n"),
            "b.yaml": snapshot("totals:\n  twitter.followers: 3\n  youtube.subscribers: 146000\n"),
        }
    )
    assert str(error_of(stats)) == (
        "stats/snapshots/b.yaml:5:3: 'youtube.subscribers' on 2016-12-23 is 146000 here"
        " but 145000 in stats/snapshots/a.yaml:4 — keep one value, or correct the published figure in the open under 'corrections:', with a reason"  # noqa: E501
    )


def test_conflict_is_reported_in_the_later_snapshot_by_date(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("periods:\n  site.visits:\n    2016-11: 10\n", date="2016-12-24"),
            "b.yaml": snapshot(
                "periods:\n  site.visits:\n    2016-11-01..2016-11-30: {about: 10}\n", date="2016-12-01"
            ),
        }
    )
    assert str(error_of(stats)) == (
        "stats/snapshots/a.yaml:5:5: 'site.visits' for 2016-11 is 10 here"
        " but about 10 in stats/snapshots/b.yaml:5 — keep one value, or correct the published figure in the open under 'corrections:', with a reason"  # noqa: E501
    )


def test_conflict_within_one_file(make_stats):
    stats = make_stats(
        {"s.yaml": snapshot("periods:\n  site.visits:\n    2016-11-05: 1\n    2016-11-05..2016-11-05: 2\n")}
    )
    assert str(error_of(stats)) == (
        f"{SNAP}:6:5: 'site.visits' on 2016-11-05 is 2 here but 1 in {SNAP}:5 — keep one value, or correct the published figure in the open under 'corrections:', with a reason"  # noqa: E501
    )


def test_same_value_twice_is_merged_keeping_earliest_snapshot(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\n", date="2016-12-24"),
            "c.yaml": snapshot("totals:\n  youtube.subscribers: 145000.0\n", date="2016-12-23"),
            "b.yaml": snapshot("totals:\n  twitter.followers: 1\n  youtube.subscribers: 145000\n", date="2016-12-23"),
        }
    )
    data = load_stats(stats)
    observations = data.observations["youtube.subscribers"]
    assert [(o.start, o.snapshot.filename, o.line) for o in observations] == [
        (D(2016, 12, 23), "b.yaml", 5),
        (D(2016, 12, 24), "a.yaml", 4),
    ]
    assert len(data.snapshots) == 3


def test_same_figure_on_same_date_in_two_files_keeps_the_first_by_name(make_stats):
    stats = make_stats(
        {
            "b.yaml": snapshot("totals:\n  youtube.subscribers: {at_least: 5}\n"),
            "a.yaml": snapshot("totals:\n  youtube.subscribers: {at_least: 5}\n"),
        }
    )
    (observation,) = load_stats(stats).observations["youtube.subscribers"]
    assert observation.snapshot.filename == "a.yaml" and observation.value == Value(5, "at_least")


def test_two_snapshots_on_one_date_are_allowed(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 1\n"),
            "b.yaml": snapshot("totals:\n  twitter.followers: 2\n"),
        }
    )
    data = load_stats(stats)
    assert len(data.snapshots) == 2 and len(data.observations["twitter.followers"]) == 1


# Files


def test_yaml_errors_name_the_snapshot_file(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot("totals:\n  youtube.subscribers: [1\n")}))
    assert (error.path, error.message) == (SNAP, "unclosed '['")


def test_invalid_utf8_in_snapshot(make_stats):
    error = error_of(make_stats({"s.yaml": b"date: 2016-12-23\nsource: caf\xe9\n"}))
    assert str(error) == f"{SNAP}:2:12: text is not valid UTF-8 — save the file with the UTF-8 encoding"


def test_bom_and_crlf_snapshot(make_stats):
    text = "\ufeffdate: 2016-12-23\r\nsource: s\r\ntotals:\r\n  youtube.subscribers: 1\r\n  youtube.subscribers: 2\r\n"
    assert (error_of(make_stats({"s.yaml": text})).line) == 5
    data = load_stats(make_stats({"s.yaml": text.rsplit("  youtube", 1)[0]}))
    assert data.observations["youtube.subscribers"][0].line == 4


def test_too_large_snapshot(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot() + "# " + "x" * yaml_nodes.MAX_BYTES + "\n"}))
    assert (error.path, error.line, error.column) == (SNAP, 1, 1)
    assert error.message.startswith("file is too large")


def test_alias_bomb_in_snapshot(make_stats):
    bomb = 'note: &a ["lol", "lol"]\nx: &b [*a, *a]\n'
    error = error_of(make_stats({"s.yaml": snapshot() + bomb}))
    assert str(error) == f"{SNAP}:5:7: anchor '&a' is not allowed — remove it and write values in full"


def test_python_tag_in_snapshot(make_stats):
    error = error_of(make_stats({"s.yaml": snapshot(head="note: !!python/object/apply:os.system ['id']\n")}))
    assert (error.line, error.column, error.message) == (3, 7, "tag '!!python/object/apply:os.system' is not allowed")


def test_missing_snapshots_folder(make_stats):
    stats = make_stats({})
    (stats / "snapshots").rmdir()
    assert str(error_of(stats)) == (
        "stats/snapshots:1:1: missing snapshots folder — create the folder stats/snapshots/ (it may stay empty)"
    )


def test_snapshots_must_be_a_folder(make_stats):
    stats = make_stats({})
    (stats / "snapshots").rmdir()
    (stats / "snapshots").write_text("x")
    assert error_of(stats).message == "not a folder"


def test_symlink_inside_stats_is_followed(make_stats):
    stats = make_stats({})
    (stats / "kept.yaml.txt").write_text(snapshot())
    (stats / "snapshots" / "s.yaml").symlink_to(stats / "kept.yaml.txt")
    assert load_stats(stats).snapshots[0].path == SNAP


def test_symlink_leading_outside_stats_is_refused(make_stats, tmp_path):
    stats = make_stats({})
    (tmp_path / "secret.yaml").write_text(snapshot())
    (stats / "snapshots" / "s.yaml").symlink_to(tmp_path / "secret.yaml")
    assert str(error_of(stats)) == (
        f"{SNAP}:1:1: this link leads outside the stats folder — replace the link with a copy of the file"
    )


def test_relative_symlink_escaping_is_refused(make_stats, tmp_path):
    stats = make_stats({})
    (tmp_path / "secret.yaml").write_text(snapshot())
    (stats / "snapshots" / "s.yaml").symlink_to("../../secret.yaml")
    assert error_of(stats).message == "this link leads outside the stats folder"


def test_symlinked_catalogue_outside_is_refused(make_stats, tmp_path):
    stats = make_stats({}, metrics=None)
    (tmp_path / "metrics.yaml").write_text("{}\n")
    (stats / "metrics.yaml").symlink_to(tmp_path / "metrics.yaml")
    assert str(error_of(stats)).startswith("stats/metrics.yaml:1:1: this link leads outside the stats folder")


def test_symlinked_snapshots_folder_outside_is_refused(make_stats, tmp_path):
    stats = make_stats({})
    (stats / "snapshots").rmdir()
    (tmp_path / "elsewhere").mkdir()
    (stats / "snapshots").symlink_to(tmp_path / "elsewhere")
    assert str(error_of(stats)).startswith("stats/snapshots:1:1: this link leads outside the stats folder")


def test_broken_symlink(make_stats, tmp_path):
    stats = make_stats({})
    (stats / "snapshots" / "s.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert str(error_of(stats)).startswith(f"{SNAP}:1:1: broken link")


def test_folder_named_like_a_snapshot_is_refused(make_stats):
    stats = make_stats({})
    (stats / "snapshots" / "s.yaml").mkdir()
    assert str(error_of(stats)) == f"{SNAP}:1:1: not a regular file — keep only plain files here"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(make_stats):
    stats = make_stats({})
    os.mkfifo(stats / "snapshots" / "s.yaml")
    assert error_of(stats).message == "not a regular file"


def test_hidden_and_other_files_are_ignored(make_stats):
    stats = make_stats({".#s.yaml": "broken: [", "README.md": "x", "s.yaml.bak": "x", "s.yaml": snapshot()})
    assert [s.filename for s in load_stats(stats).snapshots] == ["s.yaml"]


def test_subfolders_are_not_read(make_stats):
    stats = make_stats({"s.yaml": snapshot()})
    (stats / "snapshots" / "old").mkdir()
    (stats / "snapshots" / "old" / "x.yaml").write_text("broken: [")
    assert len(load_stats(stats).snapshots) == 1


@pytest.mark.parametrize(
    "key", ["donnees", "graphique", "index", "index.html", "nouveaux-chiffres.atom.xml", "index.html.gz"]
)
def test_a_metric_id_the_data_page_uses_is_refused(make_stats, key):
    """Each metric's page is <data page>/<id>/: an id naming the page's own folders or files would collide."""
    error = error_of(make_stats({}, metrics=f"ok:\n  label: A\n  kind: total\n{key}:\n  label: B\n  kind: total\n"))
    assert (error.path, error.line, error.column) == ("stats/metrics.yaml", 4, 1)
    assert str(error).startswith(f"stats/metrics.yaml:4:1: metric id '{key}' is taken: the data page keeps ")
    assert str(error).endswith(f"where the metric's page would go — choose another id, like 'site.{key}'")
    assert len(str(error).splitlines()) == 1


@pytest.mark.parametrize("key", ["donnees.site", "graphiques", "index.x", "site.index"])
def test_metric_ids_near_the_reserved_ones_are_fine(make_stats, key):
    stats = load_stats(make_stats({}, metrics=f"{key}:\n  label: B\n  kind: total\n"))
    assert list(stats.metrics) == [key]
