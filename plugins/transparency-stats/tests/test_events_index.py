"""Events on charts and the index scale: the catalogue, the chart block's errors, what is drawn and said."""

from __future__ import annotations

import dataclasses

import pytest

from factories import FANS, VISITS, D, chart, observation, stats_data
from transparency_stats.charts.html import render_chart
from transparency_stats.charts.marks import format_index, series_indexes
from transparency_stats.charts.plot import build_plot
from transparency_stats.charts.selection import select
from transparency_stats.charts.sentence import chart_sentence
from transparency_stats.charts.spec import parse_chart_block
from transparency_stats.errors import StatsError
from transparency_stats.pages.events import events_csv
from transparency_stats.stats.events import Event
from transparency_stats.stats.loader import load_stats

POST = "content/posts/x.md"
METRICS = "subs:\n  label: Abonnés\n  kind: total\nnew:\n  label: Nouveaux\n  kind: period\n"
SNAPSHOTS = {
    "a.yaml": "date: 2016-09-01\nsource: s\ntotals:\n  subs: 20000\n",
    "b.yaml": "date: 2016-12-23\nsource: s\ntotals:\n  subs: {at_least: 145000}\nperiods:\n  new:\n    2016-11: 40\n",
}
EVENTS = """\
revue-1:
  date: 2016-10-08
  label: 1er épisode
  url: https://youtu.be/ynfJBfJKzFw
tournee:
  from: 2016-11-01
  to: 2016-11-20
  label: La tournée <b>
later:
  date: 2017-03-01
  label: Plus tard
"""


@pytest.fixture(scope="module")
def stats(tmp_path_factory, stats_writer):
    folder = stats_writer(tmp_path_factory.mktemp("events"), SNAPSHOTS, METRICS)
    (folder / "events.yaml").write_text(EVENTS, encoding="utf-8")
    return load_stats(folder)


def error_of(text: str, stats) -> str:
    with pytest.raises(StatsError) as caught:
        parse_chart_block(text, POST, 10, stats)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def catalogue_errors(tmp_path, stats_writer, text: str) -> list[str]:
    folder = stats_writer(tmp_path, SNAPSHOTS, METRICS)
    (folder / "events.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(StatsError) as caught:
        load_stats(folder)
    return [str(e) for e in caught.value.errors]


def test_the_catalogue_reads_days_and_spans(stats):
    assert stats.events["revue-1"] == Event(
        "revue-1", "1er épisode", D(2016, 10, 8), D(2016, 10, 8), "https://youtu.be/ynfJBfJKzFw", None, 1
    )
    assert stats.events["tournee"].is_span and stats.events["tournee"].end == D(2016, 11, 20)
    assert events_csv(stats).splitlines()[:2] == [
        "id,label,start,end,url,description",
        "revue-1,1er épisode,2016-10-08,2016-10-08,https://youtu.be/ynfJBfJKzFw,",
    ]


def test_every_catalogue_problem_is_one_line_all_at_once(tmp_path, stats_writer):
    errors = catalogue_errors(
        tmp_path,
        stats_writer,
        "Bad:\n  date: 2016-10-08\n  label: x\n"
        "a:\n  label: x\n"
        "b:\n  date: 2016-10-08\n  from: 2016-10-01\n  to: 2016-10-09\n  label: x\n"
        "c:\n  from: 2016-10-09\n  to: 2016-10-01\n  label: x\n"
        "d:\n  date: 2016-10-08\n  label: x\n  url: ftp://x\n"
        "e:\n  date: 2016-10-08\n  labl: x\n",
    )
    assert errors == [
        "stats/events.yaml:1:1: 'Bad' is not a valid event id"
        " — use lowercase letters, digits, '.', '_' and '-', like revue-1",
        "stats/events.yaml:4:1: event 'a' has no date — add date: 2016-10-08, or from: and to: for a span",
        "stats/events.yaml:8:3: event 'b' has both date: and from:/to:"
        " — keep date: for a day, or from: and to: for a span",
        "stats/events.yaml:12:3: from (2016-10-09) is after to (2016-10-01) — swap the two dates",
        errors[4],
        "stats/events.yaml:21:3: unknown key 'labl' in event 'e' — did you mean 'label'?",
    ]
    assert errors[4].startswith("stats/events.yaml:18:")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("metrics: subs\nevents: [revue-2]\n", "12:10: unknown event 'revue-2' — did you mean 'revue-1'?"),
        (
            "metrics: subs\nevents: [later]\n",
            "12:10: event 'later' (2017-03-01) is outside this chart's window (2016-09-01 to 2016-12-23)"
            " — widen from/to, or remove the event",
        ),
        (
            "metrics: subs\nfrom: 2016-11-01\nto: 2016-12-31\nevents: [revue-1]\n",
            "14:10: event 'revue-1' (2016-10-08) is outside this chart's window (2016-11-01 to 2016-12-31)",
        ),
        ("metrics: subs\ntype: latest\nevents: [revue-1]\n", "13:1: events on a latest chart, which has no time axis"),
        ("metrics: subs\nto: latest\nevents: [revue-1]\n", "13:1: events on a chart that follows the latest figures"),
        ("metrics: subs\nevents: [revue-1, revue-1]\n", "12:19: event 'revue-1' is listed twice"),
        ("metrics: new\nscale: index\n", "12:1: scale: index needs a line or area chart, not bar"),
        ("metrics: new\nevents: [tournee]\n", "12:1: events on a bar chart, whose axis lists periods, not days"),
    ],
)
def test_chart_block_errors(stats, block, message):
    assert error_of(block, stats).startswith(f"{POST}:{message}")


