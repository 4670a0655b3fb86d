"""Throw arbitrary and YAML-ish input at every entry point: it parses or it is one located StatsError."""

import datetime as dt
import os
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transparency_stats.charts.plot import build_plot
from transparency_stats.charts.recipe import VARIANTS, prepare, theme_recipe, variant
from transparency_stats.charts.selection import select
from transparency_stats.charts.spec import parse_chart_block
from transparency_stats.errors import StatsError
from transparency_stats.stats import yaml_nodes
from transparency_stats.stats.fields import BOUNDS
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.yaml_nodes import load as load_yaml

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

METRICS = "youtube.subscribers:\n  label: YouTube\n  kind: total\nsite.visits:\n  label: Visits\n  kind: period\n"
SNAPSHOT = "date: 2016-12-23\nsource: s\ntotals:\n  youtube.subscribers: 1\nperiods:\n  site.visits:\n    2016-11: 2\n"

WORDS = [
    "date",
    "source",
    "url",
    "note",
    "totals",
    "periods",
    "at_least",
    "about",
    "label",
    "kind",
    "total",
    "period",
    "color",
    "metrics",
    "type",
    "from",
    "to",
    "scale",
    "caption",
    "title",
    "latest",
    "log",
    "youtube.subscribers",
    "site.visits",
    "2016-12-23",
    "2016-12",
    "2016-12-01..2016-12-31",
    "2016-02-30",
    "145000",
    "2.5",
    "017",
    "1e3",
    "NO",
    "1:30",
    ".nan",
    "-5",
    "~",
    "https://example.org",
    "javascript:x",
    "#fff",
    "é",
    "\u2028",
    "\x00",
]
TOKENS = WORDS + [
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!x ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:x,2000:",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "    ",
    "\ufeff",
    "\\",
    "@",
    "`",
    "%",
]

scalars = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.integers(-10, 10**13),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates().map(str),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), children, max_size=5),
    ),
    max_leaves=25,
)
dumped = trees.map(lambda tree: yaml.safe_dump(tree, allow_unicode=True, default_flow_style=None))
yamlish = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
texts = st.one_of(
    dumped,
    yamlish,
    st.text(max_size=200),
    st.builds(lambda head, tail: head + tail, st.sampled_from([SNAPSHOT, METRICS, "metrics: site.visits\n"]), yamlish),
)

# Structured trees: a valid snapshot, often with one part replaced by something odd,
# so that the deep rules get exercised as well as the parser.
good_dates = st.dates(dt.date(2015, 1, 1), dt.date(2018, 12, 31))
words = st.text(st.characters(categories=("L", "N", "Zs")), min_size=1, max_size=12).filter(str.strip)
good_numbers = st.one_of(st.integers(0, 10**6), st.floats(0, 10**6, allow_nan=False).map(lambda x: round(x, 2)))
good_figures = st.one_of(good_numbers, st.builds(lambda bound, n: {bound: n}, st.sampled_from(BOUNDS), good_numbers))
good_period_keys = st.one_of(
    st.sampled_from(["2016-12", "2016-02", "2016-12-01..2016-12-31", "2017-01-01..2017-01-07"]), good_dates.map(str)
)
odd_figures = st.one_of(
    st.integers(-5, 10**13),
    st.floats(),
    st.sampled_from(WORDS),
    st.text(max_size=6),
    st.dictionaries(st.sampled_from([*BOUNDS, "exactly"]), scalars, max_size=2),
)
odd_period_keys = st.one_of(
    st.sampled_from(["2016-13", "2016-12-31..2016-12-01", "2016-02-30", "2016/12"]),
    st.dates().map(str),
    st.text(max_size=10),
)
odd_metric_ids = st.one_of(
    st.sampled_from(["youtube.subscriber", "site.visits", "x", "YouTube.Subscribers"]), st.text(max_size=8)
)
valid_snapshots = st.fixed_dictionaries(
    {
        "date": good_dates,
        "source": words,
        "totals": st.fixed_dictionaries({"youtube.subscribers": good_figures}),
        "periods": st.fixed_dictionaries(
            {"site.visits": st.dictionaries(good_period_keys, good_figures, min_size=1, max_size=3)}
        ),
    },
    optional={"url": st.sampled_from(["https://example.org/a", "http://127.0.0.1:8000/x?y=1#z"]), "note": words},
)


def replace_part(tree: dict, part: str, odd):
    """Return a copy of a snapshot tree with one part replaced by `odd`."""
    tree = {**tree, "totals": dict(tree["totals"]), "periods": {"site.visits": dict(tree["periods"]["site.visits"])}}
    if part == "figure":
        tree["totals"]["youtube.subscribers"] = odd
    elif part == "period figure":
        tree["periods"]["site.visits"]["2016-11"] = odd
    elif part == "period key":
        tree["periods"]["site.visits"][str(odd)] = 1
    elif part == "metric id":
        tree["totals"][str(odd)] = 1
    else:
        tree[part] = odd
    return tree


odd_parts = st.one_of(
    st.tuples(st.sampled_from(["date", "source", "url", "note", "totals", "periods", "extra"]), trees),
    st.tuples(st.sampled_from(["figure", "period figure"]), odd_figures),
    st.tuples(st.just("period key"), odd_period_keys),
    st.tuples(st.just("metric id"), odd_metric_ids),
)
snapshot_trees = st.one_of(
    valid_snapshots,
    st.builds(lambda tree, change: replace_part(tree, *change), valid_snapshots, odd_parts),
)


