"""Plotly figure dicts built by hand, and their JSON for a <script type="application/json">."""

import json

from hypothesis import given
from hypothesis import strategies as st

from factories import FANS, FOLLOWERS, VISITS, D, chart, monthly, observation, stats_data
from transparency_stats.charts import plot as figure
from transparency_stats.charts.plot import PALETTE, plot_json
from transparency_stats.charts.recipe import literal, prepare, theme_recipe
from transparency_stats.charts.selection import select
from transparency_stats.french.typography import typeset


def build_plot(spec, stats):
    """Return the figure of a chart, through its selection."""
    return figure.build_plot(select(spec, stats))


from transparency_stats.stats.model import Metric  # noqa: E402

NNBSP = "\u202f"
NBSP = "\u00a0"


def one_line_chart():
    """Return the reference chart: one metric, twelve monthly totals."""
    return chart("fb_fans"), stats_data([FANS], monthly())


def test_a_line_chart_plots_each_total_on_its_day():
    spec, stats = one_line_chart()
    (trace,) = build_plot(spec, stats)["data"]
    assert trace["type"] == "scatter"
    assert trace["mode"] == "lines+markers"
    assert trace["name"] == "Abonnés Facebook"
    assert trace["x"][:2] == ["2017-01-05", "2017-02-05"]
    assert trace["y"][:2] == [100000, 104500]
    assert trace["customdata"][:2] == [f"100{NNBSP}000", f"104{NNBSP}500"]
    assert trace["text"][:2] == ["5 janv. 2017", "5 févr. 2017"]
    assert trace["hovertemplate"] == f"%{{text}}{NBSP}: %{{customdata}}<extra></extra>"
    assert trace["line"]["color"] == PALETTE[0]


def test_hovers_say_1er_for_the_first_of_the_month():
    stats = stats_data([FANS], [observation("fb_fans", D(2017, 2, 1), 100000)])
    (trace,) = build_plot(chart("fb_fans"), stats)["data"]
    assert trace["text"] == ["1er févr. 2017"]
    assert "%{text}" in trace["hovertemplate"] and "%{x" not in trace["hovertemplate"]


def test_bounds_get_their_own_marker_and_sign():
    stats = stats_data(
        [FANS],
        [
            observation("fb_fans", D(2017, 1, 5), 100000),
            observation("fb_fans", D(2017, 2, 5), 145000, "at_least"),
            observation("fb_fans", D(2017, 3, 5), 150000, "about"),
        ],
    )
    (trace,) = build_plot(chart("fb_fans"), stats)["data"]
    assert trace["marker"]["symbol"] == ["circle", "triangle-up", "diamond-open"]
    assert trace["customdata"] == [f"100{NNBSP}000", f"≥{NBSP}145{NNBSP}000", f"≈{NBSP}150{NNBSP}000"]


def test_a_bound_shared_by_every_point_is_written_once():
    stats = stats_data([FANS], [observation("fb_fans", D(2017, m, 5), 1000 * m, "at_least") for m in (1, 2, 3)])
    (trace,) = build_plot(chart("fb_fans"), stats)["data"]
    assert trace["marker"]["symbol"] == "triangle-up"


def test_colours_come_from_the_metric_else_from_the_palette_by_position():
    red = Metric("red", "Rouge", "total", color="#cc0000")
    stats = stats_data([FANS, red, FOLLOWERS], monthly("fb_fans", 2) + monthly("red", 2) + monthly("tw_followers", 2))
    data = build_plot(chart("tw_followers", "red", "fb_fans"), stats)["data"]
    assert [t["line"]["color"] for t in data] == [PALETTE[0], "#cc0000", PALETTE[2]]
    assert [t["name"] for t in data] == ["Abonnés Twitter", "Rouge", "Abonnés Facebook"]


def test_several_traces_get_a_legend_below_and_named_hovers():
    stats = stats_data([FANS, FOLLOWERS], monthly("fb_fans", 3) + monthly("tw_followers", 3))
    fig = build_plot(chart("fb_fans", "tw_followers"), stats)
    assert fig["layout"]["showlegend"] is True
    assert fig["layout"]["legend"]["orientation"] == "h"
    assert all(t["hovertemplate"].endswith("<extra>%{fullData.name}</extra>") for t in fig["data"])
    single = build_plot(chart("fb_fans"), stats)
    assert single["layout"]["showlegend"] is False
    assert "legend" not in single["layout"]


def test_the_layout_is_minimal_transparent_and_french():
    spec, stats = one_line_chart()
    layout = build_plot(spec, stats)["layout"]
    theme = theme_recipe()["layout"]  # the same for every chart: given once a page
    assert theme["separators"] == f",{NNBSP}"
    assert theme["paper_bgcolor"] == theme["plot_bgcolor"] == "rgba(0,0,0,0)"
    assert not {"separators", "paper_bgcolor", "plot_bgcolor"} & layout.keys()
    assert layout["xaxis"]["type"] == "date"
    assert layout["yaxis"]["fixedrange"] is True
    assert layout["yaxis"]["rangemode"] == "tozero"
    assert not {"template", "title", "font"} & layout.keys()


