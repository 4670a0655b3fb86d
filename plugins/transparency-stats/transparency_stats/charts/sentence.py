"""Write one true French sentence per chart from the figures it plots, saying only what the bounds let us know.

« Abonnés YouTube : de 20 000 le 1er sept. 2016 à au moins 145 000 le 23 déc. 2016,
soit au moins 7 fois plus en moins de quatre mois. » The numbers stated are the
chart's first and last plotted figures, with their bounds in words; a ratio or a
percentage is stated only as far as the bounds allow (a lower bound at the end
makes it a minimum, one at the start a maximum, two lower bounds say nothing),
and counts over periods of different lengths are never compared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from transparency_stats.french import NBSP, NNBSP, format_date, format_number, format_period, is_whole_month
from transparency_stats.french.typography import typeset
from transparency_stats.stats.model import Metric, Observation, Value

from .selection import ChartSelection

BOUND_WORDS = {"exact": "", "at_least": "au moins ", "about": "environ "}
NO_FIGURE = "aucun chiffre sur cette période"
SMALL_NUMBERS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")
PERCENT = f"{NNBSP}%"


@dataclass(frozen=True)
class Ratio:
    """What two figures let us know of later / earlier: exactly, at least, at most or about `value`."""

    value: Fraction
    kind: Literal["exact", "at_least", "at_most", "about"]


def when_phrase(observation: Observation) -> str:
    """Say when a figure was read: "le 30 nov. 2016", "en novembre 2016", "sur 1–23 déc. 2016"."""
    if observation.start == observation.end:
        return f"le {format_date(observation.end)}"
    if is_whole_month(observation.start, observation.end):
        return f"en {format_period(observation.start, observation.end)}"
    return f"sur {format_period(observation.start, observation.end)}"


def amount_phrase(value: Value) -> str:
    """Say a figure with its bound in words: "145 000", "au moins 145 000", "environ 60 000 000"."""
    return BOUND_WORDS[value.bound] + format_number(value.amount)


def figure_phrase(observation: Observation) -> str:
    """Say a figure and when: "au moins 145 000 le 23 déc. 2016"."""
    return f"{amount_phrase(observation.value)} {when_phrase(observation)}"


def from_phrase(observation: Observation) -> str:
    """Say "de" a figure, elided before a bound word: "de 20 000 …", "d’au moins 20 000 …"."""
    text = figure_phrase(observation)
    return f"d’{text}" if text[0] in "aeiou" else f"de {text}"


def comparable(first: Observation, last: Observation) -> bool:
    """Tell whether two figures count over spans that compare: two days, equal lengths, or two whole months."""
    if (first.end - first.start) == (last.end - last.start):
        return True
    return is_whole_month(first.start, first.end) and is_whole_month(last.start, last.end)


def exact_fraction(amount: int | float) -> Fraction:
    """Return a figure as the exact number it was written as (2.5 is 5/2, not a binary float)."""
    return Fraction(amount) if isinstance(amount, int) else Fraction(repr(amount))


def ratio_between(before: Value, after: Value) -> Ratio | None:
    """Return what the figures let us know of after / before, or None when they tell nothing."""
    if before.amount <= 0:
        return None
    value = exact_fraction(after.amount) / exact_fraction(before.amount)
    bounds = (before.bound, after.bound)
    if bounds == ("exact", "exact"):
        return Ratio(value, "exact")
    if bounds == ("exact", "at_least"):
        return Ratio(value, "at_least")  # the later figure may be higher still
    if bounds == ("at_least", "exact"):
        return Ratio(value, "at_most")  # the earlier figure may have been higher
    if "at_least" not in bounds:
        return Ratio(value, "about")
    return None  # two lower bounds, or a lower bound and an approximation: nothing is known


def count_words(n: int, unit: str) -> str:
    """Say a small count in words, a larger one in digits: "quatre mois", "un jour", "23 jours"."""
    text = SMALL_NUMBERS[n] if n < len(SMALL_NUMBERS) else format_number(n)
    return f"{text} {unit}{'s' if n > 1 and not unit.endswith('s') else ''}"


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later, on the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (next_month - dt.timedelta(days=1)).day))


def duration_phrase(start: dt.date, end: dt.date) -> str:
    """Say how long from start to end: "en 23 jours", "en trois mois", "en moins de quatre mois", "en deux ans"."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    if months == 0:
        return f"en {count_words((end - start).days, 'jour')}"
    whole = add_months(start, months) == end
    if months >= 24:
        years = months // 12
        years_text = count_words(years, "an")
        return f"en {years_text}" if whole and months % 12 == 0 else f"en plus de {years_text}"
    return f"en {count_words(months, 'mois')}" if whole else f"en moins de {count_words(months + 1, 'mois')}"


