"""Every chart's sentence states its plotted first and last figures, never a bound as exact, and no false change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import FANS, VISITS, D, chart, observation, stats_data
from sentence_reader import (
    NBSP,
    NNBSP,
    NUMBER,
    SERIES,
    SINGLE,
    change_holds,
    check_figure,
    exact,
    number,
    ratio_claim_holds,
    ratio_kind,
    split_clauses,
    stated,
)
from transparency_stats.charts.plot import build_plot
from transparency_stats.charts.selection import select
from transparency_stats.charts.sentence import chart_sentence, duration_phrase, index_sentence
from transparency_stats.charts.spec import parse_chart_block
from transparency_stats.french import format_date, format_period
from transparency_stats.pages.views import metric_chart_spec
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import Metric

PROJECT = Path(__file__).resolve().parents[3]
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 300)), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def plain(text: str) -> str:
    """Return text with its no-break spaces as plain spaces, for readable expectations."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def expected_when(o) -> str:
    """Say when a figure was read, as a French reader expects it."""
    if o.start == o.end:
        return f"le {format_date(o.end)}"
    whole_month = o.start.day == 1 and (o.end + dt.timedelta(days=1)).day == 1 and o.start.month == o.end.month
    return f"{'en' if whole_month else 'sur'} {format_period(o.start, o.end)}"


def same_span(a, b) -> bool:
    """Tell whether two figures count over spans that compare: equal lengths, or two whole months."""

    def whole_month(o):
        return o.start.day == 1 and (o.end + dt.timedelta(days=1)).day == 1 and o.start.month == o.end.month

    return (a.end - a.start) == (b.end - b.start) or whole_month(a) and whole_month(b)


def series_problems(selection, figure, sentence) -> list[str]:
    """Check a line, area or bar chart's sentence against its traces, metric by metric."""
    clauses = split_clauses(sentence)
    if not selection.observations:
        return [] if sentence == "Aucun chiffre sur cette période." else [f"no figure, yet: {sentence!r}"]
    if len(clauses) != len(selection.metrics):
        return [f"{len(clauses)} clauses for {len(selection.metrics)} metrics: {sentence!r}"]
    problems = []
    for (label, rest), metric, trace in zip(clauses, selection.metrics, figure["data"], strict=True):
        figures = [o for o in selection.observations if o.metric == metric.id]
        amounts, labels = trace["y"], trace["customdata"] if "customdata" in trace else trace["text"]
        assert [exact(a) for a in amounts] == [exact(o.value.amount) for o in figures]  # the trace is this metric's
        if label != metric.label:
            problems.append(f"clause for {metric.label!r} says {label!r}")
        if not amounts:
            if rest != "aucun chiffre sur cette période":
                problems.append(f"{metric.label}: no figure plotted, yet {rest!r}")
            continue
        if len(amounts) == 1:
            m = SINGLE.fullmatch(rest)
            if not m:
                problems.append(f"{metric.label}: one figure, unreadable {rest!r}")
                continue
            problems += check_figure(stated(m), amounts[0], labels[0], expected_when(figures[0]))
            continue
        m = SERIES.fullmatch(rest)
        if not m:
            problems.append(f"{metric.label}: unreadable {rest!r}")
            continue
        first, last = stated(m, "first_"), stated(m, "last_")
        problems += check_figure(first, amounts[0], labels[0], expected_when(figures[0]))
        problems += check_figure(last, amounts[-1], labels[-1], expected_when(figures[-1]))
        if m["change"]:
            if not same_span(figures[0], figures[-1]):
                problems.append(f"{metric.label}: compares counts over spans of different lengths: {rest!r}")
                continue
            totals = figures[0].start == figures[0].end
            wrong = change_holds(m["change"], first, last, totals, figures[0].end, figures[-1].end)
            if wrong:
                problems.append(f"{metric.label}: {wrong}")
    return problems


