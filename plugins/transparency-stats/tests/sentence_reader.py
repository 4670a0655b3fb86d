"""Read a chart's sentence back into numbers, bounds and claims, and check each against the plotted figures.

Written apart from sentence.py, from the sentence's grammar only: what it states is
parsed back out and compared with the figure as plotted (Plotly's y or x arrays and
their labels), with exact fractions, never by comparing two renderings of one string.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

NBSP, NNBSP = "\u00a0", "\u202f"
BOUND_OF_WORD = {None: "exact", "au moins": "at_least", "environ": "about"}
NUMBER = rf"\d{{1,3}}(?:{NNBSP}\d{{3}})*(?:,\d+)?"


def figure_pattern(prefix: str) -> str:
    """Return a regex reading "au moins 145 000 le 23 déc. 2016" into <prefix>bound, number and when."""
    amount = rf"(?:(?P<{prefix}bound>au moins|environ) )?(?P<{prefix}number>{NUMBER})"
    when = rf"(?P<{prefix}when>le \d{{1,2}}(?:er)? \S+ \d{{4}}|en [^\s,;]+ \d{{4}}|sur [^,;]+? \d{{4}})"
    return f"{amount} {when}"


SERIES = re.compile(rf"(?:d’|de )(?:{figure_pattern('first_')}) à {figure_pattern('last_')}(?:, soit (?P<change>.+))?")
SINGLE = re.compile(figure_pattern(""))
WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")


@dataclass(frozen=True)
class Stated:
    """A figure as the sentence states it."""

    amount: Fraction
    bound: str
    when: str


def number(text: str) -> Fraction:
    """Read a French number: "145 000" is 145000, "2,5" is 5/2."""
    return Fraction(text.replace(NNBSP, "").replace(",", "."))


def stated(match: re.Match, prefix: str = "") -> Stated:
    """Return the figure a regex match read."""
    return Stated(number(match[f"{prefix}number"]), BOUND_OF_WORD[match[f"{prefix}bound"]], match[f"{prefix}when"])


def exact(amount) -> Fraction:
    """Return a plotted amount as the exact number written in the stats (2.5 is 5/2)."""
    return Fraction(amount) if isinstance(amount, int) else Fraction(repr(amount))


def bound_of_label(label: str) -> str:
    """Return the bound a plotted label ("≥ 145 000", "≈ 6 000", "7 500") shows."""
    return {"≥": "at_least", "≈": "about"}.get(label[:1], "exact")


def split_clauses(sentence: str) -> list[tuple[str | None, str]]:
    """Split a sentence into (label, rest) clauses; the label is None for a closing comparison."""
    assert sentence.endswith("."), sentence
    clauses = []
    for part in sentence[:-1].split(f"{NNBSP}; "):
        label, colon, rest = part.partition(f"{NBSP}: ")
        clauses.append((label, rest) if colon else (None, part))
    return clauses


def ratio_claim_holds(qualifier: str | None, n: Fraction, r: Fraction, kind: str) -> bool:
    """Tell whether "<qualifier> n" is true of a ratio r known as `kind` (exact, at_least, at_most, about)."""
    expected = {
        "exact": (None, "plus de", "moins de"),
        "at_least": ("au moins",),
        "at_most": ("au plus",),
        "about": ("environ",),
    }[kind]
    if qualifier not in expected:
        return False
    if qualifier is None:
        return r == n
    if qualifier == "plus de":
        return r > n
    if qualifier == "moins de":
        return r < n
    if qualifier == "au moins":
        return r >= n  # the true ratio is at least r, so at least n
    if qualifier == "au plus":
        return r <= n
    return abs(r - n) <= Fraction(1, 2)


def ratio_kind(before: str, after: str) -> str | None:
    """Return what two bounds let us know of after / before: exact, at_least, at_most, about, or None."""
    if (before, after) == ("exact", "exact"):
        return "exact"
    if (before, after) == ("exact", "at_least"):
        return "at_least"
    if (before, after) == ("at_least", "exact"):
        return "at_most"
    if "at_least" not in (before, after):
        return "about"
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later (the month's last day when it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def word_number(text: str) -> int:
    """Read "quatre" or "23" or "1 200"."""
    return WORDS.index(text) if text in WORDS else int(text.replace(NNBSP, ""))


def duration_holds(text: str, start: dt.date, end: dt.date) -> bool:
    """Tell whether "en moins de quatre mois" (etc.) is true from start to end."""
    m = re.fullmatch(rf"en (?:(?P<q>moins de|plus de) )?(?P<n>\w+|{NUMBER}) (?P<unit>jours?|mois|ans?)", text)
    assert m, text
    n, unit, q = word_number(m["n"]), m["unit"], m["q"]
    if unit.startswith("jour"):
        return q is None and (end - start).days == n
    months = n * 12 if unit.startswith("an") else n
    target = add_months(start, months)
    return {None: end == target, "moins de": end < target, "plus de": end > target}[q]


def change_holds(change: str, first: Stated, last: Stated, totals: bool, start: dt.date, end: dt.date) -> str | None:
    """Return None when the change stated is true of the two figures, else what is wrong."""
    kind = ratio_kind(first.bound, last.bound)
    if kind is None or first.amount == 0:
        return f"a change is stated though the bounds ({first.bound}, {last.bound}) tell nothing"
    r = last.amount / first.amount
    duration = None
    m = re.fullmatch(r"(.+?) (en (?:moins de |plus de )?\S+ (?:jours?|mois|ans?))", change)
    if m:
        change, duration = m[1], m[2]
        if not totals:
            return "a duration is stated between periods"
        if not duration_holds(duration, start, end):
            return f"the duration {duration!r} is false from {start} to {end}"
    elif totals and r != 1:
        return "no duration is stated between two totals"
    m = re.fullmatch(rf"(?:(plus de|au moins|au plus|environ) )?({NUMBER}) fois plus", change)
    if m:
        ok = number(m[2]) >= 2 and ratio_claim_holds(m[1], number(m[2]), r, kind)
        return None if ok else f"{change!r} is not what a ratio of {float(r)} known {kind} says"
    qualified = rf"(?: (?:de |d’)(?:(plus de|moins de|au moins|environ) )?(\d+){NNBSP}%)?"
    m = re.fullmatch(rf"une (hausse|baisse){qualified}", change)
    if m:
        word, qualifier, n = m[1], m[2], m[3]
        percent = (r - 1) * 100 if word == "hausse" else (1 - r) * 100
        if n is None:  # "une hausse": only the direction, which must be certain
            certain = kind in ("exact", "at_least") if word == "hausse" else kind in ("exact", "at_most")
            return None if certain and percent > 0 else f"{change!r} is not certain"
        kind_for_word = kind if word == "hausse" else {"at_most": "at_least", "at_least": "at_most"}.get(kind, kind)
        if word == "hausse" and kind == "at_most" or word == "baisse" and kind == "at_least":
            return f"{change!r}: the direction is unknown"
        ok = percent > 0 and ratio_claim_holds(qualifier, Fraction(int(n)), percent, kind_for_word)
        return None if ok else f"{change!r} is not what {float(percent)} % known {kind} says"
    if change == "le même chiffre":
        return None if r == 1 and kind == "exact" else f"{change!r} but r = {float(r)} ({kind})"
    if change == "à peu près le même chiffre":
        return None if r == 1 and kind == "about" else f"{change!r} but r = {float(r)} ({kind})"
    return f"unknown change phrase {change!r}"


def check_figure(found: Stated, amount, label: str, when: str) -> list[str]:
    """Compare a stated figure with the plotted amount, its label (with ≥/≈) and its date or period."""
    problems = []
    if found.amount != exact(amount):
        problems.append(f"states {float(found.amount)} where {amount} is plotted")
    if found.bound != bound_of_label(label):
        problems.append(f"states {found.amount} as {found.bound} where the chart shows {label!r}")
    if found.when != when:
        problems.append(f"says {found.when!r} where {when!r} was expected")
    return problems
