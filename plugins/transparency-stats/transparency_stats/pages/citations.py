"""« Citer ces chiffres »: a French citation to paste and its BibTeX, for metric pages and chart embed pages.

Journalists cite pages, researchers BibTeX: both name the site, the figures' label, the
date of the latest figure, the source(s) and the page's permalink (absolute in the publish
build, where SITEURL is). No date of consultation: the build never reads the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transparency_stats.charts.html import chart_title, snapshots_used
from transparency_stats.charts.selection import latest_observation
from transparency_stats.french import NBSP, NNBSP, format_date
from transparency_stats.french.typography import typeset

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIBTEX_KEY = re.compile(r"[^A-Za-z0-9:._-]+")


@dataclass(frozen=True)
class Citation:
    """A French citation to paste into an article, and the same as a BibTeX entry."""

    text: str
    bibtex: str


def bibtex_escape(text: str) -> str:
    """Return text safe inside a BibTeX field's braces (LaTeX's special characters escaped)."""
    return "".join(BIBTEX_SPECIAL.get(c, c) for c in text.replace(NBSP, " ").replace(NNBSP, " "))


def citation(site: str, label: str, latest, sources: list[str], url: str, key: str) -> Citation:
    """Return the citation of figures: the site, what they count, the date of the latest, sources and permalink."""
    listed = f"{NNBSP}; ".join(dict.fromkeys(sources))
    word = "source" if len(dict.fromkeys(sources)) == 1 else "sources"
    text = typeset(f"{site}, « {label} », chiffres au {format_date(latest)} ({word} : {listed}), {url}")
    bibtex = (
        f"@misc{{{BIBTEX_KEY.sub('-', key)}-{latest.isoformat()},\n"
        f"  author = {{{{{bibtex_escape(site)}}}}},\n"
        f"  title = {{{{{bibtex_escape(label)}}}}},\n"
        f"  year = {{{latest.year}}},\n"
        f"  note = {{Chiffres au {latest.isoformat()} ; {word} : {bibtex_escape(listed)}}},\n"
        f"  url = {{{url}}},\n"  # verbatim: url fields are read as they are (a site URL holds no braces)
        f"  language = {{french}}\n"
        "}\n"
    )
    return Citation(text, bibtex)


def metric_citation(stats, metric_id: str, url: str, site: str) -> Citation:
    """Return the citation of a metric's page: its label, its latest figure's date and source, its permalink."""
    latest = latest_observation(stats.observations.get(metric_id, ()))
    return citation(site, stats.metrics[metric_id].label, latest.end, [latest.snapshot.source], url, metric_id)


def chart_citation(chart, site: str) -> Citation:
    """Return the citation of a chart (its embed page cites the chart in its post: the permalink)."""
    selection = chart.selection
    observations = list(selection.observations)
    latest = max(o.end for o in observations)
    sources = [s.source for s in snapshots_used(observations)]
    title = chart_title(selection.spec, list(selection.metrics))
    return citation(site, title, latest, sources, f"{chart.page.url}#{chart.chart_id}", chart.chart_id)
