"""The stats a dated post knows, worked out lazily per metric, equal the plain definition on every day."""

import datetime as dt
from pathlib import Path

import pytest

from transparency_stats.stats.dated import KnownOn, first_published
from transparency_stats.stats.loader import load_stats

HERE = Path(__file__).parent
PROJECT = HERE.parent.parent.parent  # the campaign site: the demo's stats, with periods published late


def plainly_known(stats, day):
    """The definition: figures first published on or before `day` (as corrected), snapshots of the day or before."""
    published = first_published(stats)

    def known(o):
        return published.get((o.metric, o.start, o.end), o.snapshot.date) <= day

    return (
        {metric: tuple(o for o in found if known(o)) for metric, found in stats.observations.items()},
        tuple(s for s in stats.snapshots if s.date <= day),
        tuple(c for c in stats.corrections if known(c.new)),
    )


@pytest.mark.parametrize("folder", [HERE / "fixture_site" / "stats", PROJECT / "stats"], ids=["fixture", "demo"])
def test_every_day_knows_what_the_definition_says(folder):
    stats = load_stats(folder, display_root=folder.parent)
    known_on = KnownOn(stats)
    days = sorted({s.date for s in stats.snapshots})
    asked = {day + dt.timedelta(days=delta) for day in days for delta in (-1, 0, 1)}
    for day in sorted(asked):
        view = known_on(day)
        observations, snapshots, corrections = plainly_known(stats, day)
        assert {metric: view.observations[metric] for metric in view.observations} == observations, day
        assert (view.snapshots, view.corrections) == (snapshots, corrections), day
        for metric, found in observations.items():  # windows by bisection, over the view's own starts
            assert view.series(metric) == found
            if found:
                middle = found[len(found) // 2].start
                assert view.series(metric, middle, day) == tuple(o for o in found if o.start >= middle and o.end <= day)
    if "fixture" in str(folder):
        assert stats.corrections, "the fixture's stats have a correction: the check covers them"


def test_a_figure_published_late_is_known_from_its_own_snapshot_only():
    """January's count read in March, after February's: February is known first."""
    from factories import VISITS, D, observation, snapshot, stats_data

    january = observation("site_visits", D(2017, 1, 1), 900, end=D(2017, 1, 31), read_in=snapshot(D(2017, 3, 10)))
    february = observation("site_visits", D(2017, 2, 1), 800, end=D(2017, 2, 28), read_in=snapshot(D(2017, 3, 1)))
    march = observation("site_visits", D(2017, 3, 1), 700, end=D(2017, 3, 31), read_in=snapshot(D(2017, 4, 2)))
    stats = stats_data([VISITS], [january, february, march])
    known_on = KnownOn(stats)
    for day, expected in [
        (D(2017, 2, 28), ()),
        (D(2017, 3, 5), (february,)),
        (D(2017, 3, 10), (january, february)),
        (D(2017, 4, 2), (january, february, march)),
    ]:
        view = known_on(day)
        assert view.observations["site_visits"] == expected == plainly_known(stats, day)[0]["site_visits"], day
        assert view.series("site_visits", D(2017, 2, 1)) == tuple(o for o in expected if o.start >= D(2017, 2, 1))
