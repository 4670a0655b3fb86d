"""What the public data pages show: the overview of every metric by platform, and each metric's own page (no Pelican).

The theme's `transparency.html` template turns these views into the overview,
`transparency_metric.html` into one page per metric, at `<page url>/<metric id>/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from transparency_stats.charts.html import render_chart
from transparency_stats.charts.links import ChartMedia
from transparency_stats.charts.selection import ChartSelection, latest_observation, select
from transparency_stats.charts.sentence import BOUND_WORDS, chart_sentence, comparable, when_phrase
from transparency_stats.french import NBSP, format_date, format_number, format_period, format_value
from transparency_stats.settings import Layout
from transparency_stats.stats.model import ChartSpec, Correction, Metric, Observation, Snapshot, StatsData

from .sparkline import sparkline_svg

NO_PLATFORM = "Autres"


@dataclass(frozen=True)
class FigureRow:
    """One figure of a metric with where it comes from, for the sources table."""

    when: str
    value: str
    source: str
    url: str | None
    snapshot_file: str
    note: str | None = None  # why a total fell, or why the figure was corrected


@dataclass(frozen=True)
class CorrectionView:
    """One correction, as the data page's "Corrections" list shows it."""

    anchor: str
    date: str  # the day of the correcting snapshot
    metric: Metric
    when: str  # the date or period of the corrected figure
    old: str
    new: str
    reason: str
    old_file: str
    new_file: str


@dataclass(frozen=True)
class MetricView:
    """What the data pages show of one metric: a row of the overview, and its own page."""

    metric: Metric
    anchor: str  # the overview row's HTML id
    url: str  # the metric's own page
    latest: str
    latest_when: str
    change: str | None
    sentence: str  # the chart's sentence: the page's description, the sparkline's text alternative
    sparkline: Markup  # empty for a lone figure
    chart: Markup | None  # None for a lone figure: the page shows the figure itself
    csv_url: str
    figures: tuple[FigureRow, ...]
    selection: ChartSelection  # the figures of its chart (of its lone figure)
    chart_id: str | None  # the HTML id of its chart, None for a lone figure


def observation_when(observation: Observation) -> str:
    """Return the date or period of a figure in French."""
    if observation.start == observation.end:
        return format_date(observation.end)
    return format_period(observation.start, observation.end)


def describe_change(previous: Observation, latest: Observation) -> str:
    """Describe the change between two figures of a metric, saying only what the bounds let us know.

    Exact figures give the difference; a rise to a lower bound (or a fall from
    one) is "at least" the difference; approximations give an approximate
    difference. Otherwise both figures are given, with their bounds. Counts
    over periods of different lengths (a whole month, then 23 days) are not
    compared: the previous figure is given instead.
    """
    if not comparable(previous, latest):
        return f"Chiffre précédent{NBSP}: {format_value(previous.value)} ({observation_when(previous)})"
    since = f"depuis {observation_when(previous)} ({format_value(previous.value)})"
    delta = latest.value.amount - previous.value.amount
    difference = format_number(abs(delta))
    bounds = (latest.value.bound, previous.value.bound)
    if bounds == ("exact", "exact"):
        return f"{'+' if delta >= 0 else '−'}{NBSP}{difference} {since}"
    if bounds == ("at_least", "exact") and delta > 0:
        return f"Hausse d’au moins {difference} {since}"
    if bounds == ("exact", "at_least") and delta < 0:
        return f"Baisse d’au moins {difference} {since}"
    if "at_least" not in bounds and delta != 0:
        return f"{'Hausse' if delta > 0 else 'Baisse'} d’environ {difference} {since}"
    now = BOUND_WORDS[latest.value.bound] + format_number(latest.value.amount)
    then = BOUND_WORDS[previous.value.bound] + format_number(previous.value.amount)
    return f"{now[0].upper()}{now[1:]}, contre {then} {when_phrase(previous)}"


def snapshot_anchor(snapshot: Snapshot) -> str:
    """Return the data page's HTML id for a snapshot's row (the feed links to it)."""
    return "instantane-" + Path(snapshot.filename).stem


def metric_anchor(metric_id: str) -> str:
    """Return an HTML id for a metric."""
    return "metrique-" + metric_id  # dots are valid in HTML ids: "a.b" and "a-b" stay apart