def test_events_are_drawn_as_lines_and_bands_with_numbered_markers_and_listed_under_the_chart(stats):
    spec = parse_chart_block("metrics: subs\nevents: [revue-1, tournee]\n", POST, 10, stats)
    selection = select(spec, stats)
    layout = build_plot(selection)["layout"]
    line, band = layout["shapes"]
    assert (line["type"], line["x0"], line["x1"], line["yref"]) == ("line", "2016-10-08", "2016-10-08", "paper")
    assert (band["type"], band["x0"], band["x1"]) == ("rect", "2016-11-01", "2016-11-20")
    markers = [(a["text"], a["x"], a["y"], a["yanchor"]) for a in layout["annotations"]]
    assert markers == [("1", "2016-10-08", 1, "bottom"), ("2", "2016-11-10", 1, "bottom")]  # above the plot area
    html = render_chart(selection, "c-1", "/d/c-1.csv")
    assert (
        '<div class="ts-chart__events"><p>Repères\u00a0:</p><ol><li>8\u00a0oct. 2016 — '
        '<a href="https://youtu.be/ynfJBfJKzFw">1er\u00a0épisode</a></li>'
        "<li>1er–20\u00a0nov. 2016 — La tournée &lt;b&gt;</li></ol></div>"
    ) in html


def test_index_values_keep_the_real_figures_and_honest_bounds():
    figures = [
        observation("fb_fans", D(2016, 9, 1), 20000),
        observation("fb_fans", D(2016, 10, 1), 30000),
        observation("fb_fans", D(2016, 12, 23), 145000, "at_least"),
    ]
    assert [format_index(i) for i in series_indexes(figures)] == ["100", "150", "≥\u00a0725"]
    from_minimum = [
        observation("fb_fans", D(2016, 9, 1), 20000, "at_least"),
        observation("fb_fans", D(2016, 10, 1), 30000),
    ]
    assert [format_index(i) for i in series_indexes(from_minimum)] == ["100", "≤\u00a0150"]
    two_minimums = [from_minimum[0], observation("fb_fans", D(2016, 10, 1), 30000, "at_least")]
    assert series_indexes(two_minimums)[1] is None
    months = [
        observation("site_visits", D(2016, 10, 1), 100, end=D(2016, 10, 31)),
        observation("site_visits", D(2016, 12, 1), 90, end=D(2016, 12, 23)),
    ]
    assert series_indexes(months)[1] is None  # 23 days are not compared with a month

    stats = stats_data([FANS, VISITS], figures)
    selection = select(dataclasses.replace(chart("fb_fans"), scale="index"), stats)
    trace = build_plot(selection)["data"][0]
    assert trace["y"] == [100.0, 150.0, 725.0]
    assert trace["customdata"] == ["100 (20\u202f000)", "150 (30\u202f000)", "≥\u00a0725 (≥\u00a0145\u202f000)"]
    assert trace["marker"]["symbol"] == ["circle", "circle", "triangle-up"]
    html = render_chart(selection, "c-1", "/d/c-1.csv")
    assert "<td>≥\u00a0145\u202f000 (indice\u00a0≥\u00a0725)</td>" in html
    assert chart_sentence(selection).startswith("En indice, chaque série vaut 100 à son premier chiffre du graphique")


def test_markers_of_close_events_go_on_separate_rows_and_say_their_label_on_hover(tmp_path, stats_writer):
    folder = stats_writer(tmp_path, SNAPSHOTS, METRICS)
    (folder / "events.yaml").write_text(
        "a:\n  date: 2016-10-08\n  label: A\nb:\n  date: 2016-10-10\n  label: B\nc:\n  date: 2016-12-01\n  label: C\n",
        encoding="utf-8",
    )
    stats = load_stats(folder)
    figure = build_plot(select(parse_chart_block("metrics: subs\nevents: [a, b, c]\n", POST, 10, stats), stats))
    markers = figure["layout"]["annotations"]
    assert [m["yshift"] for m in markers] == [0, 18, 0]  # b is two days after a: one row up; c has room
    assert figure["layout"]["margin"]["t"] == 48
    assert markers[1]["hovertext"] == "10\u00a0oct. 2016 — B" and "captureevents" not in markers[1]