def latest_problems(selection, figure, sentence) -> list[str]:
    """Check a latest chart's sentence against its bars: one clause per bar, then maybe a comparison."""
    if not selection.observations:
        return [] if sentence == "Aucun chiffre sur cette période." else [f"no figure, yet: {sentence!r}"]
    (trace,) = figure["data"]
    clauses = split_clauses(sentence)
    comparison = clauses.pop()[1] if clauses[-1][0] is None else None
    problems = []
    if [label for label, _ in clauses] != trace["y"]:
        problems.append(f"clauses {[label for label, _ in clauses]} for bars {trace['y']}")
    stated_figures = []
    for (label, rest), amount, text, o in zip(clauses, trace["x"], trace["text"], selection.observations, strict=True):
        m = SINGLE.fullmatch(rest)
        if not m:
            problems.append(f"{label}: unreadable {rest!r}")
            continue
        stated_figures.append(stated(m))
        problems += check_figure(stated(m), amount, text.split(" (")[0], expected_when(o))
    if comparison is not None:
        m = re.fullmatch(
            rf"le (premier|second) chiffre est (?:(plus de|au moins|environ) )?({NUMBER}) fois plus élevé", comparison
        )
        if not m or len(stated_figures) != 2:
            return problems + [f"unreadable comparison {comparison!r}"]
        a, b = stated_figures
        larger, smaller = (a, b) if m[1] == "premier" else (b, a)
        kind = ratio_kind(smaller.bound, larger.bound)
        metrics = [m for m in selection.metrics if m.id in {o.metric for o in selection.observations}]
        if len({(x.unit, x.kind) for x in metrics}) != 1:
            problems.append(f"compares metrics of different units or kinds: {comparison!r}")
        if not same_span(*selection.observations):
            problems.append(f"compares counts over spans of different lengths: {comparison!r}")
        if kind in (None, "at_most") or smaller.amount == 0:
            problems.append(f"{comparison!r}: the bounds ({smaller.bound}, {larger.bound}) do not tell which is larger")
        elif not ratio_claim_holds(m[2], number(m[3]), larger.amount / smaller.amount, kind) or number(m[3]) < 2:
            problems.append(f"{comparison!r} is false of {float(larger.amount / smaller.amount)} ({kind})")
    return problems


def index_problems(selection, figure) -> list[str]:
    """Check an index chart's traces: 100 at each series' first figure, then each figure over it (exact ones)."""
    problems = []
    for metric, trace in zip(selection.metrics, figure["data"], strict=True):
        figures = [o for o in selection.observations if o.metric == metric.id]
        if trace["y"][:1] != [100]:
            problems.append(f"{metric.label}: the index starts at {trace['y'][:1]}, not 100")
        for o, y in zip(figures[1:], trace["y"][1:], strict=True):
            if (figures[0].value.bound, o.value.bound) == ("exact", "exact") and same_span(figures[0], o):
                expected = round(100 * o.value.amount / figures[0].value.amount, 1)
                if y != expected:
                    problems.append(f"{metric.label}: index {y} for {o.value.amount}, expected {expected}")
    return problems


def sentence_problems(selection) -> list[str]:
    """Return what is wrong with a chart's sentence, compared with the figure it describes."""
    sentence = chart_sentence(selection)
    figure = build_plot(selection)
    if selection.spec.type == "latest":
        return latest_problems(selection, figure, sentence)
    if selection.spec.scale == "index":  # the sentence says what the index means, then the real figures
        prefix = index_sentence(selection) + " "
        if not sentence.startswith(prefix):
            return [f"an index chart's sentence must say what the index means: {sentence!r}"]
        real = dataclasses.replace(selection, spec=dataclasses.replace(selection.spec, scale="linear"))
        return index_problems(selection, figure) + series_problems(real, build_plot(real), sentence[len(prefix) :])
    return series_problems(selection, figure, sentence)


# --- The sentences of the demo site ------------------------------------------------------------


