"""Figures in the text: read `{{ METRIC @ WHEN }}`, find the figure, say it in French, link it to its source.

`{{ youtube.subscribers }}` is the metric's latest figure (for a period metric, its latest
period's count); `@ 2016-11-30` a total's figure on that day; `@ 2016-11`, `@ 2016-12-05` or
`@ 2016-12-01..2016-12-23` a period metric's count for that period; `@ A -> B` the change
between two figures, in the honest words of the chart sentences; `@ latest` follows the newest
figures even in a dated post. A figure is said as a French writer would: « au moins 145 000 »,
« environ 60 millions » (a figure of a million or more that is a whole number of hundred
thousands is said in millions). Every problem is one `file:line:col` line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from transparency_stats.errors import Problems, StatsError
from transparency_stats.french import NBSP, NNBSP, format_date, format_number
from transparency_stats.french.typography import typeset
from transparency_stats.stats.dated import latest_corrections
from transparency_stats.stats.fields import new_metric_hint
from transparency_stats.stats.model import Correction, Metric, Observation, StatsData, Value

from .figure_syntax import split_figures
from .selection import latest_observation
from .sentence import BOUND_WORDS, comparable, figure_phrase, ratio_between, times_phrase

SYNTAX = "write {{ metric }}, {{ metric @ 2016-11-30 }} or {{ metric @ 2016-09-01 -> 2016-12-23 }}"
EXPRESSION = re.compile(r"(?P<metric>[^\s@]+)(?:\s*@\s*(?P<first>[^\s>-][^\s]*?)(?:\s*->\s*(?P<second>\S+))?)?")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MONTH = re.compile(r"(\d{4})-(\d{2})")
RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
LATEST = "latest"
MILLION = 1_000_000


@dataclass(frozen=True)
class When:
    """A date or a period as written after `@`: (start, end), inclusive; a day has start == end."""

    start: dt.date
    end: dt.date
    text: str

    @property
    def is_day(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True)
class FigureRequest:
    """One `{{ … }}` read: its metric, the dates asked (none: the latest), and whether it follows the newest data."""

    metric: str
    first: When | None = None
    second: When | None = None  # a change: from `first` to `second`
    latest: bool = False


@dataclass(frozen=True)
class TextFigure:
    """A figure found: what the text says, what the hover and screen readers say, its metric's page, its correction."""

    metric: Metric
    observations: tuple[Observation, ...]
    words: str  # « au moins 145 000 », « au moins 7 fois plus »
    description: str  # the metric, the figures with their dates, the source
    correction: Correction | None = None


class FigureProblem(Exception):
    """A problem with one figure, placed by the caller: (message, hint)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_when(text: str) -> When:
    """Return the date or period written after `@`: a day, a month or a day range."""
    try:
        if match := RANGE.fullmatch(text):
            start, end = (dt.date.fromisoformat(day) for day in match.groups())
            if end < start:
                raise FigureProblem(f"period '{text}' ends before it starts", "write the earlier day first")
            return When(start, end, text)
        if DAY.fullmatch(text):
            day = dt.date.fromisoformat(text)
            return When(day, day, text)
        if match := MONTH.fullmatch(text):
            year, month = map(int, match.groups())
            return When(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), text)
    except ValueError:
        raise FigureProblem(f"'{text}' is not a real date", "check the day and the month") from None
    raise FigureProblem(
        f"'{text}' is not a date or a period",
        "write a day (2016-11-30), a month (2016-11), a range (2016-12-01..2016-12-23) or latest",
    )


def parse_request(text: str) -> FigureRequest:
    """Return what one `{{ … }}` asks for."""
    match = EXPRESSION.fullmatch(text.strip())
    if not text.strip():
        raise FigureProblem("empty figure {{ }}", SYNTAX)
    if not match:
        raise FigureProblem(f"malformed figure {{{{ {text.strip()} }}}}", SYNTAX)
    metric, first, second = match["metric"], match["first"], match["second"]
    if first == LATEST:
        if second:
            raise FigureProblem("latest cannot start a change", SYNTAX)
        return FigureRequest(metric, latest=True)
    if first is None:
        return FigureRequest(metric)
    return FigureRequest(metric, parse_when(first), parse_when(second) if second else None)


def said_amount(value: Value) -> str:
    """Say a figure as French prose: « 145 000 », « au moins 145 000 », « environ 60 millions », « 2,6 millions »."""
    amount = value.amount
    if amount >= MILLION and amount * 10 % MILLION == 0 and amount == int(amount):
        millions = int(amount) / MILLION
        number = format_number(int(millions) if millions == int(millions) else millions)
        text = f"{number}{NBSP}million{'s' if millions >= 2 else ''}"
    else:
        text = format_number(amount)
    return BOUND_WORDS[value.bound] + text


def difference_phrase(before: Value, after: Value) -> str | None:
    """Say a change under two-fold as a difference, as far as the bounds allow: « une hausse d’au moins 65 000 »."""
    delta = after.amount - before.amount
    if delta == 0:
        return "le même chiffre" if (before.bound, after.bound) == ("exact", "exact") else None
    word = "hausse" if delta > 0 else "baisse"
    size = format_number(abs(delta))
    bounds = (before.bound, after.bound)
    if bounds == ("exact", "exact"):
        return f"une {word} de {size}"
    if (bounds == ("exact", "at_least") and delta > 0) or (bounds == ("at_least", "exact") and delta < 0):
        return f"une {word} d’au moins {size}"
    if "at_least" not in bounds:
        return f"une {word} d’environ {size}"
    return None


def change_words(first: Observation, second: Observation) -> str | None:
    """Say the change from one figure to another in the chart sentences' honest words, or None."""
    if not comparable(first, second):
        return None
    ratio = ratio_between(first.value, second.value)
    if ratio is not None and ratio.value >= 2:
        return times_phrase(ratio)
    if ratio is None and "at_least" in (first.value.bound, second.value.bound):
        return None  # two minimums, or a minimum and an approximation: nothing is known
    return difference_phrase(first.value, second.value)


