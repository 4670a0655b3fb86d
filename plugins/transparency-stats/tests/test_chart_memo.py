"""A long-lived process's next build takes again the charts drawn from the very same inputs, and only those."""

import dataclasses

import markdown
import pytest

from factories import FANS, FOLLOWERS, monthly, stats_data
from transparency_stats.charts import fill
from transparency_stats.charts.blocks import ChartExtension

POST = "Intro.\n\n```chart\nmetrics: fb_fans\n```\n\nEntre deux.\n\n```chart\nmetrics: [fb_fans, tw_followers]\n```\n"


@pytest.fixture
def drawings(monkeypatch) -> list[str]:
    """The ids of the charts whose HTML was drawn (not taken from the memo)."""
    drawn = []
    render = fill.render_chart

    def counting(selection, name, *args, **kwargs):
        drawn.append(name)
        return render(selection, name, *args, **kwargs)

    monkeypatch.setattr(fill, "render_chart", counting)
    return drawn


def build(memo, stats, urls=None, html=None, csv="/d/{}.csv"):
    memo.next_build()
    return fill.fill_placeholders(
        html or markdown.Markdown(extensions=[ChartExtension()]).convert(POST),
        stats,
        "content/posts/x.md",
        "graphique-x",
        csv.format,
        metric_urls=urls or {"fb_fans": "/t/fb_fans/", "tw_followers": "/t/tw_followers/"},
        memo=memo,
    )


def test_the_same_inputs_take_the_same_charts_and_any_change_draws_again(drawings):
    stats = stats_data([FANS, FOLLOWERS], monthly("fb_fans") + monthly("tw_followers", first=50_000))
    memo = fill.ChartMemo()
    first = build(memo, stats)
    assert drawings == ["graphique-x-1", "graphique-x-2"]

    drawings.clear()
    assert build(memo, stats) == first and drawings == [], "nothing changed: nothing is drawn again"

    # Other stats (a snapshot saved) giving these charts the very same figures: nothing is drawn again.
    drawings.clear()
    assert build(memo, dataclasses.replace(stats, fingerprint="1" * 64)) == first and drawings == []

    # Another figure of one metric, another metric page, another CSV: what shows it draws again.
    more_followers = dataclasses.replace(  # as loaded: another fingerprint for other bytes
        stats_data([FANS, FOLLOWERS], monthly("fb_fans") + monthly("tw_followers", first=50_001)), fingerprint="2" * 64
    )
    both = ["graphique-x-1", "graphique-x-2"]
    other_page = {"fb_fans": "/autre/", "tw_followers": "/t/tw_followers/"}
    for again, shows_it, drawn in (
        (lambda: build(memo, more_followers), "50\u202f001", ["graphique-x-2"]),
        (lambda: build(memo, stats, urls=other_page), "/autre/", both),
        (lambda: build(memo, stats, csv="/csv/{}.csv"), "/csv/graphique-x-1.csv", both),
    ):
        drawings.clear()
        assert shows_it in again() and drawings == drawn


def test_only_the_last_two_builds_are_kept():
    stats = stats_data([FANS, FOLLOWERS], monthly("fb_fans") + monthly("tw_followers", first=50_000))
    memo = fill.ChartMemo()
    build(memo, stats)
    build(memo, dataclasses.replace(stats, fingerprint="1" * 64))
    build(memo, dataclasses.replace(stats, fingerprint="2" * 64))
    assert len(memo.current) + len(memo.previous) == 8  # each chart by its inputs, and by its figures


def test_a_post_chart_and_its_embed_page_work_out_their_shared_parts_once(monkeypatch):
    from factories import chart
    from transparency_stats.charts import html
    from transparency_stats.charts.selection import select

    calls = []
    build_plot = html.build_plot
    monkeypatch.setattr(html, "build_plot", lambda selection: calls.append(1) or build_plot(selection))
    stats = stats_data([FANS], monthly("fb_fans"))
    selection = select(chart("fb_fans"), stats)
    in_post = html.render_chart(selection, "graphique-x-1", "/d/x.csv", {"fb_fans": "/t/fb_fans/"})
    in_embed = html.render_chart(selection, "graphique-x-1", "/d/x.csv")
    assert len(calls) == 1
    assert "/t/fb_fans/" in in_post and "/t/fb_fans/" not in in_embed  # the parts that differ still differ
    assert html.render_chart(select(chart("fb_fans"), stats), "graphique-x-1", "/d/x.csv") == in_embed
    assert len(calls) == 2  # another selection (equal, not the same object) works them out afresh