def times_phrase(ratio: Ratio) -> str | None:
    """Say a ratio of 2 or more as a multiple: "7 fois plus", "plus de 7 fois plus", "au moins 7 fois plus"."""
    r = ratio.value
    if ratio.kind == "exact":
        n = math.floor(r)
        return f"{format_number(n)} fois plus" if r == n else f"plus de {format_number(n)} fois plus"
    if ratio.kind == "at_least":
        return f"au moins {format_number(math.floor(r))} fois plus"
    if ratio.kind == "at_most":
        return f"au plus {format_number(math.ceil(r))} fois plus"
    return f"environ {format_number(round(r))} fois plus"


def percent_phrase(word: str, percent: Fraction, kind: str) -> str | None:
    """Say a rise or fall in percent: "une hausse de 45 %", "… de plus de 45 %", "… d’au moins 45 %".

    `kind` is what is known of the percentage: exact, at least, or about ("… d’environ 45 %").
    """
    n = math.floor(percent)
    if kind == "exact":
        if percent == n:
            return f"une {word} de {n}{PERCENT}"
        return f"une {word} de moins de 1{PERCENT}" if n == 0 else f"une {word} de plus de {n}{PERCENT}"
    if kind == "at_least":
        return f"une {word} d’au moins {n}{PERCENT}" if n else f"une {word}"
    n = round(percent)
    return f"une {word} d’environ {n}{PERCENT}" if n else None


def change_phrase(ratio: Ratio) -> str | None:
    """Say what a ratio lets us know of a change, or None: "7 fois plus", "une hausse de plus de 55 %"."""
    r, kind = ratio.value, ratio.kind
    if r >= 2:
        return times_phrase(ratio)
    if r > 1:  # a rise, unless the earlier figure was only a minimum
        return None if kind == "at_most" else percent_phrase("hausse", (r - 1) * 100, kind)
    if r < 1:  # a fall, unless the later figure is only a minimum
        if kind == "at_least":
            return None
        return percent_phrase("baisse", (1 - r) * 100, "at_least" if kind == "at_most" else kind)
    return {"exact": "le même chiffre", "about": "à peu près le même chiffre"}.get(kind)


def series_clause(metric: Metric, figures: Sequence[Observation]) -> str:
    """Say one metric's first and last plotted figures, and what they let us know of the change."""
    head = f"{typeset(metric.label)}{NBSP}: "
    if not figures:
        return head + NO_FIGURE
    first, last = figures[0], figures[-1]
    if len(figures) == 1:
        return head + figure_phrase(first)
    text = f"{head}{from_phrase(first)} à {figure_phrase(last)}"
    ratio = ratio_between(first.value, last.value) if comparable(first, last) else None
    change = change_phrase(ratio) if ratio else None
    if change is None:
        return text
    if first.start == first.end and last.start == last.end and first.end < last.end and ratio.value != 1:
        change = f"{change} {duration_phrase(first.end, last.end)}"
    return f"{text}, soit {change}"


def latest_comparison(first: tuple[Metric, Observation], second: tuple[Metric, Observation]) -> str | None:
    """Say how many times the larger of two latest figures is the smaller, when units, spans and bounds allow."""
    (metric_a, a), (metric_b, b) = first, second
    if metric_a.unit != metric_b.unit or metric_a.kind != metric_b.kind or not comparable(a, b):
        return None
    larger, smaller, which = (a, b, "le premier") if a.value.amount >= b.value.amount else (b, a, "le second")
    ratio = ratio_between(smaller.value, larger.value)
    if ratio is None or ratio.value < 2 or ratio.kind == "at_most":
        return None  # an upper bound on the ratio would leave which is larger unknown
    return f"{which} chiffre est {times_phrase(ratio).removesuffix(' plus')} plus élevé"


def latest_sentence(selection: ChartSelection) -> str:
    """Say each metric's latest figure, and compare two of them."""
    by_metric = {o.metric: o for o in selection.observations}
    shown = [(m, by_metric[m.id]) for m in selection.metrics if m.id in by_metric]
    if not shown:
        return sentence_case(NO_FIGURE) + "."
    clauses = [f"{typeset(m.label)}{NBSP}: {figure_phrase(o)}" for m, o in shown]
    text = f"{NNBSP}; ".join(clauses)
    comparison = latest_comparison(*shown) if len(shown) == 2 else None
    return f"{text}{NNBSP}; {comparison}." if comparison else f"{text}."


def index_sentence(selection: ChartSelection) -> str:
    """Say what an index chart shows, before the figures' sentence."""
    return (
        f"En indice, chaque série vaut 100 à son premier chiffre du graphique{NBSP}: une courbe à 200 a doublé depuis."
    )


def sentence_case(text: str) -> str:
    """Return text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def chart_sentence(selection: ChartSelection) -> str:
    """Return the one French sentence that describes a chart's plotted figures."""
    if selection.spec.type == "latest":
        return latest_sentence(selection)
    if not selection.observations:
        return sentence_case(NO_FIGURE) + "."
    groups: dict[str, list[Observation]] = {m.id: [] for m in selection.metrics}
    for o in selection.observations:
        groups[o.metric].append(o)
    text = f"{NNBSP}; ".join(series_clause(m, groups[m.id]) for m in selection.metrics) + "."
    return f"{index_sentence(selection)} {text}" if selection.spec.scale == "index" else text
