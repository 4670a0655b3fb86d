"""Fill the chart placeholders of a rendered post with charts drawn from the current stats."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from transparency_stats.errors import Problems, StatsError
from transparency_stats.stats.model import ChartSpec, StatsData

from . import spec as chartspec
from .html import render_chart
from .links import ChartMedia
from .placeholders import split_placeholders
from .selection import ChartSelection, select
from .sentence import chart_sentence


@dataclasses.dataclass(frozen=True)
class RenderedChart:
    """A chart block drawn once: what it was read as, what it shows, and its HTML."""

    spec: ChartSpec
    selection: ChartSelection
    sentence: str
    csv_url: str
    media: ChartMedia | None
    html: str


class ChartMemo:
    """The charts drawn by a long-lived process's previous build (livereload's worker), by all they are drawn from.

    A chart's HTML is a function of its block's text and place, the stats it reads (their
    fingerprint names every byte of stats/ and the day a dated post knows), its id, the metric
    pages' URLs, its CSV's URL and its media: with all of them the same, the next build takes
    the same HTML. When the stats changed (a snapshot saved), a chart is read again, and the
    HTML drawn last time at its place is taken if its selection (the very figures it shows, a
    frozen value) is equal. On the benchmark's 1 000-post site, drawing its 300 charts again was about 0.3 s
    of every save. Only the last two builds' charts are kept.
    """

    def __init__(self):
        self.current: dict[tuple, RenderedChart] = {}
        self.previous: dict[tuple, RenderedChart] = {}

    def next_build(self) -> None:
        """Start a build: keep what the last one drew, forget the rest."""
        self.previous, self.current = self.current, {}

    def get(self, key: tuple) -> RenderedChart | None:
        found = self.current.get(key) or self.previous.get(key)
        if found is not None:
            self.current[key] = found
        return found

    def put(self, key: tuple, chart: RenderedChart) -> None:
        self.current[key] = chart


def fill_placeholders(
    html: str,
    stats: StatsData,
    source_path: str,
    chart_prefix: str,
    csv_url: Callable[[str], str],
    metric_urls: dict[str, str] | None = None,
    descriptions: list[str] | None = None,
    shown: Callable[[str, ChartSelection, str], ChartMedia | None] | None = None,
    latest_stats: StatsData | None = None,
    dated: dt.date | None = None,
    followed_latest: list[str] | None = None,
    memo: ChartMemo | None = None,
) -> str:
    """Return the HTML with each placeholder replaced by its rendered chart.

    `chart_prefix` makes ids unique on the site (e.g. "graphique-reseaux-1");
    the chart's CSV is linked at `csv_url(id)`; captions link each metric to its page in
    `metric_urls`; each chart's sentence is appended to `descriptions`, in order. `shown` is
    told of each chart (its id, selection and CSV URL) and returns what its HTML links to
    (its embed page and images), or None: the caller keeps the charts shown, not this function.

    A dated post passes the stats known on its date as `stats`, the newest as `latest_stats` and
    its date as `dated`: its charts end at that date at the latest, except those saying
    `to: latest`, which read `latest_stats` (their ids are appended to `followed_latest`).
    With `memo`, a chart drawn from the very same inputs by the previous build is taken again.
    """
    pieces = []
    problems = Problems()
    same_inputs = (
        source_path,
        stats.fingerprint,
        latest_stats.fingerprint if latest_stats is not None else None,
        dated,
        tuple(sorted((metric_urls or {}).items())),
    )
    for kind, piece in split_placeholders(html):
        if kind == "html":
            pieces.append(piece)
            continue
        with problems.collect():  # every broken chart of the post is reported, not only the first
            if piece.get("unclosed"):
                raise StatsError(
                    source_path, piece["line"], 1, "this chart block is never closed", "end it with a line of ```"
                )
            name = f"{chart_prefix}-{piece['index'] + 1}"
            key = (piece["text"], piece["line"], name, *same_inputs)
            drawn = memo.get(key) if memo is not None else None
            if drawn is not None:
                spec, selection, sentence = drawn.spec, drawn.selection, drawn.sentence
            else:
                spec, chart_stats = dated_spec(piece, source_path, stats, latest_stats, dated)
                selection = select(spec, chart_stats)
                # Other stats (a snapshot saved) may still give this chart the very same figures.
                drawn = memo.get(same_place(name, same_inputs)) if memo is not None else None
                if drawn is not None and drawn.selection != selection:
                    drawn = None
                sentence = drawn.sentence if drawn is not None else chart_sentence(selection)
                if drawn is not None:
                    selection = drawn.selection  # equal, with the parts its HTML already worked out
            if spec.follows_latest and followed_latest is not None:
                followed_latest.append(name)
            chart_csv = csv_url(name)
            media = shown(name, selection, chart_csv) if shown is not None else None
            if drawn is None or (drawn.csv_url, drawn.media) != (chart_csv, media):
                html_of_chart = render_chart(selection, name, chart_csv, metric_urls, sentence, media)
                drawn = RenderedChart(spec, selection, sentence, chart_csv, media, html_of_chart)
            if memo is not None:
                memo.put(key, drawn)
                memo.put(same_place(name, same_inputs), drawn)
            pieces.append(drawn.html)
            if descriptions is not None:
                descriptions.append(sentence)
    problems.raise_any()
    return "".join(pieces)


def same_place(name: str, same_inputs: tuple) -> tuple:
    """Return a chart's second memo key: its id and metric pages' URLs, whatever stats it read.

    What it finds is taken only if its selection (the very figures it shows) equals the new
    one: compared only when the stats changed, never hashed (hashing every figure of every
    chart is work a one-off build would do for nothing).
    """
    return ("place", name, same_inputs[-1])


def dated_spec(piece: dict, source_path: str, stats: StatsData, latest: StatsData | None, dated: dt.date | None):
    """Return a chart block's spec and the stats it reads: those of the post's date, or the newest for `to: latest`."""
    if latest is None or latest is stats:
        spec = chartspec.parse_chart_block(piece["text"], source_path, piece["line"], stats)
        return spec, stats
    spec = chartspec.parse_chart_block(piece["text"], source_path, piece["line"], latest)
    if spec.follows_latest:
        return spec, latest
    try:
        spec = chartspec.parse_chart_block(piece["text"], source_path, piece["line"], stats)
    except StatsError as error:  # fine with the newest figures: the post's date is what is missing
        when = f"this post is dated {dated.isoformat()} and shows the figures known then" if dated else ""
        hint = f"{error.hint}; {when}, or write to: latest" if when else error.hint
        raise StatsError(error.path, error.line, error.column, error.message, hint) from None
    if dated is not None and spec.end is not None and spec.end > dated:
        spec = dataclasses.replace(spec, end=dated)  # a dated post's window ends on its date at the latest
    return spec, stats