CATALOGUE = {
    "youtube.subscribers": {"label": "YouTube", "kind": "total"},
    "site.visits": {"label": "Visits", "kind": "period"},
}


def replace_field(metric_id: str, field: str, odd) -> dict:
    """Return the catalogue with one field of one metric set to `odd` (or the metric renamed, for 'id')."""
    tree = {key: dict(fields) for key, fields in CATALOGUE.items()}
    if field == "id":
        tree[str(odd)] = tree.pop(metric_id)
    else:
        tree[metric_id][field] = odd
    return tree


catalogue_trees = st.one_of(
    st.builds(
        replace_field,
        st.sampled_from(list(CATALOGUE)),
        st.sampled_from(["label", "kind", "color", "unit", "description", "lable"]),
        st.one_of(trees, st.sampled_from(["#fff", "#123456", "red", "#12", "total", "period", "totl"])),
    ),
    st.builds(replace_field, st.sampled_from(list(CATALOGUE)), st.just("id"), odd_metric_ids),
)
snapshots = st.one_of(snapshot_trees.map(lambda tree: yaml.safe_dump(tree, allow_unicode=True)), texts)
catalogues = st.one_of(catalogue_trees.map(lambda tree: yaml.safe_dump(tree, allow_unicode=True)), texts)
raw_bytes = st.one_of(
    st.binary(max_size=200),
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(lambda t, b: t.encode("utf-8", "surrogatepass") + b, texts, st.binary(max_size=8)),
)


def assert_located(error: StatsError) -> None:
    """Check a StatsError is one line with a real location."""
    assert error.line >= 1 and error.column >= 1
    assert len(str(error).splitlines()) == 1
    assert str(error).startswith(f"{error.path}:{error.line}:{error.column}: ")


@FUZZ
@given(raw_bytes)
def test_strict_yaml_load_parses_or_reports(data):
    try:
        load_yaml(data, "x.yaml")
    except StatsError as error:
        assert_located(error)


PARSERS = [pytest.param(None, id="pure-python")]
if yaml.__with_libyaml__:
    PARSERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.mark.parametrize("parser", PARSERS)
@FUZZ
@given(data=texts)
def test_both_parsers_parse_or_report(parser, data):
    old, yaml_nodes.PARSER = yaml_nodes.PARSER, parser
    try:
        load_yaml(data.encode("utf-8", "surrogatepass"), "x.yaml", line_offset=3)
    except StatsError as error:
        assert_located(error)
        assert error.line >= 4
    finally:
        yaml_nodes.PARSER = old


def load_or_report(stats_writer, metrics, snapshot) -> None:
    """Load a stats folder holding `snapshot` and a good one: it loads or raises a located StatsError."""
    with tempfile.TemporaryDirectory() as folder:
        stats = stats_writer(Path(folder), {"s.yaml": snapshot, "t.yml": SNAPSHOT}, metrics)
        try:
            data = load_stats(stats)
        except StatsError as error:
            for problem in error.errors:  # every problem of the folder, each one located line
                assert_located(problem)
                assert problem.path in ("stats/metrics.yaml", "stats/snapshots/s.yaml", "stats/snapshots/t.yml")
            assert str(error).splitlines() == [str(problem) for problem in error.errors]
        else:
            assert len(data.snapshots) == 2
            assert list(data.snapshots) == sorted(data.snapshots, key=lambda s: (s.date, s.filename))


@FUZZ
@given(snapshot=st.one_of(snapshots, raw_bytes))
def test_load_stats_loads_or_reports_snapshots(stats_writer, snapshot):
    load_or_report(stats_writer, METRICS, snapshot)


@FUZZ
@given(metrics=catalogues)
def test_load_stats_loads_or_reports_catalogues(stats_writer, metrics):
    load_or_report(stats_writer, metrics, SNAPSHOT)


@pytest.fixture(scope="module")
def chart_stats(stats_writer):
    """Return a small StatsData for chart blocks."""
    with tempfile.TemporaryDirectory() as folder:
        return load_stats(stats_writer(Path(folder), {"s.yaml": SNAPSHOT}, METRICS))


chart_ids = st.one_of(st.sampled_from(["youtube.subscribers", "site.visits"]), odd_metric_ids)
chart_trees = st.fixed_dictionaries(
    {"metrics": st.one_of(chart_ids, st.lists(chart_ids, max_size=3), trees)},
    optional={
        "type": st.sampled_from(["line", "area", "bar", "latest", "pie", ""]),
        "scale": st.sampled_from(["linear", "log", "logarithmic"]),
        "from": st.one_of(good_dates, st.sampled_from(WORDS)),
        "to": st.one_of(good_dates, st.sampled_from(WORDS)),
        "title": scalars,
        "caption": scalars,
        "titel": scalars,
    },
)
charts = st.one_of(chart_trees.map(lambda tree: yaml.safe_dump(tree, allow_unicode=True)), texts, st.text(max_size=100))


@FUZZ
@given(text=charts, line=st.integers(1, 10_000))
def test_parse_chart_block_parses_or_reports(chart_stats, text, line):
    try:
        spec = parse_chart_block(text, "content/posts/x.md", line, chart_stats)
    except StatsError as error:
        assert_located(error)
        assert error.path == "content/posts/x.md" and error.line > line
    else:
        assert spec.metrics and spec.line == line
        plot = build_plot(select(spec, chart_stats))
        go.Figure(plot)  # raises on any property plotly.js does not know
        prepared = prepare(plot)
        for name in VARIANTS:  # what the images and charts.js draw, too
            go.Figure(variant(prepared, name, theme_recipe(), "dark"))