def dates_with_figures(series: tuple[Observation, ...]) -> list[str]:
    """Return how the figures of a series are written after `@`: days, months or ranges."""
    return [written_period(o) for o in series]


def written_period(o: Observation) -> str:
    """Return a figure's date or period as an author writes it after `@`."""
    if o.start == o.end:
        return o.start.isoformat()
    if o.start.day == 1 and o.end == dt.date(o.end.year, o.end.month, calendar.monthrange(o.end.year, o.end.month)[1]):
        if (o.start.year, o.start.month) == (o.end.year, o.end.month):
            return o.start.strftime("%Y-%m")
    return f"{o.start.isoformat()}..{o.end.isoformat()}"


def nearest(series: tuple[Observation, ...], when: When) -> str:
    """Name the figures nearest to a date: the last one before it and the first one after it."""
    before = [o for o in series if o.end < when.start]
    after = [o for o in series if o.start > when.end]
    around = [o for o in series if o not in before and o not in after]
    chosen = ([before[-1]] if before else []) + around[:3] + ([after[0]] if after else [])
    return " or ".join(f"@ {written_period(o)}" for o in chosen) if chosen else ""


def find(metric: Metric, when: When, stats: StatsData, dated: dt.date | None, latest: StatsData) -> Observation:
    """Return the figure of a metric on a day (a total) or for a period (a period metric)."""
    series = stats.series(metric.id)
    if metric.kind == "total" and not when.is_day:
        raise FigureProblem(
            f"'{metric.id}' is a total, read on a day: {when.text} is a period",
            f"write a day that has a figure, e.g. {nearest(series, when) or '@ 2016-11-30'}",
        )
    for o in series:
        if (o.start, o.end) == (when.start, when.end):
            return o
    if dated is not None and any((o.start, o.end) == (when.start, when.end) for o in latest.series(metric.id)):
        raise FigureProblem(
            f"the figure of '{metric.id}' for {when.text} was published after this post's date ({dated.isoformat()})",
            "a post shows the figures known on its Date (or Modified:); date it later, or write @ latest",
        )
    near = nearest(series, when)
    if metric.kind == "period" and when.is_day:
        raise FigureProblem(
            f"'{metric.id}' counts over periods and has no count for the single day {when.text}",
            f"name one of its periods: {near}" if near else "it has no figure yet",
        )
    what = "on" if when.is_day else "for"
    raise FigureProblem(
        f"no figure of '{metric.id}' {what} {when.text}",
        f"the nearest figures are {near}" if near else "it has no figure yet: add one to a snapshot",
    )


def latest_figure(metric: Metric, stats: StatsData, dated: dt.date | None) -> Observation:
    """Return the metric's latest figure in the stats given (those known on the post's date)."""
    found = latest_observation(stats.series(metric.id))
    if found is None:
        when = f" on this post's date ({dated.isoformat()})" if dated else ""
        raise FigureProblem(
            f"no figure of '{metric.id}' yet{when}",
            "add one to a snapshot" + (", or write @ latest to follow the newest figures" if dated else ""),
        )
    return found


def source_words(observations: tuple[Observation, ...]) -> str:
    """Say where figures come from: « source : X »."""
    sources = list(dict.fromkeys(o.snapshot.source for o in observations))
    label = "source" if len(sources) == 1 else "sources"
    return f"{label}{NBSP}: {f'{NNBSP}; '.join(sources)}"