def test_the_window_keeps_only_figures_inside_it():
    spec = chart("fb_fans", start=D(2017, 3, 1), end=D(2017, 5, 31))
    (trace,) = build_plot(spec, stats_data([FANS], monthly()))["data"]
    assert trace["x"] == ["2017-03-05", "2017-04-05", "2017-05-05"]


def test_a_period_on_a_time_axis_sits_mid_period_and_hovers_as_a_period():
    stats = stats_data([VISITS], [observation("site_visits", D(2016, 8, 1), 20000, end=D(2016, 8, 31))])
    (trace,) = build_plot(chart("site_visits"), stats)["data"]
    assert trace["x"] == ["2016-08-16"]
    assert trace["text"] == ["août 2016"]
    assert trace["hovertemplate"].startswith(f"%{{text}}{NBSP}: %{{customdata}}")


def test_an_area_chart_fills_to_zero():
    spec, stats = one_line_chart()
    area = build_plot(chart("fb_fans", type="area"), stats)["data"][0]
    assert area["fill"] == "tozeroy"
    assert "fill" not in build_plot(spec, stats)["data"][0]


def test_a_log_scale_applies_to_the_value_axis():
    stats = stats_data([FANS], monthly())
    assert build_plot(chart("fb_fans", scale="log"), stats)["layout"]["yaxis"]["type"] == "log"
    latest = build_plot(chart("fb_fans", type="latest", scale="log"), stats)["layout"]
    assert latest["xaxis"]["type"] == "log"
    assert "type" not in latest["yaxis"]


def visits():
    """Return monthly site visits, November only approximate."""
    return [
        observation("site_visits", D(2016, 9, 1), 40000, end=D(2016, 9, 30)),
        observation("site_visits", D(2016, 10, 1), 50000, end=D(2016, 10, 31)),
        observation("site_visits", D(2016, 11, 1), 60000, "about", end=D(2016, 11, 30)),
    ]


def test_a_bar_chart_puts_periods_on_a_category_axis_and_hatches_bounds():
    fig = build_plot(chart("site_visits", type="bar"), stats_data([VISITS], visits()))
    (trace,) = fig["data"]
    assert trace["type"] == "bar"
    assert trace["x"] == ["septembre 2016", "octobre 2016", "novembre 2016"]
    assert trace["text"] == [f"40{NNBSP}000", f"50{NNBSP}000", f"≈{NBSP}60{NNBSP}000"]
    assert trace["marker"]["pattern"]["shape"] == ["", "", "/"]
    assert trace["hovertemplate"] == f"%{{x}}{NBSP}: %{{text}}<extra></extra>"
    assert fig["layout"]["barmode"] == "group"
    assert fig["layout"]["xaxis"]["type"] == "category"
    assert "categoryarray" not in fig["layout"]["xaxis"]


def test_exact_bars_are_not_hatched_and_all_bounded_bars_share_one_pattern():
    exact = [observation("site_visits", D(2016, 9, 1), 1, end=D(2016, 9, 30))]
    bounded = [observation("site_visits", D(2016, 9, 1), 1, "at_least", end=D(2016, 9, 30))]
    assert (
        "pattern" not in build_plot(chart("site_visits", type="bar"), stats_data([VISITS], exact))["data"][0]["marker"]
    )
    marker = build_plot(chart("site_visits", type="bar"), stats_data([VISITS], bounded))["data"][0]["marker"]
    assert marker["pattern"]["shape"] == "/"


def test_bars_with_different_periods_keep_time_order():
    other = Metric("newsletter", "Abonnés lettre", "period")
    figures = visits() + [observation("newsletter", D(2016, 8, 1), 10, end=D(2016, 8, 31))]
    fig = build_plot(chart("site_visits", "newsletter", type="bar"), stats_data([VISITS, other], figures))
    assert fig["layout"]["xaxis"]["categoryarray"] == ["août 2016", "septembre 2016", "octobre 2016", "novembre 2016"]


def test_latest_shows_each_metrics_last_figure_with_its_date():
    figures = monthly("fb_fans", 3) + [
        observation("tw_followers", D(2017, 2, 20), 3000, "at_least"),
        observation("tw_followers", D(2017, 1, 20), 2500),
    ]
    stats = stats_data([FANS, FOLLOWERS, VISITS], figures)
    fig = build_plot(chart("fb_fans", "tw_followers", "site_visits", type="latest"), stats)
    (trace,) = fig["data"]
    assert trace["orientation"] == "h"
    assert trace["y"] == ["Abonnés Facebook", "Abonnés Twitter"]  # no figure, no bar
    assert trace["x"] == [109000, 3000]
    assert trace["text"] == [f"109{NNBSP}000 (5 mars 2017)", f"≥{NBSP}3{NNBSP}000 (20 févr. 2017)"]
    assert trace["marker"]["color"] == [PALETTE[0], PALETTE[1]]
    assert trace["marker"]["pattern"]["shape"] == ["", "/"]
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"