def metric_chart_spec(metric: Metric, figure_count: int, catalogue_path: str) -> ChartSpec:
    """Return the chart of one metric: a line of totals, bars of periods, one bar for a lone figure."""
    return ChartSpec(
        metrics=(metric.id,),
        # one figure makes an empty-looking line: show it as a bar with its value and date
        type="latest" if figure_count == 1 else "line" if metric.kind == "total" else "bar",
        title=metric.label,
        path=catalogue_path,
        line=metric.line,
    )


def figure_rows(figures: tuple[Observation, ...]) -> tuple[FigureRow, ...]:
    """Return every figure of a metric with its source and snapshot file."""
    return tuple(
        FigureRow(
            observation_when(o), format_value(o.value), o.snapshot.source, o.snapshot.url, o.snapshot.filename, o.note
        )
        for o in figures
    )


def metric_page_urls(stats: StatsData, layout: Layout) -> dict[str, str]:
    """Return the page URL of every metric that has a page (one with figures), for chart captions."""
    return {m: layout.metric_url(m) for m in stats.metrics if stats.observations.get(m)}


def metric_view(
    metric: Metric, stats: StatsData, layout: Layout, media: Callable[[str], ChartMedia] | None = None
) -> MetricView | None:
    """Build the data pages' view of one metric, or None when it has no figures (`media` gives its chart's links)."""
    figures = stats.observations.get(metric.id, ())
    if not figures:
        return None
    latest = latest_observation(figures)
    previous = latest_observation(o for o in figures if o.end < latest.end)
    csv_url = layout.url(layout.metric_csv(metric.id))
    selection = select(metric_chart_spec(metric, len(figures), stats.catalogue_path), stats)
    sentence = chart_sentence(selection)
    chart = chart_id = None
    if len(figures) > 1:  # a lone figure is shown as the figure, not a chart
        chart_id = layout.metric_chart_id(metric.id)
        links = media(chart_id) if media is not None else None
        chart = render_chart(selection, chart_id, csv_url, sentence=sentence, media=links)
    return MetricView(
        metric=metric,
        anchor=metric_anchor(metric.id),
        url=layout.metric_url(metric.id),
        latest=format_value(latest.value),
        latest_when=observation_when(latest),
        change=describe_change(previous, latest) if previous else None,
        sentence=sentence,
        sparkline=sparkline_svg(figures, sentence),
        chart=Markup(chart) if chart else None,  # noqa: S704
        csv_url=csv_url,
        figures=figure_rows(figures),
        selection=selection,
        chart_id=chart_id,
    )


def platform_groups(
    stats: StatsData, layout: Layout, media: Callable[[str], ChartMedia] | None = None
) -> list[tuple[str, list[MetricView]]]:
    """Group metric views by platform, in catalogue order."""
    groups: dict[str, list[MetricView]] = {}
    for metric in stats.metrics.values():
        view = metric_view(metric, stats, layout, media)
        if view is not None:
            groups.setdefault(metric.platform or NO_PLATFORM, []).append(view)
    return list(groups.items())


def data_page_chart(groups: list[tuple[str, list[MetricView]]]) -> str | None:
    """Return the chart whose card is the data page's: its first metric chart's (None without one)."""
    return next((view.chart_id for _, views in groups for view in views if view.chart_id is not None), None)


def correction_anchor(correction: Correction) -> str:
    """Return the HTML id of a correction's row (the feed links to it)."""
    new = correction.new
    return f"correction-{new.metric}-{new.start.isoformat()}-{new.end.isoformat()}-{Path(new.snapshot.filename).stem}"


def correction_views(stats: StatsData) -> list[CorrectionView]:
    """Return every correction, newest first."""
    return [
        CorrectionView(
            anchor=correction_anchor(c),
            date=format_date(c.new.snapshot.date),
            metric=stats.metrics[c.new.metric],
            when=observation_when(c.new),
            old=format_value(c.old.value),
            new=format_value(c.new.value),
            reason=c.reason,
            old_file=c.old.snapshot.filename,
            new_file=c.new.snapshot.filename,
        )
        for c in reversed(stats.corrections)
    ]
