"""Chart blocks of posts: keys, metrics, kinds, windows, and messages located in the post."""

import datetime as dt

import pytest

from transparency_stats.charts.spec import parse_chart_block
from transparency_stats.errors import StatsError
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import ChartSpec

POST = "content/posts/x.md"
FENCE = 10  # the ```chart line; YAML line k is post line 10 + k

METRICS = """\
youtube.subscribers:
  label: YouTube subscribers
  kind: total
youtube.views:
  label: YouTube views
  kind: total
twitter.followers:
  label: Twitter followers
  kind: total
site.visits:
  label: Site visits
  kind: period
"""

SNAPSHOTS = {
    "a.yaml": "date: 2016-12-01\nsource: s\ntotals:\n  youtube.subscribers: 100\n  youtube.views: 5\n"
    "periods:\n  site.visits:\n    2016-11: 40\n",
    "b.yaml": "date: 2016-12-23\nsource: s\ntotals:\n  youtube.subscribers: 145\n"
    "periods:\n  site.visits:\n    2016-12-01..2016-12-15: 25\n",
}


@pytest.fixture(scope="module")
def stats(tmp_path_factory, stats_writer):
    """Return the small StatsData every test charts."""
    return load_stats(stats_writer(tmp_path_factory.mktemp("chart"), SNAPSHOTS, METRICS))


def chart(text: str, stats) -> ChartSpec:
    """Parse a chart block at FENCE of POST."""
    return parse_chart_block(text, POST, FENCE, stats)


def error_of(text: str, stats) -> StatsError:
    """Return the one-line StatsError of a chart block."""
    with pytest.raises(StatsError) as caught:
        chart(text, stats)
    assert "\n" not in str(caught.value) and caught.value.path == POST
    return caught.value


# Good blocks


def test_one_metric_with_defaults(stats):
    assert chart("metrics: youtube.subscribers\n", stats) == ChartSpec(
        metrics=("youtube.subscribers",),
        type="line",
        title=None,
        start=None,
        end=None,
        scale="linear",
        caption=None,
        path=POST,
        line=FENCE,
    )


def test_every_key(stats):
    spec = chart(
        "metrics:\n  - youtube.subscribers\n  - youtube.views\ntitle: Abonnés\ntype: area\n"
        "from: 2016-11-01\nto: 2016-12-31\nscale: log\ncaption: 'Source : YouTube'\n",
        stats,
    )
    assert spec == ChartSpec(
        ("youtube.subscribers", "youtube.views"),
        "area",
        "Abonnés",
        dt.date(2016, 11, 1),
        dt.date(2016, 12, 31),
        "log",
        "Source : YouTube",
        POST,
        FENCE,
    )


def test_flow_list_and_quoted_ids(stats):
    assert chart("metrics: [youtube.subscribers, 'youtube.views']", stats).metrics == (
        "youtube.subscribers",
        "youtube.views",
    )


def test_period_metrics_default_to_bars(stats):
    assert chart("metrics: site.visits\n", stats).type == "bar"


@pytest.mark.parametrize("metric", ["youtube.subscribers", "site.visits"])
def test_latest_works_for_totals_and_periods(stats, metric):
    assert chart(f"metrics: {metric}\ntype: latest\n", stats).type == "latest"


def test_window_with_one_side_open(stats):
    assert chart("metrics: youtube.subscribers\nfrom: 2016-12-23\n", stats).start == dt.date(2016, 12, 23)
    assert chart("metrics: youtube.subscribers\nto: 2016-12-01\n", stats).end == dt.date(2016, 12, 1)


def test_from_equal_to_is_fine(stats):
    spec = chart("metrics: youtube.subscribers\nfrom: 2016-12-23\nto: 2016-12-23\n", stats)
    assert spec.start == spec.end == dt.date(2016, 12, 23)


# Bad blocks


def test_unknown_metric_suggests_close_one(stats):
    assert str(error_of("title: x\nmetrics: [youtube.views, youtube.subscriber]\n", stats)) == (
        "content/posts/x.md:12:26: unknown metric 'youtube.subscriber' — did you mean 'youtube.subscribers'?"
        " If not, add the new metric to stats/metrics.yaml (or with `invoke metric`)"
    )


def test_unknown_metric_without_close_match(stats):
    error = error_of("metrics: facebook.likes\n", stats)
    assert (error.line, error.column, error.hint) == (
        11,
        10,
        "add it to stats/metrics.yaml first (or with `invoke metric`)",
    )


def test_comma_separated_metrics_hint_at_a_list(stats):
    error = error_of("metrics: youtube.subscribers, youtube.views\n", stats)
    assert error.hint.startswith("write several metrics as a list")


