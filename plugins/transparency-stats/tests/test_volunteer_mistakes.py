"""Mistakes a volunteer makes that used to publish something wrong without an error, and corrections in the open."""

from __future__ import annotations

import datetime as dt

import pytest

from transparency_stats.charts.spec import parse_chart_block
from transparency_stats.errors import StatsError
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import Value

D = dt.date


def snapshot(body: str, date: str = "2016-12-23", source: str = "YouTube Studio") -> str:
    """Return a snapshot file's text."""
    return f"date: {date}\nsource: {source}\n{body}"


def problems_of(stats) -> list[str]:
    """Return every problem the loader reports, one line each."""
    with pytest.raises(StatsError) as caught:
        load_stats(stats)
    return [str(problem) for problem in caught.value.errors]


# 1. A French thousands dot


def test_a_thousands_dot_is_refused_for_a_whole_count(make_stats):
    stats = make_stats({"s.yaml": snapshot("totals:\n  youtube.subscribers: 210.000\n")})
    assert problems_of(stats) == [
        "stats/snapshots/s.yaml:4:24: '210.000' is ambiguous — write 210000 (digits only), or 210.0 if you mean 210:"
        " 'youtube.subscribers' counts whole units"
    ]


def test_a_thousands_dot_with_other_digits_says_digits_only(make_stats):
    (problem,) = problems_of(make_stats({"s.yaml": snapshot("totals:\n  youtube.subscribers: 1.500\n")}))
    assert problem.endswith("'1.500' is ambiguous — write 1500 (digits only): 'youtube.subscribers' counts whole units")


def test_a_fraction_of_a_person_is_refused(make_stats):
    (problem,) = problems_of(make_stats({"s.yaml": snapshot("totals:\n  youtube.subscribers: 2.5\n")}))
    assert "'2.5' has more decimals than 'youtube.subscribers' allows (whole units)" in problem
    assert problem.endswith("set 'decimals: 1' for this metric in stats/metrics.yaml")


def test_a_metric_with_decimals_takes_them_up_to_its_limit(make_stats):
    data = load_stats(make_stats({"s.yaml": snapshot("totals:\n  site.rating: 210.000\n  twitter.followers: 3\n")}))
    assert data.observations["site.rating"][0].value == Value(210.0)
    (problem,) = problems_of(make_stats({"s.yaml": snapshot("totals:\n  site.rating: 3.125\n")}))
    assert "'3.125' has more decimals than 'site.rating' allows (at most 2 decimal(s))" in problem


@pytest.mark.parametrize("decimals", ["-1", "7", "two", "1.5", "'2'"])
def test_decimals_must_be_a_small_whole_number(make_stats, decimals):
    metrics = f"m:\n  label: M\n  kind: total\n  decimals: {decimals}\n"
    (problem,) = problems_of(make_stats({}, metrics=metrics))
    assert problem.startswith("stats/metrics.yaml:4:13: decimals must be a whole number from 0 to 6")


# 2. A total that collapses


def test_a_total_falling_below_half_fails_naming_both_snapshots_and_values(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\n"),
            "b.yaml": snapshot("totals:\n  youtube.subscribers: 210\n", date="2017-02-01"),
        }
    )
    assert problems_of(stats) == [
        "stats/snapshots/b.yaml:4:3: 'youtube.subscribers' falls from 145000 on 2016-12-23"
        " (stats/snapshots/a.yaml:4) to 210 on 2017-02-01, less than half — check the figure (a dot is not a"
        " thousands separator: write 210000); if the fall is real, write it {value: 210, fall: why it fell}"
        " and the reason is published"
    ]


def test_a_declared_fall_is_published_with_its_reason(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\n"),
            "b.yaml": snapshot(
                "totals:\n  youtube.subscribers: {value: 210, fall: Chaîne recréée après un piratage}\n",
                date="2017-02-01",
            ),
        }
    )
    latest = load_stats(stats).observations["youtube.subscribers"][-1]
    assert (latest.value, latest.note) == (Value(210), "Chaîne recréée après un piratage")


def test_a_smaller_fall_is_allowed(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\n"),
            "b.yaml": snapshot("totals:\n  youtube.subscribers: 72500\n", date="2017-02-01"),
        }
    )
    assert [o.value.amount for o in load_stats(stats).observations["youtube.subscribers"]] == [145000, 72500]


# 5. A hashtag read as a comment


@pytest.mark.parametrize("where", ["snapshot", "catalogue", "chart"])
def test_a_hashtag_after_a_text_value_is_refused_everywhere(make_stats, where):
    if where == "snapshot":
        stats = make_stats({"s.yaml": snapshot("note: Merci à vous #JLM2017\ntotals:\n  youtube.subscribers: 1\n")})
        (problem,) = problems_of(stats)
        assert problem.startswith(
            "stats/snapshots/s.yaml:3:20: YAML reads ' #JLM2017' as a comment — put the whole text in quotes"
        )
    elif where == "catalogue":
        (problem,) = problems_of(make_stats({}, metrics="m:\n  label: Abonnés #JLM2017\n  kind: total\n"))
        assert problem.startswith("stats/metrics.yaml:2:18: YAML reads ' #JLM2017' as a comment")
    else:
        stats = load_stats(make_stats({"s.yaml": snapshot("totals:\n  youtube.subscribers: 1\n")}))
        with pytest.raises(StatsError) as caught:
            parse_chart_block(
                "metrics: youtube.subscribers\ncaption: Merci à vous #JLM2017\n", "content/posts/x.md", 10, stats
            )
        assert str(caught.value).startswith("content/posts/x.md:12:23: YAML reads ' #JLM2017' as a comment")


