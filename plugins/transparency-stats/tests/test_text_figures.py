"""Figures in the text: `{{ }}` keeps its file position, fills from the data, says only what the data knows."""

from __future__ import annotations

import markdown
import pytest

from factories import FANS, VISITS, D, observation, snapshot, stats_data
from transparency_stats.charts.blocks import ChartExtension
from transparency_stats.charts.figure_syntax import FigureExtension, split_figures
from transparency_stats.charts.text_figures import FigureFill, fill_figures, said_amount
from transparency_stats.errors import StatsError
from transparency_stats.stats.dated import as_of
from transparency_stats.stats.model import Correction, Metric, Value

POST = "content/posts/p.md"


def convert(text: str) -> str:
    return markdown.Markdown(extensions=[FigureExtension(), ChartExtension(), "meta", "extra"]).convert(text)


def payloads(html: str) -> list[dict]:
    return [piece for kind, piece in split_figures(html) if kind == "figure"]


def demo_stats():
    later = snapshot(D(2017, 2, 1), source="Bilan de février")
    return stats_data(
        [FANS, VISITS],
        [
            observation("fb_fans", D(2016, 9, 1), 20000),
            observation("fb_fans", D(2016, 11, 30), 80000),
            observation("fb_fans", D(2016, 12, 23), 145000, "at_least"),
            observation("fb_fans", D(2017, 2, 1), 300000, read_in=later),
            observation("site_visits", D(2016, 11, 1), 21960, end=D(2016, 11, 30)),
            observation("site_visits", D(2016, 8, 1), 3720, end=D(2016, 8, 31)),
            observation("site_visits", D(2016, 12, 1), 17000, "at_least", end=D(2016, 12, 23)),
            observation("site_visits", D(2016, 12, 4), 60_000_000, "about", end=D(2016, 12, 31)),
        ],
    )


POST_DATE = D(2017, 1, 5)


def fill(text: str, stats=None, dated=POST_DATE, plain=False) -> str:
    stats = stats or demo_stats()
    known = as_of(stats, dated) if dated else stats
    urls = {m: f"/transparence/{m}/" for m in stats.metrics}
    return fill_figures(
        convert(text), FigureFill(known, stats, dated, urls, lambda c: "/transparence/#c"), POST, plain=plain
    )


def problems(text: str, **kwargs) -> list[str]:
    with pytest.raises(StatsError) as caught:
        fill(text, **kwargs)
    return [str(e) for e in caught.value.errors]


def test_a_figure_keeps_its_line_and_column_in_the_file_header_included():
    html = convert(
        "Title: x\nDate: 2017-01-05\n\nIntro.\n\nLa page compte {{ fb_fans }} abonnés, {{ fb_fans @ 2016-11-30 }}.\n"
    )
    assert [(p["text"], p["line"], p["column"]) for p in payloads(html)] == [
        ("fb_fans", 6, 16),
        ("fb_fans @ 2016-11-30", 6, 39),
    ]


def test_braces_in_code_spans_code_blocks_and_escaped_stay_literal():
    html = convert(
        "Code `{{ fb_fans }}` ici, \\{{ échappé }}.\n\n    {{ indenté }}\n\n"
        "```\n{{ clôturé }}\n```\n\nEt {{ fb_fans }}.\n"
    )
    assert [p["text"] for p in payloads(html)] == ["fb_fans"]
    assert "<code>{{ fb_fans }}</code>" in html and "{{ échappé }}" in html
    assert "{{ indenté }}" in html and "{{ clôturé }}" in html
    assert payloads(html)[0]["line"] == 9


def test_a_figure_is_a_link_to_its_metric_page_with_source_and_date_on_hover_and_for_screen_readers():
    html = fill("Nous avons {{ fb_fans }} abonnés.")
    said = (
        "au moins 145\u202f000 (Abonnés Facebook\u00a0: au moins 145\u202f000\u00a0le 23\u00a0déc. 2016"
        " — source\u00a0: Facebook Insights)"
    )
    assert html == (
        f'<p>Nous avons <a class="ts-figure" href="/transparence/fb_fans/" title="{said}" aria-label="{said}">'
        "au moins 145\u202f000</a>\u00a0abonnés.</p>"  # the figure stays with its word
    )
    assert fill("{{ fb_fans }}, puis {{ fb_fans }} 2016 et {{ fb_fans }}\nsoutiens", plain=True) == (
        "<p>au moins 145\u202f000, puis au moins 145\u202f000 2016 et au moins 145\u202f000\u00a0soutiens</p>"
    )