def test_unknown_key_suggests_close_one(stats):
    assert str(error_of("metrics: youtube.views\ntitel: x\n", stats)) == (
        "content/posts/x.md:12:1: unknown key 'titel' in a chart block — did you mean 'title'?"
    )


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("title: x\n", (11, 1), "this chart has no 'metrics'"),
        ("metrics:\n", (11, 1), "metrics is empty"),
        ("metrics: []\n", (11, 1), "metrics is empty"),
        ("metrics: [youtube.views, youtube.views]\n", (11, 26), "metric 'youtube.views' is listed twice"),
        ("metrics: [[youtube.views]]\n", (11, 11), "a metric id must be a single value, found a list"),
        (
            "metrics: {youtube.views: 1}\n",
            (11, 10),
            "a metric id must be a single value, found a set of 'key: value' lines",
        ),
        (
            "metrics: [youtube.views, site.visits]\n",
            (11, 26),
            "'youtube.views' is a total metric but 'site.visits' is a period metric",
        ),
        ("metrics: youtube.views\ntype: pie\n", (12, 7), "type must be one of line, area, bar, latest, found 'pie'"),
        (
            "metrics: youtube.views\nscale: logarithmic\n",
            (12, 8),
            "scale must be one of linear, log, index, found 'logarithmic'",
        ),
        ("metrics: youtube.views\nfrom: 2016-02-30\n", (12, 7), "'2016-02-30' is not a real day"),
        ("metrics: youtube.views\nto: '2016-12-01'\n", (12, 5), "date '2016-12-01' is in quotes"),
        (
            "metrics: youtube.views\nfrom: 1 Dec 2016\n",
            (12, 7),
            "from must be a date like 2016-12-23, found '1 Dec 2016'",
        ),
        (
            "metrics: youtube.views\nfrom: 2017-01-01\nto: 2016-01-01\n",
            (12, 1),
            "from (2017-01-01) is after to (2016-01-01)",
        ),
        ("metrics: youtube.views\ntitle: [a]\n", (12, 8), "title must be text, found a list"),
        ("metrics: youtube.views\ncaption:\n", (12, 9), "caption is empty"),
        ("metrics: twitter.followers\n", (11, 10), "no figures yet for 'twitter.followers'"),
        ("- metrics: youtube.views\n", (11, 1), "a chart block must be a set of 'key: value' lines, found a list"),
    ],
)
def test_bad_blocks(stats, text, where, message):
    error = error_of(text, stats)
    assert ((error.line, error.column), error.message) == (where, message)


def test_type_typo_is_suggested(stats):
    assert error_of("metrics: youtube.views\ntype: lines\n", stats).hint == "did you mean 'line'?"


def test_window_without_figures_says_which_and_what_to_do(stats):
    error = error_of("metrics: [youtube.subscribers, youtube.views]\nfrom: 2016-12-05\nto: 2017-01-05\n", stats)
    assert str(error) == (
        "content/posts/x.md:12:1: no figures for 'youtube.views' between 2016-12-05 and 2017-01-05"
        " — 'youtube.views' has figures on 2016-12-01: widen from/to"
    )


def test_window_after_all_figures(stats):
    error = error_of("metrics: site.visits\nfrom: 2017-01-05\n", stats)
    assert str(error) == (
        "content/posts/x.md:12:1: no figures for 'site.visits' from 2017-01-05 on"
        " — 'site.visits' has figures from 2016-11-01 to 2016-12-15: widen from/to"
    )


def test_window_only_to_points_at_to(stats):
    error = error_of("metrics: youtube.subscribers\nto: 2016-11-30\n", stats)
    assert (error.line, error.message) == (12, "no figures for 'youtube.subscribers' up to 2016-11-30")


@pytest.mark.parametrize(
    "text, where",
    [
        ("metrics: [youtube.views\n", (12, 1)),
        ("metrics: youtube.views\nmetrics: youtube.views\n", (12, 1)),
        ("metrics:\n\t- youtube.views\n", (12, 1)),
        ("", (11, 1)),
        ("metrics: *a\n", (11, 10)),
        ("metrics: !!python/name:os.system\n", (11, 10)),
    ],
)
def test_yaml_errors_are_located_in_the_post(stats, text, where):
    error = error_of(text, stats)
    assert (error.line, error.column) == where


def test_lone_surrogate_is_reported_not_raised(stats):
    assert error_of("metrics: youtube.views\ntitle: \ud800\n", stats).message == "text is not valid UTF-8"
