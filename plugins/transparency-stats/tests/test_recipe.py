"""The chart recipe: wide and narrow variants as paths, explicit ticks and ranges, value labels placed by estimate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factories import FANS, FOLLOWERS, D, chart, monthly, observation, stats_data
from test_plotly_schema import SITES, site_figures
from transparency_stats.charts.links import NARROW_MEDIA
from transparency_stats.charts.plot import build_plot
from transparency_stats.charts.recipe import (
    LABEL_GAP_PX,
    LABEL_PAD_PX,
    SMALLEST_WIDTH,
    apply_paths,
    changes,
    chart_layout,
    place,
    prepare,
    recolour,
    text_width,
    theme_recipe,
    variant,
)
from transparency_stats.charts.selection import select
from transparency_stats.stats.model import Metric

NNBSP = "\u202f"


def plot_of(spec, stats) -> dict:
    return build_plot(select(spec, stats))


def every_plot():
    """Return every chart of the test sites, as build_plot makes it."""
    return [(where, plot) for site in sorted(SITES) for where, plot in site_figures(SITES[site])]


@pytest.mark.parametrize("where, plot", every_plot(), ids=lambda value: value if isinstance(value, str) else "")
def test_the_narrow_paths_give_the_narrow_layout_and_the_data_is_shared(where, plot):
    prepared = prepare(plot)
    assert prepared["layout"] == chart_layout(plot, "wide")
    assert apply_paths(prepared["layout"], prepared["narrow"]) == chart_layout(plot, "narrow")
    assert prepared["data"] == prepare(plot)["data"]


def test_changes_and_apply_paths_undo_each_other():
    base = {"a": {"b": 1, "c": [1, 2]}, "n": [{"x": 1}, {"x": 2}], "gone": 3}
    target = {"a": {"b": 2, "c": [3]}, "n": [{"x": 1}, {"x": 5, "y": "<br>"}], "new": {"z": 1}}
    paths = changes(base, target)
    assert paths == {"a.b": 2, "a.c": [3], "n[1].x": 5, "n[1].y": "<br>", "gone": None, "new": {"z": 1}}
    assert apply_paths(base, paths) == target


def test_the_theme_is_given_once_and_the_dark_scheme_maps_each_light_colour():
    theme = theme_recipe()
    assert theme["narrow"] == NARROW_MEDIA == "(max-width: 30rem)"  # the images' <picture> query
    assert theme["dark"] == {"#1d1d1f": "#ececef", "#e2e2e6": "#34343a", "#ffffff": "#121214"}
    spec = chart("fb_fans", "tw_followers", type="latest")
    prepared = prepare(plot_of(spec, stats_data([FANS, FOLLOWERS], monthly() + monthly("tw_followers", 2))))
    dark = variant(prepared, "narrow", theme, "dark")["layout"]
    assert dark["font"]["color"] == "#ececef" and dark["yaxis"]["gridcolor"] == "#34343a"
    assert dark["template"]["layout"]["annotationdefaults"]["bgcolor"] == "#121214"  # every value label's box
    assert all("bgcolor" not in label for label in dark["annotations"])
    assert recolour({"a": ["#ffffff", "#000000"]}, theme["dark"]) == {"a": ["#121214", "#000000"]}


def test_value_axes_have_explicit_ticks_abbreviated_on_a_phone():
    prepared = prepare(plot_of(chart("fb_fans"), stats_data([FANS], monthly())))
    wide = prepared["layout"]["yaxis"]
    assert -0.06 * 149_500 < wide["range"][0] < 0  # the "0" label clear of the dates, in the corner
    assert wide["range"][1] >= 149_500 and wide["tick0"] == 0 and wide["dtick"] > 0
    narrow = apply_paths(prepared["layout"], prepared["narrow"])["yaxis"]
    assert narrow["tickmode"] == "array"
    assert narrow["ticktext"] == ["0", f"50{NNBSP}k", f"100{NNBSP}k", f"150{NNBSP}k"]
    assert narrow["tickvals"] == [0, 50_000, 100_000, 150_000]
    small = prepare(plot_of(chart("fb_fans"), stats_data([FANS], monthly(first=10, step=3))))
    assert "tickmode" not in apply_paths(small["layout"], small["narrow"])["yaxis"]  # small figures stay whole


def test_date_axes_have_a_range_at_most_8_or_4_ticks_and_months_on_two_lines_on_a_phone():
    prepared = prepare(plot_of(chart("fb_fans"), stats_data([FANS], monthly())))
    wide = prepared["layout"]["xaxis"]
    narrow = apply_paths(prepared["layout"], prepared["narrow"])["xaxis"]
    assert wide["range"] == ["2016-12-26", "2017-12-15"]
    assert (wide["nticks"], narrow["nticks"]) == (8, 4)
    assert [stop["value"] for stop in wide["tickformatstops"]] == ["%-d %b", "%b %Y"]
    assert [stop["value"] for stop in narrow["tickformatstops"]] == ["%-d %b", "%b<br>%Y"]
    lone = prepare(plot_of(chart("fb_fans"), stats_data([FANS], monthly(count=1))))
    assert lone["layout"]["xaxis"]["range"] == ["2016-12-21", "2017-01-20"]  # a lone day: a month around it


def latest(amounts, labels=None) -> tuple[dict, dict]:
    """Return the plot and the prepared recipe of a latest chart of these amounts."""
    labels = labels or [f"Métrique {i}" for i in range(len(amounts))]
    metrics = [Metric(f"m{i}", label, "total") for i, label in enumerate(labels)]
    figures = [observation(f"m{i}", D(2016, 12, 23), amount) for i, amount in enumerate(amounts)]
    plot = plot_of(chart(*(m.id for m in metrics), type="latest"), stats_data(metrics, figures))
    return plot, prepare(plot)


def test_latest_labels_go_outside_short_bars_inside_long_ones_and_from_the_base_else():
    plot, prepared = latest([1_000_000, 10_000, 620_000])
    wide = prepared["layout"]["annotations"]
    assert [(a["xanchor"], a["xshift"]) for a in wide] == [("right", -4), ("left", 4), ("right", -4)]
    narrow = apply_paths(prepared["layout"], prepared["narrow"])["annotations"]
    assert [(a["x"], a["xanchor"]) for a in narrow] == [(1_000_000, "right"), (10_000, "left"), (0, "left")]
    assert narrow[0]["text"] == f"1{NNBSP}000{NNBSP}000<br>(23 déc. 2016)"  # too wide even from the base: two lines
    assert narrow[2]["text"] == wide[2]["text"] == f"620{NNBSP}000 (23 déc. 2016)"


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 10**10), min_size=1, max_size=4),
    label=st.sampled_from(["X", "Abonnés YouTube", "Abonnés de la chaîne YouTube principale"]),
)
def test_every_latest_label_fits_where_it_is_put_at_the_narrowest_width_it_serves(amounts, label):
    plot, prepared = latest(amounts, [label] * len(amounts))
    for name in ("wide", "narrow"):
        layout = apply_paths(prepared["layout"], prepared["narrow"]) if name == "narrow" else prepared["layout"]
        width = SMALLEST_WIDTH[name] - layout["margin"]["l"] - layout["margin"]["r"]
        scale = {"log": False, "range": layout["xaxis"]["range"]}
        for text, amount in zip(layout["annotations"], plot["data"][0]["x"], strict=True):
            box = text_width(text["text"]) + 2 * LABEL_PAD_PX
            bar = place(amount, scale) * width
            if text["xanchor"] == "right":
                assert box + 2 * LABEL_GAP_PX <= bar, (name, amounts, text)
            elif text["x"] == amount:
                assert bar + LABEL_GAP_PX + box <= width, (name, amounts, text)
            else:
                assert text["x"] == 0 and LABEL_GAP_PX + box <= width, (name, amounts, text)


def test_text_width_is_an_upper_estimate_of_dejavu_sans():
    # DejaVu Sans at 12 px (what Chromium draws system-ui with here) gives "145 000" 45.5 px.
    assert 46 <= text_width(f"145{NNBSP}000") <= 60
    assert text_width("a<br>bbbbbb") == text_width("bbbbbb")