def test_a_post_shows_the_latest_figure_known_on_its_date_a_page_the_newest():
    assert "au moins 145\u202f000" in fill("{{ fb_fans }}")
    assert "300\u202f000" in fill("{{ fb_fans }}", dated=None)
    assert "300\u202f000" in fill("{{ fb_fans @ latest }}")
    assert "80\u202f000" in fill("{{ fb_fans }}", dated=D(2016, 12, 1))


def test_period_forms_and_plain_words():
    assert fill("{{ site_visits @ 2016-11 }}", plain=True) == "<p>21\u202f960</p>"
    assert fill("{{ site_visits @ 2016-12-01..2016-12-23 }}", plain=True) == "<p>au moins 17\u202f000</p>"
    assert fill("{{ site_visits @ 2016-12-04..2016-12-31 }}", plain=True) == "<p>environ 60\u00a0millions</p>"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (Value(145000, "at_least"), "au moins 145\u202f000"),
        (Value(60_000_000, "about"), "environ 60\u00a0millions"),
        (Value(2_600_000, "at_least"), "au moins 2,6\u00a0millions"),
        (Value(1_500_000), "1,5\u00a0million"),
        (Value(1_000_000, "at_least"), "au moins 1\u00a0million"),
        (Value(1_234_567), "1\u202f234\u202f567"),
        (Value(7500), "7\u202f500"),
    ],
)
def test_large_round_figures_are_said_in_millions(value, said):
    assert said_amount(value) == said


def test_changes_use_the_chart_sentences_honest_words():
    assert fill("{{ fb_fans @ 2016-09-01 -> 2016-12-23 }}", plain=True) == "<p>au moins 7\u00a0fois plus</p>"
    assert fill("{{ fb_fans @ 2016-11-30 -> 2016-12-23 }}", plain=True) == "<p>une hausse d’au moins 65\u202f000</p>"
    assert fill("{{ site_visits @ 2016-08 -> 2016-11 }}", plain=True) == "<p>plus de 5\u00a0fois plus</p>"


def test_every_problem_is_one_line_at_its_file_line_and_column_all_at_once():
    lines = problems(
        "Title: x\n\n"
        "A {{ fb_fan }}.\n"
        "B {{ fb_fans @ 2016-11-29 }}.\n"
        "C {{ fb_fans @ 2016-11 }}.\n"
        "D {{ site_visits @ 2016-12-05 }}.\n"
        "E {{ site_visits @ 2016-11 -> 2016-12-01..2016-12-23 }}.\n"
        "F {{ fb_fans @ }}.\n"
        "G {{ fb_fans\n"
        "H {{ fb_fans @ 2017-02-01 }}.\n"
        "I {{ }}.\n"
    )
    assert lines == [
        f"{POST}:3:3: unknown metric 'fb_fan' — did you mean 'fb_fans'? If not, add the new metric to "
        "stats/metrics.yaml (or with `invoke metric`)",
        f"{POST}:4:3: no figure of 'fb_fans' on 2016-11-29 — the nearest figures are @ 2016-09-01 or @ 2016-11-30",
        f"{POST}:5:3: 'fb_fans' is a total, read on a day: 2016-11 is a period — write a day that has a figure, "
        "e.g. @ 2016-09-01 or @ 2016-11-30 or @ 2016-12-23",
        f"{POST}:6:3: 'site_visits' counts over periods and has no count for the single day 2016-12-05 — "
        "name one of its periods: @ 2016-11 or @ 2016-12-01..2016-12-23 or @ 2016-12-04..2016-12-31",
        f"{POST}:7:3: the change of 'site_visits' from 2016-11 to 2016-12-01..2016-12-23 cannot be stated "
        "(21\u202f960 en novembre 2016, au moins 17\u202f000 sur 1er–23 déc. 2016) — two minimums, or counts over "
        "periods of different lengths, do not compare: give the two figures",
        f"{POST}:8:3: malformed figure {{{{ fb_fans @ }}}} — write {{{{ metric }}}}, {{{{ metric @ 2016-11-30 }}}} "
        "or {{ metric @ 2016-09-01 -> 2016-12-23 }}",
        f"{POST}:9:3: '{{{{' is never closed on its line — end the figure with }}}} on the same line, "
        "or write \\{{ for braces in the text",
        f"{POST}:10:3: the figure of 'fb_fans' for 2017-02-01 was published after this post's date (2017-01-05) — "
        "a post shows the figures known on its Date (or Modified:); date it later, or write @ latest",
        f"{POST}:11:3: empty figure {{{{ }}}} — write {{{{ metric }}}}, {{{{ metric @ 2016-11-30 }}}} "
        "or {{ metric @ 2016-09-01 -> 2016-12-23 }}",
    ]


