"""The ```chart syntax: blocks become placeholders carrying their text and line; charts fill them."""

import markdown
import pytest

from factories import stats_data
from transparency_stats.charts import fill as charts
from transparency_stats.charts import placeholders
from transparency_stats.charts.blocks import ChartExtension
from transparency_stats.errors import StatsError


def convert(text: str) -> str:
    return markdown.Markdown(extensions=[ChartExtension(), "meta", "fenced_code"]).convert(text)


def payloads(html: str) -> list[dict]:
    return [piece for kind, piece in placeholders.split_placeholders(html) if kind == "chart"]


def test_blocks_keep_their_text_and_the_line_of_their_fence_in_the_file():
    html = convert(
        "Title: x\nDate: 2017-01-05\n\nIntro.\n\n```chart\nmetrics: a\ntype: bar\n```\n\nText.\n\n~~~chart\nmetrics: b\n~~~\n"  # noqa: E501
    )
    assert payloads(html) == [
        {"index": 0, "line": 6, "text": "metrics: a\ntype: bar"},
        {"index": 1, "line": 13, "text": "metrics: b"},
    ]
    assert "<p>Intro.</p>" in html and "<p>Text.</p>" in html


def test_a_chart_block_shown_inside_a_longer_fence_stays_code():
    html = convert("````markdown\n```chart\nmetrics: a\n```\n````\n")
    assert payloads(html) == []
    assert "<code" in html and "metrics: a" in html


def test_other_languages_are_left_to_fenced_code():
    html = convert("```python\nprint('chart')\n```\n")
    assert payloads(html) == [] and "print(" in html


def test_an_unclosed_block_is_reported_at_its_fence():
    html = convert("Intro.\n\n```chart\nmetrics: a\n")
    (payload,) = payloads(html)
    assert payload["unclosed"] is True
    with pytest.raises(StatsError) as caught:
        charts.fill_placeholders(
            html, stats_data([], []), "content/posts/x.md", "g", lambda chart_id: f"/d/{chart_id}.csv"
        )
    assert (
        str(caught.value.errors[0])
        == "content/posts/x.md:3:1: this chart block is never closed — end it with a line of ```"
    )


def test_stripping_placeholders_leaves_the_text_only():
    html = convert("Avant.\n\n```chart\nmetrics: a\n```\n\nAprès.\n")
    assert placeholders.strip_placeholders(html) == "<p>Avant.</p>\n\n<p>Après.</p>"


def test_a_chart_block_left_open_before_another_is_reported_at_its_own_fence():
    text = "Intro.\n\n```chart\nmetrics: a\n\nDe la prose.\n\n```chart\nmetrics: b\n```\n\nFin.\n"
    html = convert(text)
    first, second = payloads(html)
    assert (first["line"], first.get("unclosed"), second["line"], second.get("unclosed")) == (3, True, 8, None)
    assert second["text"] == "metrics: b" and "<p>Fin.</p>" in html
    with pytest.raises(StatsError) as caught:
        charts.fill_placeholders(
            html, stats_data([], []), "content/posts/x.md", "g", lambda chart_id: f"/d/{chart_id}.csv"
        )
    assert (
        str(caught.value.errors[0])
        == "content/posts/x.md:3:1: this chart block is never closed — end it with a line of ```"
    )


def test_every_broken_chart_of_a_post_is_reported():
    html = convert("```chart\nmetrics: a\n\nDu texte.\n\n```chart\nmetrics: b\n```\n\n```chart\n\n```\n")
    with pytest.raises(StatsError) as caught:
        charts.fill_placeholders(
            html, stats_data([], []), "content/posts/x.md", "g", lambda chart_id: f"/d/{chart_id}.csv"
        )
    assert [(e.line, e.message) for e in caught.value.errors][:1] == [(1, "this chart block is never closed")]
    assert len(caught.value.errors) == 3