def demo_charts():
    """Return the selection of every chart of the demo posts, and of every metric's own chart."""
    stats = load_stats(PROJECT / "stats")
    found = []
    for post in sorted((PROJECT / "content").rglob("*.md")):
        lines = post.read_text(encoding="utf-8").splitlines()
        for line_number, line in enumerate(lines, 1):
            if line.strip() == "```chart":
                end = lines.index("```", line_number)
                spec = parse_chart_block("\n".join(lines[line_number:end]) + "\n", str(post), line_number, stats)
                found.append(pytest.param(select(spec, stats), id=f"{post.stem}:{line_number}"))
    for metric in stats.metrics.values():
        spec = metric_chart_spec(metric, len(stats.observations.get(metric.id, ())), stats.catalogue_path)
        found.append(pytest.param(select(spec, stats), id=f"metric:{metric.id}"))
    return found


DEMO_CHARTS = demo_charts()


def test_the_demo_has_charts_of_every_kind():
    types = {p.values[0].spec.type for p in DEMO_CHARTS}
    assert types == {"line", "bar", "latest"} and len(DEMO_CHARTS) > 20


@pytest.mark.parametrize("selection", DEMO_CHARTS)
def test_each_demo_sentence_states_the_plotted_figures_truly(selection):
    assert sentence_problems(selection) == [], chart_sentence(selection)


def test_the_demo_youtube_sentence():
    (selection,) = [p.values[0] for p in DEMO_CHARTS if "chaîne YouTube" in (p.values[0].spec.title or "")]
    assert plain(chart_sentence(selection)) == (
        "Abonnés YouTube : de 20 000 le 1er sept. 2016 à au moins 145 000 le 23 déc. 2016,"
        " soit au moins 7 fois plus en moins de quatre mois."
    )


# --- Cases, one by one ------------------------------------------------------------------------


def sentence_of(metrics, figures, **spec):
    """Return the sentence of a chart of these metrics' figures."""
    stats = stats_data(metrics, figures)
    return plain(chart_sentence(select(chart(*(m.id for m in metrics), **spec), stats)))


def test_a_lower_bound_at_the_end_makes_the_ratio_a_minimum():
    text = sentence_of(
        [FANS],
        [observation("fb_fans", D(2016, 9, 1), 20000), observation("fb_fans", D(2016, 12, 23), 145000, "at_least")],
    )
    assert text.endswith("soit au moins 7 fois plus en moins de quatre mois.")


def test_a_lower_bound_at_the_start_makes_the_ratio_a_maximum():
    text = sentence_of(
        [FANS],
        [observation("fb_fans", D(2016, 9, 1), 20000, "at_least"), observation("fb_fans", D(2016, 12, 1), 145000)],
    )
    assert text == (
        "Abonnés Facebook : d’au moins 20 000 le 1er sept. 2016 à 145 000 le 1er déc. 2016,"
        " soit au plus 8 fois plus en trois mois."
    )


def test_two_lower_bounds_say_no_change():
    text = sentence_of(
        [FANS],
        [
            observation("fb_fans", D(2016, 9, 1), 20000, "at_least"),
            observation("fb_fans", D(2016, 12, 1), 145000, "at_least"),
        ],
    )
    assert text == "Abonnés Facebook : d’au moins 20 000 le 1er sept. 2016 à au moins 145 000 le 1er déc. 2016."


def test_an_exact_ratio_that_is_not_whole_is_more_than_its_whole_part():
    text = sentence_of(
        [FANS], [observation("fb_fans", D(2016, 9, 1), 20000), observation("fb_fans", D(2016, 9, 24), 145000)]
    )
    assert text.endswith("soit plus de 7 fois plus en 23 jours.")


def test_approximations_give_an_approximate_change():
    text = sentence_of(
        [FANS], [observation("fb_fans", D(2016, 9, 1), 100, "about"), observation("fb_fans", D(2018, 10, 1), 130)]
    )
    assert text.endswith("soit une hausse d’environ 30 % en plus de deux ans.")


def test_a_fall_from_a_lower_bound_is_at_least_the_fall():
    text = sentence_of(
        [FANS], [observation("fb_fans", D(2016, 9, 1), 100, "at_least"), observation("fb_fans", D(2016, 10, 1), 70)]
    )
    assert text.endswith("soit une baisse d’au moins 30 % en un mois.")


