"""The data page's description of how a metric changed keeps bounds and periods honest."""

import datetime as dt
import re

import pytest

from transparency_stats.pages.views import describe_change
from transparency_stats.settings import Layout
from transparency_stats.stats.model import Observation, Snapshot, Value

SNAPSHOT = Snapshot("stats/snapshots/a.yaml", "a.yaml", dt.date(2016, 12, 23), "Bilan", None, None, "0" * 64)


def figure(start, end, amount, bound="exact"):
    return Observation("m", start, end, Value(amount, bound), SNAPSHOT, 1)


def day(month, d, year=2016):
    return dt.date(year, month, d)


def test_exact_totals_give_an_exact_change():
    text = describe_change(figure(day(11, 30), day(11, 30), 80000), figure(day(12, 23), day(12, 23), 145000))
    assert text == "+\u00a065\u202f000 depuis 30 nov. 2016 (80\u202f000)"


def test_a_rise_to_a_lower_bound_is_at_least_the_difference():
    text = describe_change(
        figure(day(11, 30), day(11, 30), 80000), figure(day(12, 23), day(12, 23), 145000, "at_least")
    )
    assert text == "Hausse d’au moins 65 000 depuis 30 nov. 2016 (80 000)"


def test_a_fall_from_a_lower_bound_is_at_least_the_difference():
    text = describe_change(figure(day(11, 30), day(11, 30), 80000, "at_least"), figure(day(12, 23), day(12, 23), 70000))
    assert text == "Baisse d’au moins 10 000 depuis 30 nov. 2016 (≥ 80 000)"


def test_two_lower_bounds_say_what_is_known_and_never_approximate():
    text = describe_change(
        figure(day(11, 30), day(11, 30), 80000, "at_least"), figure(day(12, 23), day(12, 23), 145000, "at_least")
    )
    assert text == "Au moins 145 000, contre au moins 80 000 le 30 nov. 2016"
    assert "≈" not in text


def test_a_rise_from_a_lower_bound_says_both_figures():
    # 145 000 now, at least 80 000 then: the change is at most +65 000, maybe a fall.
    text = describe_change(
        figure(day(11, 30), day(11, 30), 80000, "at_least"), figure(day(12, 23), day(12, 23), 145000)
    )
    assert text == "145 000, contre au moins 80 000 le 30 nov. 2016"


def test_approximations_give_an_approximate_change_without_a_double_sign():
    text = describe_change(figure(day(11, 30), day(11, 30), 80000, "about"), figure(day(12, 23), day(12, 23), 145000))
    assert text == "Hausse d’environ 65 000 depuis 30 nov. 2016 (≈ 80 000)"


def test_a_lower_bound_and_an_approximation_say_both_figures():
    text = describe_change(
        figure(day(11, 1), day(11, 30), 900, "about"), figure(day(12, 1), day(12, 31), 1000, "at_least")
    )
    assert text == "Au moins 1 000, contre environ 900 en novembre 2016"


@pytest.mark.parametrize("latest", ["exact", "at_least", "about"])
@pytest.mark.parametrize("previous", ["exact", "at_least", "about"])
@pytest.mark.parametrize("amounts", [(80000, 145000), (145000, 80000), (5, 5)])
def test_no_sign_follows_a_bound_sign_and_no_direction_is_claimed_unknown(latest, previous, amounts):
    text = describe_change(
        figure(day(11, 30), day(11, 30), amounts[0], previous), figure(day(12, 23), day(12, 23), amounts[1], latest)
    )
    assert not re.search("[≥≤≈][\u00a0 ]*[+−]", text), text
    delta = amounts[1] - amounts[0]
    known = (
        (latest, previous) == ("at_least", "exact")
        and delta > 0
        or (latest, previous) == ("exact", "at_least")
        and delta < 0
    )
    if "at_least" in (latest, previous) and not known:
        assert "Hausse" not in text and "Baisse" not in text and "+" not in text, text


def test_whole_months_of_different_lengths_are_compared():
    text = describe_change(figure(day(11, 1), day(11, 30), 21960), figure(day(10, 1), day(10, 31), 12628))
    assert text.startswith("−\u00a09\u202f332 depuis novembre 2016")


def test_periods_of_different_lengths_are_not_subtracted():
    text = describe_change(figure(day(11, 1), day(11, 30), 21960), figure(day(12, 1), day(12, 23), 17000, "at_least"))
    assert text == "Chiffre précédent\u00a0: 21\u202f960 (novembre 2016)"


def test_series_window_keeps_exactly_the_figures_lying_inside_it():
    from transparency_stats.stats.model import StatsData

    figures = (
        figure(day(8, 1), day(8, 31), 1),
        figure(day(9, 1), day(9, 30), 2),
        figure(day(9, 15), day(9, 15), 3),
        figure(day(9, 20), day(10, 5), 4),  # crosses the window's end
        figure(day(10, 1), day(10, 1), 5),
    )
    stats = StatsData({}, (SNAPSHOT,), {"m": figures}, "x")

    def amounts(start, end):
        return [o.value.amount for o in stats.series("m", start, end)]

    assert amounts(None, None) == [1, 2, 3, 4, 5]
    assert amounts(day(9, 1), day(9, 30)) == [2, 3]
    assert amounts(day(9, 15), None) == [3, 4, 5]
    assert amounts(None, day(9, 15)) == [1, 3]
    assert amounts(day(10, 1), day(10, 1)) == [5]
    assert amounts(day(11, 1), day(12, 1)) == []
    assert stats.series("other", day(9, 1), None) == ()


def test_metric_ids_differing_by_a_dot_and_a_dash_get_different_html_ids():
    from factories import D, observation, stats_data
    from transparency_stats.pages.views import platform_groups
    from transparency_stats.stats.model import Metric

    dotted, dashed = Metric("a.b", "Dotted", "total"), Metric("a-b", "Dashed", "total")
    figures = [observation(m, D(2017, month, 5), month) for m in ("a.b", "a-b") for month in (1, 2)]
    stats = stats_data([dotted, dashed], figures)
    ((_, views),) = platform_groups(stats, Layout())
    assert len({view.anchor for view in views}) == 2
    assert [view.url for view in views] == ["/transparence/a.b/", "/transparence/a-b/"]
    chart_ids = [re.search(r'<figure class="ts-chart" id="([^"]+)"', str(view.chart))[1] for view in views]
    assert len(set(chart_ids)) == 2, chart_ids