def resolve(request: FigureRequest, stats: StatsData, latest: StatsData, dated: dt.date | None) -> TextFigure:
    """Return the figure a request names in `stats` (`latest` when it follows the newest figures)."""
    metric = stats.metrics.get(request.metric)
    if metric is None:
        raise FigureProblem(
            f"unknown metric '{request.metric}'", new_metric_hint(request.metric, stats.metrics, stats.catalogue_path)
        )
    if request.latest:
        stats, dated = latest, None
    corrections = latest_corrections(stats)
    if request.second is not None:
        first = find(metric, request.first, stats, dated, latest)
        second = find(metric, request.second, stats, dated, latest)
        if second.end <= first.end:
            raise FigureProblem(
                f"a change goes forward in time: {request.second.text} is not after {request.first.text}",
                "write the earlier date first",
            )
        words = change_words(first, second)
        if words is None:
            raise FigureProblem(
                f"the change of '{metric.id}' from {request.first.text} to {request.second.text} cannot be stated"
                f" ({figure_phrase(first)}, {figure_phrase(second)})",
                "two minimums, or counts over periods of different lengths, do not compare: give the two figures",
            )
        pair = (first, second)
        described = f"{figure_phrase(first)}, {figure_phrase(second)}"
    else:
        found = (
            latest_figure(metric, stats, dated)
            if request.first is None
            else find(metric, request.first, stats, dated, latest)
        )
        pair = (found,)
        words = said_amount(found.value)
        described = figure_phrase(found)
    correction = next((corrections[k] for k in ((o.metric, o.start, o.end) for o in pair) if k in corrections), None)
    description = typeset(f"{metric.label}{NBSP}: {described} — {source_words(pair)}")
    return TextFigure(metric, pair, typeset(words), description, correction)


def figure_html(figure: TextFigure, metric_url: str | None, correction_url: str | None, plain: bool = False) -> str:
    """Return a figure as the text shows it: a link to its metric's page, its source and date on hover and aloud.

    The words are the link's text; its `title` (shown on hover, and on keyboard focus by
    site.css) and its `aria-label` (what screen readers say, no script needed) add the
    metric, the figures' dates and the source. Feed readers get the same link with its
    words; `plain` gives the words alone (for `description` meta).
    """
    corrected = "chiffre corrigé"
    if plain:
        return figure.words + (f" ({corrected})" if figure.correction else "")
    if figure.correction:
        new = figure.correction.new
        note = f" — corrigé le {format_date(new.snapshot.date)}{NBSP}: {figure.correction.reason}"
        description = figure.description + typeset(note)
    else:
        description = figure.description
    said = f"{figure.words} ({description})"
    html = (
        Markup('<a class="ts-figure" href="{}" title="{}" aria-label="{}">{}</a>').format(
            metric_url, said, said, figure.words
        )
        if metric_url
        else Markup('<span class="ts-figure" title="{}">{}</span>').format(said, figure.words)
    )
    if figure.correction:
        html += (
            Markup(' <a class="ts-figure__corrected" href="{}">({})</a>').format(correction_url, corrected)
            if correction_url
            else Markup(' <span class="ts-figure__corrected">({})</span>').format(corrected)
        )
    return str(html)


@dataclass
class FigureFill:
    """What filling a text's figures needs: the stats it reads, and where its figures link to."""

    stats: StatsData  # the stats the text reads (for a post: those known on its date)
    latest: StatsData  # the newest stats, for `@ latest`
    dated: dt.date | None  # a post's date; None for pages
    metric_urls: Mapping[str, str]
    correction_url: Callable[[Correction], str] | None = None
    followed_latest: bool = False  # set when a figure asked for @ latest


def fill_figures(
    html: str,
    fill: FigureFill,
    source_path: str,
    place: Callable[[int, int], tuple[int, int]] | None = None,
    plain: bool = False,
) -> str:
    """Return the HTML with each figure placeholder replaced by its figure; raise every problem at once.

    `place` turns a placeholder's (line, column) into the file's (for a `Summary:` header).
    """
    pieces = []
    problems = Problems()
    for kind, piece in split_figures(html):
        if kind == "html":
            pieces.append(piece)
            continue
        line, column = piece.get("line") or 1, piece.get("column") or 1
        if place is not None:
            line, column = place(line, column)
        with problems.collect():
            try:
                if piece.get("unclosed"):
                    raise FigureProblem(
                        "'{{' is never closed on its line",
                        "end the figure with }} on the same line, or write \\{{ for braces in the text",
                    )
                request = parse_request(piece["text"])
                figure = resolve(request, fill.stats, fill.latest, fill.dated)
            except FigureProblem as problem:
                raise StatsError(source_path, line, column, problem.message, problem.hint) from None
            fill.followed_latest |= request.latest
            correction_url = (
                fill.correction_url(figure.correction) if figure.correction and fill.correction_url else None
            )
            pieces.append(figure_html(figure, fill.metric_urls.get(figure.metric.id), correction_url, plain))
    problems.raise_any()
    return "".join(pieces)