def test_a_rise_to_a_lower_bound_below_the_start_says_no_change():
    text = sentence_of(
        [FANS], [observation("fb_fans", D(2016, 9, 1), 100), observation("fb_fans", D(2016, 10, 1), 70, "at_least")]
    )
    assert "soit" not in text


def test_a_month_and_23_days_are_not_compared():
    text = sentence_of(
        [VISITS],
        [
            observation("site_visits", D(2016, 11, 1), 21960, end=D(2016, 11, 30)),
            observation("site_visits", D(2016, 12, 1), 17000, end=D(2016, 12, 23)),
        ],
        type="bar",
    )
    assert text == "Visites du site : de 21 960 en novembre 2016 à 17 000 sur 1er–23 déc. 2016."


def test_two_whole_months_of_different_lengths_are_compared_without_a_duration():
    text = sentence_of(
        [VISITS],
        [
            observation("site_visits", D(2016, 10, 1), 13000, end=D(2016, 10, 31)),
            observation("site_visits", D(2016, 11, 1), 20200, end=D(2016, 11, 30)),
        ],
        type="bar",
    )
    assert text == (
        "Visites du site : de 13 000 en octobre 2016 à 20 200 en novembre 2016, soit une hausse de plus de 55 %."
    )


def test_a_single_figure_is_stated_with_its_bound():
    text = sentence_of([FANS], [observation("fb_fans", D(2017, 1, 5), 180000, "at_least")], type="latest")
    assert text == "Abonnés Facebook : au moins 180 000 le 5 janv. 2017."


def test_several_metrics_get_one_clause_each():
    followers = Metric("tw", "Abonnés Twitter", "total", unit="abonnés")
    text = sentence_of(
        [FANS, followers],
        [
            observation("fb_fans", D(2016, 10, 1), 100),
            observation("fb_fans", D(2016, 11, 1), 200),
            observation("tw", D(2016, 10, 1), 300),
            observation("tw", D(2016, 11, 1), 300),
        ],
    )
    assert text == (
        "Abonnés Facebook : de 100 le 1er oct. 2016 à 200 le 1er nov. 2016, soit 2 fois plus en un mois ;"
        " Abonnés Twitter : de 300 le 1er oct. 2016 à 300 le 1er nov. 2016, soit le même chiffre."
    )


def test_a_metric_without_figures_in_the_window_says_so():
    followers = Metric("tw", "Abonnés Twitter", "total")
    text = sentence_of([FANS, followers], [observation("fb_fans", D(2016, 10, 1), 100)])
    assert text == "Abonnés Facebook : 100 le 1er oct. 2016 ; Abonnés Twitter : aucun chiffre sur cette période."


def test_latest_compares_two_figures_of_one_unit_when_the_bounds_allow():
    sarkozy = Metric("s", "Abonnés de N. S.", "total", unit="abonnés")
    figures = [observation("fb_fans", D(2016, 12, 23), 145000, "at_least"), observation("s", D(2016, 12, 23), 7500)]
    text = sentence_of([FANS, sarkozy], figures, type="latest")
    assert text == (
        "Abonnés Facebook : au moins 145 000 le 23 déc. 2016 ; Abonnés de N. S. : 7 500 le 23 déc. 2016 ;"
        " le premier chiffre est au moins 19 fois plus élevé."
    )
    figures = [observation("fb_fans", D(2016, 12, 23), 145000), observation("s", D(2016, 12, 23), 7500, "at_least")]
    assert "élevé" not in sentence_of([FANS, sarkozy], figures, type="latest")  # which is larger is unknown


