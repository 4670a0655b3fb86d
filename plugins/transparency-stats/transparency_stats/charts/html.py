"""HTML of one chart: the plot's container, its figure JSON, the same figures as a table, sources."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from html import escape as html_escape
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from transparency_stats.french import NBSP, NNBSP, format_date, format_period, format_value
from transparency_stats.french.typography import typeset
from transparency_stats.stats.model import ChartSpec, Metric, Observation, Snapshot

from .links import ChartMedia, Picture
from .marks import events_html, indexed_cells
from .plot import build_plot, plot_json
from .selection import ChartSelection
from .sentence import chart_sentence

CHART_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")

URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

ODD_URL_CHARACTER = re.compile(r"[\s\x00-\x1f\\]")

MISSING = "—"

FALLBACK = f"Le graphique interactif demande JavaScript{NBSP}: les chiffres sont dans le tableau ci-dessous."

PLOT_LABEL = f"graphique interactif{NNBSP}; les chiffres sont dans le tableau ci-dessous"


def french_list(items: list[str]) -> str:
    """Join items the French way: "A", "A et B", "A, B et C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def chart_title(spec: ChartSpec, metrics: list[Metric]) -> str:
    """Return the chart's title, else its metrics' labels as a French list."""
    return spec.title or french_list([m.label for m in metrics])


def has_odd_characters(url: str) -> bool:
    """Tell whether url holds spaces, control characters or backslashes (read as "/" by browsers)."""
    return ODD_URL_CHARACTER.search(url) is not None