def test_two_minimums_say_nothing_and_are_refused():
    stats = stats_data(
        [FANS],
        [
            observation("fb_fans", D(2016, 9, 1), 20000, "at_least"),
            observation("fb_fans", D(2016, 12, 1), 90000, "at_least"),
        ],
    )
    (line,) = problems("X {{ fb_fans @ 2016-09-01 -> 2016-12-01 }}", stats=stats)
    assert line.startswith(f"{POST}:1:3: the change of 'fb_fans' from 2016-09-01 to 2016-12-01 cannot be stated")


def test_a_snapshot_dated_after_a_post_changes_none_of_its_figures():
    text = "{{ fb_fans }} et {{ fb_fans @ 2016-11-30 }}, {{ fb_fans @ 2016-09-01 -> 2016-12-23 }}"
    before = fill(text, stats=demo_stats(), dated=D(2017, 1, 5))
    stats = demo_stats()
    march = snapshot(D(2017, 3, 1), source="Bilan de mars")
    newer = stats_data(
        list(stats.metrics.values()),
        [o for s in stats.observations.values() for o in s]
        + [observation("fb_fans", D(2017, 3, 1), 400000, read_in=march)],
    )
    assert fill(text, stats=newer, dated=D(2017, 1, 5)) == before
    assert "400\u202f000" in fill("{{ fb_fans }}", stats=newer, dated=None)


def test_a_later_correction_replaces_the_figure_and_says_so_with_a_link():
    stats = demo_stats()
    old = stats.observations["fb_fans"][1]
    fix = snapshot(D(2017, 3, 1), source="Correction", filename="2017-03-01-correction.yaml")
    new = observation("fb_fans", D(2016, 11, 30), 81000, read_in=fix)
    corrected = stats_data(
        list(stats.metrics.values()),
        [o for s in stats.observations.values() for o in s if o is not old] + [new],
    )
    corrected = type(corrected)(
        corrected.metrics,
        corrected.snapshots,
        corrected.observations,
        "1" * 64,
        (Correction(old, new, "Erreur de saisie"),),
    )
    html = fill("Fin novembre : {{ fb_fans @ 2016-11-30 }}.", stats=corrected, dated=D(2017, 1, 5))
    assert "81\u202f000" in html and "80\u202f000" not in html
    assert '<a class="ts-figure__corrected" href="/transparence/#c">(chiffre corrigé)</a>' in html
    assert 'corrigé le 1er\u00a0mars 2017\u00a0: Erreur de saisie)" aria-label=' in html
    assert fill("{{ fb_fans @ 2016-11-30 }}", stats=corrected, plain=True) == "<p>81\u202f000 (chiffre corrigé)</p>"


def test_labels_and_sources_are_escaped():
    hostile = Metric("x", '<script>alert(1)</script> "a"', "total")
    stats = stats_data(
        [hostile], [observation("x", D(2016, 1, 1), 5, read_in=snapshot(D(2016, 1, 1), source="<b>s</b>"))]
    )
    html = fill("{{ x }}", stats=stats, dated=None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;s&lt;/b&gt;" in html


def test_a_dated_posts_chart_ends_on_its_date_unless_it_follows_the_latest_figures():
    from transparency_stats.charts import fill as charts
    from transparency_stats.charts.placeholders import encode_placeholder

    stats = demo_stats()
    known = as_of(stats, POST_DATE)

    def chart(text: str, followed: list) -> str:
        html = encode_placeholder({"index": 0, "line": 3, "text": text})
        return charts.fill_placeholders(
            html,
            known,
            POST,
            "c",
            lambda chart_id: f"/d/{chart_id}.csv",
            latest_stats=stats,
            dated=POST_DATE,
            followed_latest=followed,
        )

    followed: list[str] = []
    dated = chart("metrics: fb_fans\nto: 2017-12-31", followed)
    assert "145\u202f000" in dated and "300\u202f000" not in dated and followed == []
    latest = chart("metrics: fb_fans\nto: latest", followed)
    assert "300\u202f000" in latest and followed == ["c-1"]
    with pytest.raises(StatsError) as caught:
        chart("metrics: fb_fans\nfrom: 2017-01-10", [])
    assert str(caught.value) == (
        f"{POST}:5:1: no figures for 'fb_fans' from 2017-01-10 on — 'fb_fans' has figures from 2016-09-01 to"
        " 2016-12-23: widen from/to; this post is dated 2017-01-05 and shows the figures known then,"
        " or write to: latest"
    )


def test_a_post_is_read_on_its_modified_date_when_it_has_one_else_on_its_date():
    import datetime as dt
    from types import SimpleNamespace

    from transparency_stats.glue.figures import document_date

    written = dt.datetime(2017, 1, 5, 10, 0)
    assert document_date(SimpleNamespace(date=written)) == D(2017, 1, 5)
    assert document_date(SimpleNamespace(date=written, modified=dt.datetime(2017, 3, 2, 9, 0))) == D(2017, 3, 2)