def test_latest_never_compares_different_units():
    views = Metric("v", "Vues", "total", unit="vues")
    figures = [observation("fb_fans", D(2016, 12, 23), 145000), observation("v", D(2016, 12, 23), 7500)]
    assert "élevé" not in sentence_of([FANS, views], figures, type="latest")


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2016, 9, 1), D(2016, 9, 2), "en un jour"),
        (D(2016, 9, 1), D(2016, 9, 24), "en 23 jours"),
        (D(2016, 9, 1), D(2016, 10, 1), "en un mois"),
        (D(2016, 1, 31), D(2016, 2, 29), "en un mois"),
        (D(2016, 1, 31), D(2016, 2, 28), "en 28 jours"),
        (D(2016, 9, 1), D(2016, 12, 23), "en moins de quatre mois"),
        (D(2016, 1, 1), D(2017, 1, 1), "en douze mois"),
        (D(2016, 1, 1), D(2017, 1, 2), "en moins de 13 mois"),
        (D(2016, 1, 1), D(2018, 1, 1), "en deux ans"),
        (D(2016, 1, 1), D(2018, 3, 1), "en plus de deux ans"),
    ],
)
def test_durations(start, end, expected):
    assert duration_phrase(start, end) == expected


def test_the_reader_catches_a_false_sentence(monkeypatch):
    """The checks bite: a sentence that drops a bound, or claims an exact ratio, is reported."""
    from transparency_stats.charts import sentence

    selection = select(
        chart("fb_fans"),
        stats_data(
            [FANS],
            [observation("fb_fans", D(2016, 9, 1), 20000), observation("fb_fans", D(2016, 12, 23), 145000, "at_least")],
        ),
    )
    assert sentence_problems(selection) == []
    monkeypatch.setitem(sentence.BOUND_WORDS, "at_least", "")
    assert any("as exact where the chart shows '≥" in p for p in sentence_problems(selection))
    monkeypatch.undo()
    monkeypatch.setattr(sentence, "times_phrase", lambda ratio: "7 fois plus")
    assert any("is not what a ratio" in p for p in sentence_problems(selection))


# --- Generated charts ---------------------------------------------------------------------------

days = st.dates(dt.date(2015, 1, 1), dt.date(2019, 12, 31))
amounts = st.one_of(
    st.integers(0, 10**9), st.integers(0, 10**6).map(lambda n: n / 100), st.sampled_from([1, 2, 3, 100, 150, 200, 1000])
)
bounds = st.sampled_from(["exact", "exact", "at_least", "about"])


@st.composite
def spans(draw, kind: str):
    """Draw a day (totals) or a period: a whole month or a range of 1 to 40 days."""
    start = draw(days)
    if kind == "total":
        return start, start
    if draw(st.booleans()):
        start = start.replace(day=1)
        return start, (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, start + dt.timedelta(days=draw(st.integers(1, 40)))


@st.composite
def generated_charts(draw):
    """Draw 1 to 3 metrics with 0 to 5 figures each, and a chart of them."""
    metrics, figures = [], []
    for index in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["total", "period"]))
        metric = Metric(f"m{index}", f"Métrique {index}", kind, unit=draw(st.sampled_from(["abonnés", "vues"])))
        metrics.append(metric)
        for start, end in draw(st.lists(spans(kind), max_size=5, unique=True)):
            figures.append(observation(metric.id, start, draw(amounts), draw(bounds), end=end))
    spec = chart(*(m.id for m in metrics), type=draw(st.sampled_from(["line", "area", "bar", "latest"])))
    return select(spec, stats_data(metrics, figures))


@FUZZ
@given(generated_charts())
def test_every_generated_sentence_states_the_plotted_figures_truly(selection):
    assert sentence_problems(selection) == [], chart_sentence(selection)


@FUZZ
@given(first=amounts, last=amounts, first_bound=bounds, last_bound=bounds, start=days, gap=st.integers(1, 2000))
def test_every_change_between_two_totals_is_true(first, last, first_bound, last_bound, start, gap):
    """Two figures, every pair of bounds: the change stated (if any) is true of the figures."""
    figures = [
        observation("fb_fans", start, first, first_bound),
        observation("fb_fans", start + dt.timedelta(days=gap), last, last_bound),
    ]
    selection = select(chart("fb_fans"), stats_data([FANS], figures))
    assert sentence_problems(selection) == [], chart_sentence(selection)