def test_latest_values_are_labels_on_a_solid_background_at_the_bar_end():
    figures = [
        observation("fb_fans", D(2017, 3, 5), 100000),
        observation("tw_followers", D(2017, 2, 20), 30000, "at_least"),
    ]
    fig = build_plot(chart("fb_fans", "tw_followers", type="latest"), stats_data([FANS, FOLLOWERS], figures))
    (trace,) = fig["data"]
    assert trace["textposition"] == "none"  # no text drawn over the bars, hatched or not
    assert trace["hovertemplate"].startswith("%{customdata}") and trace["customdata"] == trace["y"]
    long_bar, short_bar = prepare(fig)["layout"]["annotations"]  # placed by the recipe
    assert [long_bar["text"], short_bar["text"]] == trace["text"]
    assert [long_bar["x"], short_bar["x"]] == trace["x"] and [long_bar["y"], short_bar["y"]] == [0, 1]
    assert (long_bar["xanchor"], long_bar["xshift"]) == ("right", -4)  # inside the long bar, against its end
    assert (short_bar["xanchor"], short_bar["xshift"]) == ("left", 4)  # past the short bar's end
    for label in (long_bar, short_bar):
        assert label["showarrow"] is False and (label["xref"], label["yref"]) == ("x", "y")
    # On the page's colour (the theme's default for every annotation), over any hatching.
    assert theme_recipe()["layout"]["template.layout.annotationdefaults.bgcolor"] == "#ffffff"


def test_latest_labels_sit_in_log10_units_on_a_log_axis():
    figures = [observation("fb_fans", D(2017, 3, 5), 100000), observation("tw_followers", D(2017, 3, 5), 0)]
    spec = chart("fb_fans", "tw_followers", type="latest", scale="log")
    fig = build_plot(spec, stats_data([FANS, FOLLOWERS], figures))
    (label,) = fig["layout"]["annotations"]  # no bar, no label for 0 on a log axis
    assert label["x"] == 5
    assert prepare(fig)["layout"]["annotations"][0]["xanchor"] in ("left", "right")


def test_bar_values_stand_level_above_their_bars():
    (trace,) = build_plot(chart("site_visits", type="bar"), stats_data([VISITS], visits()))["data"]
    assert (trace["textposition"], trace["textangle"], trace["constraintext"]) == ("outside", 0, "none")
    assert trace["cliponaxis"] is False


def test_the_json_is_compact_and_gives_back_the_recipe():
    spec, stats = one_line_chart()
    fig = build_plot(spec, stats)
    text = plot_json(fig)
    assert json.loads(text) == prepare(fig)
    assert ": " not in text.replace(f"{NBSP}: ", "") and ", " not in text


def test_the_json_cannot_close_its_script_element():
    label = "</script><script>alert(1)</script> & <!-- \u2028\u2029"
    stats = stats_data([Metric("x", label, "total")], [observation("x", D(2017, 1, 5), 1)])
    text = plot_json(build_plot(chart("x"), stats))
    for raw in "<>&\u2028\u2029":
        assert raw not in text
    assert json.loads(text)["data"][0]["name"] == literal(typeset(label))  # typeset like the table's head, literal


@given(st.text(max_size=40))
def test_any_label_survives_the_json_escaping(label):
    stats = stats_data([Metric("x", label, "total")], [observation("x", D(2017, 1, 5), 1)])
    text = plot_json(build_plot(chart("x"), stats))
    assert "<" not in text and "\u2028" not in text
    assert json.loads(text)["data"][0]["name"] == literal(typeset(label))  # typeset like the table's head, literal


def test_a_one_metric_twelve_point_line_chart_fits_in_1500_bytes():
    spec, stats = one_line_chart()
    size = len(plot_json(build_plot(spec, stats)).encode("utf-8"))
    print(f"one-metric 12-point line chart: {size} bytes of JSON")
    assert size <= 1500


def test_a_lone_date_gets_a_month_of_axis_not_a_millisecond():
    """Plotly would zoom one date to ±1 ms and tick it with times of day."""
    import datetime as dt

    stats = stats_data([FANS], [observation("fb_fans", dt.date(2017, 1, 5), 590_000, "at_least")])
    layout = build_plot(chart("fb_fans"), stats)["layout"]
    assert layout["xaxis"]["range"] == ["2016-12-21", "2017-01-20"]
    spec, stats = one_line_chart()
    assert "range" not in build_plot(spec, stats)["layout"]["xaxis"]