@cache
def is_web_url(url: str | None) -> bool:
    """Tell whether url is an absolute http(s) URL with a host.

    Kept per URL: a site has one per snapshot and a few of its own, each asked by every chart
    listing it. urlsplit keeps only its last 128 URLs, so on the benchmark's 10× site (2 000
    snapshots) it split them again and again: 28× the calls for 10× the input, the charts'
    phase growing 10.9×.
    """
    if not url or has_odd_characters(url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def is_site_url(url: str) -> bool:
    """Tell whether url is an http(s) URL or a scheme-less path on this site."""
    if is_web_url(url):
        return True
    return bool(url) and not has_odd_characters(url) and not URL_SCHEME.match(url) and not url.startswith("//")


def link_or_text(text: str, url: str | None) -> Markup:
    """Return text as a link when url is a web URL, else as plain escaped text."""
    if is_web_url(url):
        return Markup('<a href="{}">{}</a>').format(url, typeset(text))
    return escape(typeset(text))


def snapshots_used(observations: list[Observation]) -> list[Snapshot]:
    """Return the observations' snapshots, each once, by (date, file name)."""
    unique = {o.snapshot.filename: o.snapshot for o in observations}
    return sorted(unique.values(), key=lambda s: (s.date, s.filename))


NO_SOURCE = "Aucun chiffre sur cette période"


def sources_label(count: int) -> str:
    """Return "Source" or "Sources" for that many sources."""
    return "Source" if count == 1 else "Sources"


def sources_html(snapshots: list[Snapshot]) -> Markup:
    """Return the sources read, first to last, each (source, url) once, with the figures' date."""
    if not snapshots:
        return escape(f"{NO_SOURCE}.")
    sources = list(dict.fromkeys((s.source, s.url) for s in snapshots))
    links = Markup(f"{NNBSP}; ").join(link_or_text(text, url) for text, url in sources)  # noqa: S704
    latest = format_date(max(s.date for s in snapshots))
    return Markup("{}{}: {} — Chiffres au {}.").format(sources_label(len(sources)), NBSP, links, latest)


def sources_text(selection: ChartSelection) -> str:
    """Return a chart's sources and date as one line of plain text (cards): "Source : X — Chiffres au 5 janv. 2017"."""
    snapshots = snapshots_used(list(selection.observations))
    if not snapshots:
        return NO_SOURCE
    sources = list(dict.fromkeys(s.source for s in snapshots))
    latest = format_date(max(s.date for s in snapshots))
    return f"{sources_label(len(sources))}{NBSP}: {f'{NNBSP}; '.join(sources)} — Chiffres au {latest}"


def table_head(cells: list[str]) -> str:
    """Return a <thead> row of column headers (typeset)."""
    return "<thead><tr>" + "".join(f'<th scope="col">{html_escape(typeset(c))}</th>' for c in cells) + "</tr></thead>"


def table_row(header: str, cells: list[str]) -> str:
    """Return a <tr> headed by a row header."""
    tds = "".join(f"<td>{html_escape(c)}</td>" for c in cells)
    return f'<tr><th scope="row">{html_escape(header)}</th>{tds}</tr>'


def series_rows(metrics: list[Metric], observations: list[Observation], index: bool = False) -> list[str]:
    """Return one row per day or period, one cell per metric ("—" when it has no figure; the index beside it)."""
    cells = {(o.start, o.end, o.metric): format_value(o.value) for o in observations}
    if index:
        cells.update(indexed_cells(metrics, observations))
    periods = sorted({(o.start, o.end) for o in observations})
    return [
        table_row(format_period(start, end), [cells.get((start, end, m.id), MISSING) for m in metrics])
        for start, end in periods
    ]


def latest_rows(metrics: list[Metric], observations: list[Observation]) -> list[str]:
    """Return one row per metric: its latest figure and its day or period."""
    latest = {o.metric: o for o in observations}
    rows = []
    for m in metrics:
        o = latest.get(m.id)
        value, when = (format_value(o.value), format_period(o.start, o.end)) if o else (MISSING, MISSING)
        rows.append(table_row(typeset(m.label), [value, when]))
    return rows


def data_table(spec: ChartSpec, title: str, metrics: list[Metric], observations: list[Observation]) -> Markup:
    """Return the table of exactly the figures plotted."""
    if spec.type == "latest":
        head = table_head(["Indicateur", "Chiffre", "Date"])
        rows = latest_rows(metrics, observations)
    else:
        first = "Période" if any(o.start != o.end for o in observations) else "Date"
        head = table_head([first] + [m.label for m in metrics])
        rows = series_rows(metrics, observations, index=spec.scale == "index")
    caption = html_escape(typeset(title))
    return Markup(f"<table><caption>{caption}</caption>{head}<tbody>{''.join(rows)}</tbody></table>")  # noqa: S704


def description_id(chart_id: str) -> str:
    """Return the HTML id of a chart's sentence, which the plot names as its description."""
    return f"{chart_id}-description"


def description_html(sentence: str, chart_id: str) -> Markup:
    """Return the chart's sentence as a visible paragraph: read with or without JavaScript, in feeds too."""
    return Markup('<p class="ts-chart__description" id="{}">{}</p>').format(description_id(chart_id), sentence)


def metric_links_html(metrics: list[Metric], metric_urls: Mapping[str, str] | None) -> Markup:
    """Return "Tous les chiffres : A, B et C." linking each metric that has a page, or nothing."""
    links = [
        Markup('<a href="{}">{}</a>').format(metric_urls[m.id], m.label)
        for m in metrics
        if metric_urls and m.id in metric_urls and is_site_url(metric_urls[m.id])
    ]
    if not links:
        return Markup("")
    listed = Markup(", ").join(links[:-1]) + Markup(" et ") + links[-1] if len(links) > 1 else links[0]
    return Markup("Tous les chiffres{}: {}. ").format(NBSP, listed)


def render_chart(
    selection: ChartSelection,
    chart_id: str,
    csv_url: str,
    metric_urls: Mapping[str, str] | None = None,
    sentence: str | None = None,
    media: ChartMedia | None = None,
) -> str:
    """Return the chart's <figure>: plot container, its sentence, figure JSON, data table, sources.

    `metric_urls` maps metric ids to their pages: the caption links each metric of the chart there.
    `sentence` is the chart's sentence when the caller already wrote it (`sentence.chart_sentence`).
    With `media`, the caption offers the chart's embed code, and when the build drew its
    images the plot shows them from the first paint (plotly.js replaces them on demand).
    """
    if not CHART_ID.match(chart_id):
        raise ValueError(f"chart id must be letters, digits, '-', '_' or '.': {chart_id!r}")
    spec, metrics = selection.spec, list(selection.metrics)
    title = chart_title(spec, metrics)
    caption = Markup("{} ").format(typeset(spec.caption)) if spec.caption else Markup("")
    download = (
        Markup('<a href="{}" download>Télécharger les données (CSV)</a>').format(csv_url)
        if is_site_url(csv_url)
        else Markup("")
    )
    picture = media.picture if media else None
    return Markup(
        '<figure class="ts-chart" id="{id}">\n'
        '<p class="ts-chart__title" id="{id}-title">{title}</p>\n'
        '{stage}<div class="{plot_class}" data-plot="{id}-data" role="group" aria-label="{label}"'
        ' aria-describedby="{description_id}">'
        "{inside}</div>\n{explore}"
        "{description}\n"
        '<script type="application/json" id="{id}-data">{json}</script>\n'
        '<details class="ts-chart__data"><summary>Les chiffres du graphique</summary>\n{table}\n</details>\n'
        "<figcaption>{caption}{sources} {metric_links}{download}{embed}</figcaption>\n"
        "</figure>\n"
    ).format(
        id=chart_id,
        title=typeset(title),
        plot_class="ts-chart__plot ts-chart__plot--image" if picture else "ts-chart__plot",
        label=f"{title} — {PLOT_LABEL}",  # an attribute: left as typed
        inside=picture_html(picture) if picture else Markup('<p class="ts-chart__fallback">{}</p>').format(FALLBACK),
        stage=Markup('<div class="ts-chart__stage">') if picture else Markup(""),
        explore=EXPLORE if picture else Markup(""),
        description_id=description_id(chart_id),
        description=description_html(sentence if sentence is not None else once(selection, "sentence"), chart_id)
        + events_html(selection),
        json=Markup(once(selection, "json")),  # noqa: S704
        table=once(selection, "table"),
        caption=caption,
        sources=once(selection, "sources"),
        metric_links=metric_links_html(metrics, metric_urls),
        download=download,
        embed=embed_html(chart_id, title, media.embed_url) if media and is_site_url(media.embed_url) else Markup(""),
    )


SELECTION_PARTS = {
    "sentence": chart_sentence,
    "json": lambda selection: plot_json(build_plot(selection)),
    "table": lambda selection: data_table(
        selection.spec,
        chart_title(selection.spec, list(selection.metrics)),
        list(selection.metrics),
        list(selection.observations),
    ),
    "sources": lambda selection: sources_html(snapshots_used(list(selection.observations))),
}


def once(selection: ChartSelection, part: str):
    """Return a part of a chart's HTML that only its selection decides, worked out once per selection.

    A post's chart and its embed page share their selection: its sentence, figure JSON, table
    and sources were worked out twice (measured on the benchmark's site: about half the embed
    pages' time). The selection is a frozen value, so each part is kept in its `__dict__`, as
    `functools.cached_property` keeps its values.
    """
    kept = selection.__dict__
    key = f"_html_{part}"
    if key not in kept:
        kept[key] = SELECTION_PARTS[part](selection)
    return kept[key]


# Over the image's corner, shown by charts.js (a button does nothing without it): draws the chart in its place.
EXPLORE = Markup('<button type="button" class="ts-chart__explore" hidden>Explorer les données</button></div>\n')

EMBED_HEIGHT = 560  # pixels: the embed page's chart, title, sources and links, on a wide screen


def picture_html(picture: Picture) -> Markup:
    """Return the chart's images: the narrow SVG on phones, the wide one elsewhere, each box reserved by its size."""
    (width, height), (narrow_width, narrow_height) = picture.wide, picture.narrow
    return Markup(
        '<picture class="ts-chart__image"><source media="{media}" srcset="{narrow}" width="{nw}" height="{nh}">'
        '<img src="{wide}" width="{w}" height="{h}" alt="" decoding="async"></picture>'
    ).format(
        media=picture.narrow_media,
        narrow=picture.narrow_url,
        nw=narrow_width,
        nh=narrow_height,
        wide=picture.wide_url,
        w=width,
        h=height,
    )


def embed_code(title: str, embed_url: str) -> str:
    """Return the <iframe> another site pastes to show the chart."""
    return str(
        Markup(
            '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy" style="border: 0"></iframe>'
        ).format(embed_url, title, EMBED_HEIGHT)
    )


def embed_html(chart_id: str, title: str, embed_url: str) -> Markup:
    """Return « Intégrer »: the chart's embed code, to copy, and a link to its standalone page."""
    return Markup(
        '\n<details class="ts-chart__embed"><summary>Intégrer</summary>\n'
        '<label for="{id}-embed">Code à copier pour montrer ce graphique sur un autre site{nbsp}:</label>\n'
        '<textarea id="{id}-embed" readonly rows="3">{code}</textarea>\n'
        '<a href="{url}">Le graphique seul</a></details>'
    ).format(id=chart_id, nbsp=NBSP, code=embed_code(title, embed_url), url=embed_url)