def test_a_spaced_comment_stays_a_comment(make_stats):
    stats = make_stats({"s.yaml": snapshot("note: Merci # relu par Marie\ntotals:\n  youtube.subscribers: 1 #x\n")})
    assert load_stats(stats).snapshots[0].note == "Merci"


# 6. The snapshot template's placeholder and instructions


def test_the_templates_placeholder_source_and_instructions_are_never_published(make_stats):
    text = (
        "# (modèle) Relevé du 2016-12-23 : remplissez puis supprimez ces lignes.\n"
        'date: 2016-12-23\nsource: "À compléter : d\'où viennent ces chiffres"\n'
        "totals:\n  youtube.subscribers: 145000  # (modèle) exemple\n"
    )
    problems = problems_of(make_stats({"s.yaml": text}))
    assert [p.split(": ", 1)[0] for p in problems] == [
        "stats/snapshots/s.yaml:1:1",
        "stats/snapshots/s.yaml:3:9",
        "stats/snapshots/s.yaml:5:32",
    ]
    assert "still the template's placeholder" in problems[1] and "still the template's instruction" in problems[2]


# 7. A month that is not over


def test_a_month_not_over_on_the_snapshots_date_is_refused(make_stats):
    (problem,) = problems_of(
        make_stats({"s.yaml": snapshot("periods:\n  site.visits:\n    2017-02: 12000\n", date="2017-02-01")})
    )
    assert problem == (
        "stats/snapshots/s.yaml:5:5: period '2017-02' is not over on this snapshot's date (2017-02-01)"
        " — write the days counted so far, like 2017-02-01..2017-02-01"
    )


def test_a_month_read_on_its_last_day_is_whole(make_stats):
    stats = make_stats({"s.yaml": snapshot("periods:\n  site.visits:\n    2017-02: 12000\n", date="2017-02-28")})
    assert load_stats(stats).observations["site.visits"][0].end == D(2017, 2, 28)


# Every problem at once


def test_every_problem_of_every_file_is_reported(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 210.000\n  twitter.followers: -3\n"),
            "b.yaml": snapshot("totals:\n  youtube.subscriber: 5\n"),
        }
    )
    problems = problems_of(stats)
    assert [p.split(" ", 1)[0] for p in problems] == [
        "stats/snapshots/a.yaml:4:24:",
        "stats/snapshots/a.yaml:5:22:",
        "stats/snapshots/b.yaml:4:3:",
    ]


# Corrections in the open


def corrected(make_stats, correction: str):
    return make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\nperiods:\n  site.visits:\n    2016-11: 900\n"),
            "b.yaml": snapshot("totals:\n  twitter.followers: 10\ncorrections:\n" + correction, date="2017-01-05"),
        }
    )


def test_a_later_snapshot_corrects_a_figure_with_a_reason(make_stats):
    stats = corrected(
        make_stats,
        "  - {metric: youtube.subscribers, date: 2016-12-23, value: 146000,"
        " reason: Erreur de saisie}\n  - metric: site.visits\n    period: 2016-11\n"
        "    value: {about: 950}\n    reason: Chiffre arrondi\n",
    )
    data = load_stats(stats)
    (figure,) = data.observations["youtube.subscribers"]
    assert (figure.value, figure.snapshot.filename, figure.note) == (Value(146000), "b.yaml", "Erreur de saisie")
    assert [(c.old.value, c.new.value, c.old.snapshot.filename, c.reason) for c in data.corrections] == [
        (Value(145000), Value(146000), "a.yaml", "Erreur de saisie"),
        (Value(900), Value(950, "about"), "a.yaml", "Chiffre arrondi"),
    ]


@pytest.mark.parametrize(
    "correction, message",
    [
        (
            "  - {metric: youtube.subscribers, date: 2016-12-24, value: 1, reason: x}\n",
            "no earlier figure of 'youtube.subscribers' on 2016-12-24 to correct",
        ),
        (
            "  - {metric: youtube.subscribers, date: 2016-12-23, value: 145000, reason: x}\n",
            "'youtube.subscribers' on 2016-12-23 is already 145000",
        ),
        (
            "  - {metric: twitter.followers, date: 2017-01-05, value: 11, reason: x}\n",
            "this snapshot corrects its own figure of 'twitter.followers' on 2017-01-05",
        ),
        ("  - {metric: youtube.subscribers, date: 2016-12-23, value: 146000}\n", "this correction has no 'reason'"),
        (
            "  - {metric: instagram.followers, date: 2016-12-23, value: 1, reason: x}\n",
            "unknown metric 'instagram.followers'",
        ),
    ],
)
def test_a_correction_that_corrects_nothing_is_refused(make_stats, correction, message):
    (problem,) = problems_of(corrected(make_stats, correction))
    assert problem.startswith("stats/snapshots/b.yaml:") and message in problem, problem


def test_an_undeclared_conflict_stays_an_error(make_stats):
    stats = make_stats(
        {
            "a.yaml": snapshot("totals:\n  youtube.subscribers: 145000\n"),
            "b.yaml": snapshot("totals:\n  youtube.subscribers: 146000\n", date="2016-12-23"),
        }
    )
    (problem,) = problems_of(stats)
    assert "is 146000 here but 145000 in stats/snapshots/a.yaml:4" in problem
    assert "correct the published figure in the open under 'corrections:'" in problem
