"""Performance benchmark of the transparency stats plugin: `invoke bench`.

Generates a synthetic site in a temporary folder, builds it with and without the
plugin, and prints one table: each figure (the median of `runs` runs) next to its
budget and a verdict. Comparisons are ratios of runs measured side by side
(interleaved), never absolute times, because the machine is shared and drifts.

Exit code 0 even when a budget is over (this is a report); 1 when a correctness
check fails (a build problem, a stale chart after a snapshot edit, a chart that
does not draw…).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import gzip
import http.server
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = ROOT / "pelicanconf.py"

from tools.chromium import CHROMIUM, launch  # noqa: E402
VIEWPORT = {"width": 390, "height": 844}
PLUGIN = "transparency_stats"
PLUGIN_PARTS = ("load", "charts", "data page", "markdown")  # the plugin's own time, by entry point
GROWTH = 10
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = (dt.date(2017, 12, 31) - FIRST_DAY).days + 1  # 2015–2017

BUDGET_OVERHEAD = 1.10  # build time with the plugin / without
BUDGET_MS_PER_CHART = 1.5
BUDGET_GROWTH = 10.0  # plugin's own time at 10× charts and snapshots / at 1×
KB = 1000  # as the issue counts: plotly's basic bundle is "~395 KB" gzipped, 395 403 bytes
BUDGET_CHART_BYTES = 1.5 * KB
BUDGET_JS_CHARTS = 450 * KB  # gzip -9
BUDGET_JS_NO_CHARTS = 0


class CheckFailed(Exception):
    """A correctness check failed: the benchmark's figures cannot be trusted."""


def check(condition: bool, message: str) -> None:
    """Raise CheckFailed with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


# ---------------------------------------------------------------------------
# The synthetic site

WORDS = (
    "campagne programme avenir commun peuple citoyens république écologie planification partage "
    "richesses travail salaires retraite santé hôpital école laïcité démocratie constituante assemblée "
    "référendum souveraineté énergie climat mer agriculture paysans ouvriers quartiers jeunesse culture "
    "numérique réseaux vidéo chaîne abonnés soutiens militants groupes appui caravane meeting place "
    "rassemblement marche mobilisation porte-à-porte tract affiche débat émission revue semaine chiffres "
    "transparence confiance vérité médias plateforme inscription volontaires dons financement bilan "
    "propositions mesures loi impôt justice fiscale services publics transports logement eau bien "
    "commun Europe paix diplomatie indépendance armée frontières solidarité égalité femmes hommes "
    "enfants avenir espoir ambition énergie force nombre élan victoire élection présidentielle tour "
    "candidat équipe militante ville village région département banlieue campagne territoire"
).split()
LINKS = ("et", "de", "du", "la", "le", "les", "pour", "avec", "dans", "sur", "contre", "par", "entre", "vers")
CATEGORIES = ("Campagne numérique", "Programme", "Vidéos", "Mobilisation", "International", "Coulisses")
TAGS = (
    "réseaux sociaux", "transparence", "YouTube", "bilan", "vidéo", "écologie", "santé", "travail",
    "Europe", "jeunesse", "meeting", "plateforme", "débat", "presse", "dons", "caravane", "retraites",
    "logement", "énergie", "démocratie",
)
PLATFORMS = (
    ("YouTube", "youtube"), ("Twitter", "twitter"), ("Facebook", "facebook"), ("Instagram", "instagram"),
    ("Plateforme jlm2017", "plateforme"), ("Sites web", "web"), ("Lettre d'information", "lettre"),
    ("Mastodon", "mastodon"),
)
TOTAL_LABELS = ("Abonnés", "Soutiens inscrits", "Visites cumulées", "Vues cumulées", "Membres", "Inscrits")
PERIOD_LABELS = ("Nouveaux abonnés", "Vues du mois", "Visites du mois", "Interactions", "Partages", "Inscriptions")
SOURCES = (
    "Bilan chiffré de l'équipe numérique",
    "Statistiques de la plateforme",
    "Tableau de bord YouTube Studio",
    "Statistiques Twitter Analytics",
    "Facebook Insights",
    "Relevé manuel de l'équipe",
)
COLORS = ("#b3261e", "#d6453d", "#1d8fd6", "#3b5fc0", "#2e7d4f", "#a36a00", "#8e5bd6", "#0c8599")


@dataclass
class MetricInfo:
    id: str
    label: str
    kind: str  # total | period
    index: int  # among metrics of its kind


@dataclass
class ChartInfo:
    post: "PostInfo"
    number: int  # 1-based within its post
    metrics: tuple[str, ...]
    type: str | None  # as written (None: the default)
    start: dt.date | None
    end: dt.date | None
    text: str  # the block's YAML
    line: int = 0  # line of the opening fence in the post


@dataclass
class PostInfo:
    index: int
    slug: str
    date: dt.datetime
    path: Path
    charts: list[ChartInfo] = field(default_factory=list)

    @property
    def output(self) -> str:
        """The article's HTML, relative to the output folder."""
        return f"{self.date:%Y}/{self.date:%m}/{self.slug}/index.html"


@dataclass
class SnapshotInfo:
    filename: str
    date: dt.date
    totals: dict[str, tuple[int, str]]  # metric -> (amount, bound)


@dataclass
class SyntheticSite:
    root: Path
    sizes: dict
    posts: list[PostInfo]
    charts: list[ChartInfo]
    metrics: list[MetricInfo]
    snapshots: list[SnapshotInfo]

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def stats(self) -> Path:
        return self.root / "stats"

    def overrides(self, cache: Path, plugin: bool = True, cache_content: bool = False) -> dict:
        """Settings that point pelicanconf.py at this site (OUTPUT_PATH is given to run_pelican)."""
        plugins = [p for p in base_plugins() if plugin or p != PLUGIN]
        return {
            "PATH": str(self.content),
            "TRANSPARENCY_STATS_PATH": str(self.stats),
            "CACHE_PATH": str(cache),
            "THEME": str(self.root / "theme"),
            "PLUGIN_PATHS": [str(self.root / "plugins")],
            "PLUGINS": plugins,
            "CACHE_CONTENT": cache_content,
            "LOAD_CONTENT_CACHE": cache_content,
            "CONTENT_CACHING_LAYER": "reader",
        }


@functools.lru_cache(maxsize=None)
def _base_plugins() -> tuple[str, ...]:
    from pelican.settings import read_settings

    return tuple(read_settings(str(SETTINGS))["PLUGINS"])


def base_plugins() -> list[str]:
    """The PLUGINS of pelicanconf.py."""
    return list(_base_plugins())


def total_value(metric: MetricInfo, day: dt.date) -> tuple[int, str]:
    """The figure of a total metric on a day: a pure function, so repeated dates never conflict."""
    days = (day - FIRST_DAY).days + 30
    amount = 1000 * (metric.index + 1) * 7 + 37 * (metric.index + 1) + (13 + 11 * (metric.index % 9)) * days
    amount += days * days * (metric.index % 3) // 400
    bound = ("at_least", "about", "exact")[min((days * 7 + metric.index) % 23, 2)]
    return amount, bound


def period_value(metric: MetricInfo, year: int, month: int) -> int:
    """The figure of a period metric for a month (a pure function too)."""
    return 500 * (metric.index + 1) + 97 * ((year * 12 + month) % 41) + 13 * month


def yaml_value(amount: int, bound: str) -> str:
    return str(amount) if bound == "exact" else f"{{{bound}: {amount}}}"


def month_before(day: dt.date, back: int) -> tuple[int, int]:
    """The (year, month) `back` months before the month of `day`."""
    serial = day.year * 12 + day.month - 1 - back
    return serial // 12, serial % 12 + 1


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) if i % 3 else rng.choice(LINKS) for i in range(words)]
    picked[0] = rng.choice(WORDS)
    text = " ".join(picked)
    if rng.random() < 0.2:
        text += f" « {rng.choice(WORDS)} {rng.choice(WORDS)} »"
    if rng.random() < 0.15:
        text += f", soit {rng.randint(2, 900)} {rng.choice(WORDS)}"
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", " !", " ?"))


def paragraph(rng: random.Random, words: int = 75) -> str:
    parts, count = [], 0
    while count < words:
        n = rng.randint(8, 16)
        parts.append(sentence(rng, n))
        count += n
    text = " ".join(parts)
    # Wrap like a human editor does, at about 78 characters.
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > 78:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def generate_site(folder: Path, posts: int = 1000, charts: int = 300, charted_posts: int = 150,
                  metrics: int = 40, snapshots: int = 200, seed: int = 2017, span_days: int = DAYS) -> SyntheticSite:
    """Write a synthetic site (content, stats, a copy of the theme and plugins) under `folder`.

    Snapshots and posts are spread over `span_days` from 2015-01-01: the growth
    site spans 10× the time, so snapshots are as dense and a chart's window holds
    as many figures as on the base site.
    """
    check(posts >= 1 and metrics >= 1 and snapshots >= 1 and charts >= 1, "bench sizes must be at least 1")
    rng = random.Random(seed)
    folder = Path(folder)
    content, stats = folder / "content", folder / "stats"
    for sub in (content / "posts", content / "pages", stats / "snapshots"):
        sub.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "tests", "*.pyc")
    for name in ("theme", "plugins"):
        if not (folder / name).exists():
            shutil.copytree(ROOT / name, folder / name, ignore=ignore)

    # Metrics: half totals, half periods.
    n_total, n_period = (metrics + 1) // 2, metrics // 2
    catalogue: list[MetricInfo] = []
    lines = ["# Synthetic catalogue for the benchmark."]
    for kind, count, labels in (("total", n_total, TOTAL_LABELS), ("period", n_period, PERIOD_LABELS)):
        for k in range(count):
            platform_name, platform_slug = PLATFORMS[k % len(PLATFORMS)]
            info = MetricInfo(f"{platform_slug}.{kind}-{k:02d}", f"{labels[k % len(labels)]} {platform_name} n° {k + 1}",
                              kind, k)
            catalogue.append(info)
            lines += [f"{info.id}:", f"  label: {info.label}", f"  kind: {kind}", f"  platform: {platform_name}",
                      f"  unit: {'abonnés' if kind == 'total' else 'vues'}"]
            if k % 4 != 3:
                lines.append(f'  color: "{COLORS[k % len(COLORS)]}"')
            if k % 3 == 0:
                lines.append(f"  description: {sentence(rng, 10)}")
    (stats / "metrics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    totals = [m for m in catalogue if m.kind == "total"]
    periods = [m for m in catalogue if m.kind == "period"]

    # Snapshots: dated over 2015–2017; values are functions of (metric, date), so no conflicts.
    snapshot_infos: list[SnapshotInfo] = []
    observed: dict[str, set] = defaultdict(set)  # metric -> {(start, end)}
    for j in range(snapshots):
        day = FIRST_DAY + dt.timedelta(days=j * span_days // snapshots)
        chosen = {totals[j % len(totals)].id: totals[j % len(totals)]}
        for m in rng.sample(totals, min(len(totals), rng.randint(2, 6))):
            chosen.setdefault(m.id, m)
        info = SnapshotInfo(f"{day.isoformat()}-{j:04d}.yaml", day, {})
        text = [f"date: {day.isoformat()}", f"source: {SOURCES[j % len(SOURCES)]}"]
        if j % 3 == 0:
            text.append(f"url: https://example-campagne.fr/bilans/{day.isoformat()}/")
        if j % 5 == 0:
            text.append(f"note: {sentence(rng, 9)}")
        text.append("totals:")
        for metric_id, m in sorted(chosen.items()):
            amount, bound = total_value(m, day)
            info.totals[metric_id] = (amount, bound)
            observed[metric_id].add((day, day))
            text.append(f"  {metric_id}: {yaml_value(amount, bound)}")
        if periods:
            text.append("periods:")
            listed = {periods[j % len(periods)].id: periods[j % len(periods)]}
            for m in rng.sample(periods, min(len(periods), rng.randint(0, 2))):
                listed.setdefault(m.id, m)
            for metric_id, m in sorted(listed.items()):
                text.append(f"  {metric_id}:")
                for back in range(rng.randint(1, 2), 0, -1):
                    year, month = month_before(day, back)
                    text.append(f"    {year:04d}-{month:02d}: {period_value(m, year, month)}")
                    observed[metric_id].add(month_range(year, month))
        (stats / "snapshots" / info.filename).write_text("\n".join(text) + "\n", encoding="utf-8")
        snapshot_infos.append(info)

    # Posts, and the charts spread over `charted_posts` of them.
    charted_posts = max(1, min(charted_posts, charts, posts))
    charted = {round(i * posts / charted_posts): i for i in range(charted_posts)}
    with_data = [m for m in catalogue if observed[m.id]]
    total_ids = [m.id for m in with_data if m.kind == "total"]
    period_ids = [m.id for m in with_data if m.kind == "period"]
    post_infos: list[PostInfo] = []
    all_charts: list[ChartInfo] = []
    minutes = 600
    for i in range(posts):
        day = FIRST_DAY + dt.timedelta(days=i * span_days // posts)
        when = dt.datetime.combine(day, dt.time(8, 0)) + dt.timedelta(minutes=i % minutes)
        title_words = [rng.choice(WORDS) for _ in range(rng.randint(3, 6))]
        title = " ".join(title_words).capitalize()
        slug = f"billet-{i:05d}-{title_words[0]}".replace("à", "a").replace("é", "e").replace("è", "e")
        slug = re.sub(r"[^a-z0-9-]", "", slug)
        post = PostInfo(i, slug, when, content / "posts" / f"{day.isoformat()}-{slug}.md")
        header = [
            f"Title: {title} : {rng.choice(WORDS)} et {rng.choice(WORDS)}",
            f"Date: {when:%Y-%m-%d %H:%M}",
            f"Category: {CATEGORIES[i % len(CATEGORIES)]}",
            f"Tags: {', '.join(rng.sample(TAGS, rng.randint(1, 4)))}",
            f"Slug: {slug}",
            f"Summary: {sentence(rng, 18)}",
        ]
        body = [paragraph(rng, 70), f"## {sentence(rng, 5)[:-1].rstrip(' !?')}", paragraph(rng, 80),
                paragraph(rng, 70), f"## {sentence(rng, 4)[:-1].rstrip(' !?')}", paragraph(rng, 80)]
        chart_count = 0
        if i in charted:
            k = charted[i]
            chart_count = charts // charted_posts + (1 if k < charts % charted_posts else 0)
        blocks = []
        for n in range(chart_count):
            chart = make_chart(rng, post, n + 1, total_ids, period_ids, observed, first=not all_charts,
                               span_days=span_days)
            post.charts.append(chart)
            all_charts.append(chart)
            blocks.append(chart)
        # Put the charts between paragraphs, after the first one.
        pieces = body[:1]
        rest = body[1:]
        for n, chart in enumerate(blocks):
            pieces.append(("chart", chart))
            if rest and n % 2 == 1:
                pieces.append(rest.pop(0))
        pieces += rest
        text_lines = header + [""]
        for piece in pieces:
            if isinstance(piece, tuple):
                piece[1].line = len(text_lines) + 1
                text_lines += ["```chart", *piece[1].text.splitlines(), "```", ""]
            else:
                text_lines += [*piece.splitlines(), ""]
        post.path.write_text("\n".join(text_lines), encoding="utf-8")
        post_infos.append(post)

    for slug, title in (("a-propos", "À propos"), ("mentions-legales", "Mentions légales")):
        (content / "pages" / f"{slug}.md").write_text(
            f"Title: {title}\nSlug: {slug}\nSummary: {sentence(rng, 12)}\n\n{paragraph(rng)}\n\n{paragraph(rng)}\n",
            encoding="utf-8",
        )
    sizes = {"posts": posts, "charts": len(all_charts), "charted_posts": charted_posts, "metrics": metrics,
             "snapshots": snapshots}
    return SyntheticSite(folder, sizes, post_infos, all_charts, catalogue, snapshot_infos)


def make_chart(rng: random.Random, post: PostInfo, number: int, total_ids: list[str], period_ids: list[str],
               observed: dict[str, set], first: bool, span_days: int = DAYS) -> ChartInfo:
    """Write one chart block: 1–3 metrics of one kind, a type, and a window of 4–16 months holding data.

    Like a campaign's charts, each shows a stretch of time, not every figure ever
    recorded; so a chart's size does not grow with the number of snapshots.
    """
    if first:  # a plain line chart of one total metric over all dates: the warm rebuild edits its data
        return ChartInfo(post, number, (total_ids[0],), "line", None, None,
                         f"metrics: {total_ids[0]}\ntitle: Évolution de référence\ntype: line")
    use_periods = bool(period_ids) and rng.random() < 0.35
    pool = period_ids if use_periods else total_ids
    chosen = tuple(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3)))))
    kind_types = ("bar", "bar", "latest", None) if use_periods else ("line", "line", "area", "latest", None)
    chart_type = rng.choice(kind_types)
    start = end = None
    for _ in range(20):  # a window where every chosen metric has a figure
        start = FIRST_DAY + dt.timedelta(days=rng.randint(0, max(0, span_days - 500)))
        end = start + dt.timedelta(days=rng.randint(120, 500))
        if all(any(s >= start and e <= end for s, e in observed[m]) for m in chosen):
            break
    else:
        start = end = None
    lines = [f"metrics: {chosen[0]}" if len(chosen) == 1 else f"metrics: [{', '.join(chosen)}]"]
    if rng.random() < 0.7:
        lines.append(f"title: {sentence(rng, 5)[:-1].rstrip(' !?')}, {rng.randint(2015, 2017)}")
    if chart_type:
        lines.append(f"type: {chart_type}")
    if start:
        lines += [f"from: {start.isoformat()}", f"to: {end.isoformat()}"]
    if not use_periods and chart_type != "latest" and rng.random() < 0.1:
        lines.append("scale: log")
    if rng.random() < 0.3:
        lines.append(f"caption: {sentence(rng, 10)}")
    return ChartInfo(post, number, chosen, chart_type, start, end, "\n".join(lines))


# ---------------------------------------------------------------------------
# Measuring the plugin's own time, in this process


class PluginClock:
    """Accumulate the time spent in wrapped functions by category, each call's own time only (no nesting)."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: Counter = Counter()
        self.profiler = None  # a cProfile.Profile to run inside the plugin's entry points only
        self._stack: list[float] = []

    def reset(self) -> None:
        self.totals.clear()
        self.calls.clear()

    def wrap(self, category: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            profile = self.profiler is not None and not self._stack and category in PLUGIN_PARTS
            self._stack.append(0.0)
            if profile:
                self.profiler.enable()
            started = perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = perf_counter() - started
                if profile:
                    self.profiler.disable()
                nested = self._stack.pop()
                self.totals[category] += elapsed - nested
                self.calls[category] += 1
                if self._stack:
                    self._stack[-1] += elapsed

        return timed

    def plugin_seconds(self) -> float:
        return sum(self.totals.get(part, 0.0) for part in PLUGIN_PARTS)


@contextlib.contextmanager
def instrumented():
    """Wrap the plugin's entry points (and Pelican's Markdown reader, to count reads) with a PluginClock."""
    from pelican.readers import MarkdownReader
    from transparency_stats import datapage, markdown_ext, pelican_glue

    clock = PluginClock()
    targets = [
        (pelican_glue, "fill_article_charts", "charts"),
        (pelican_glue, "fill_page_charts", "charts"),
        (pelican_glue, "load_stats", "load"),
        (datapage.TransparencyPageGenerator, "generate_output", "data page"),
        (markdown_ext.ChartBlockPreprocessor, "run", "markdown"),
        (MarkdownReader, "read", "markdown reads"),
    ]
    saved = []
    for owner, name, category in targets:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, clock.wrap(category, original))
    try:
        yield clock
    finally:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)
        reset_signals()


def reset_signals() -> None:
    """Disconnect every receiver from Pelican's signals.

    Signals outlive a Pelican object: without this, a build without the plugin,
    run after one with it in the same process, would still run the plugin. Each
    Pelican() connects its own PLUGINS again.
    """
    import weakref

    from blinker import Signal
    from pelican.plugins import signals

    for value in vars(signals).values():
        if isinstance(value, Signal):
            for ref in list(value.receivers.values()):
                receiver = ref() if isinstance(ref, weakref.ref) else ref
                if receiver is not None:
                    value.disconnect(receiver)


@dataclass
class Build:
    seconds: float
    parts: dict[str, float]  # the plugin's own seconds by part
    calls: dict[str, int]

    @property
    def plugin_seconds(self) -> float:
        return sum(self.parts.get(p, 0.0) for p in PLUGIN_PARTS)


def timed_build(site: SyntheticSite, output: Path, cache: Path, clock: PluginClock, plugin: bool = True,
                cache_content: bool = False) -> Build:
    """Build the site in this process with tools.sitebuild.run_pelican (no precompression); fail on any problem."""
    from tools import sitebuild

    shutil.rmtree(output, ignore_errors=True)
    if not cache_content:
        shutil.rmtree(cache, ignore_errors=True)
    reset_signals()
    gc.collect()
    clock.reset()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # Pelican's "Done: …" line
        started = perf_counter()
        problems = sitebuild.run_pelican(SETTINGS, output, site.overrides(cache, plugin, cache_content))
        seconds = perf_counter() - started
    check(not problems, "the synthetic site does not build cleanly:\n  " + "\n  ".join(problems[:10]))
    calls = dict(clock.calls)
    if plugin:
        check(calls.get("charts", 0) >= 1 and calls.get("load", 0) == 1 and calls.get("data page", 0) == 1,
              f"the plugin's entry points were not timed (calls: {calls}): the instrumentation missed them")
    else:
        check(not any(calls.get(p) for p in PLUGIN_PARTS),
              f"the plugin ran in a build without it (calls: {calls}): signals leaked between builds")
    return Build(seconds, {p: clock.totals.get(p, 0.0) for p in PLUGIN_PARTS}, calls)


def check_build_output(site: SyntheticSite, output: Path, plugin: bool) -> None:
    """With the plugin every chart block is a chart; without, a plain code block."""
    figures = blocks = 0
    for post in {c.post.index: c.post for c in site.charts}.values():
        page = output / post.output
        check(page.is_file(), f"{post.output} was not built")
        html = page.read_text(encoding="utf-8")
        figures += html.count('<figure class="ts-chart"')
        blocks += html.count('class="language-chart"')
    data_page = (output / "transparence" / "index.html").is_file()
    if plugin:
        check(figures == len(site.charts) and blocks == 0,
              f"built {figures} charts for {len(site.charts)} chart blocks ({blocks} left as code)")
        check(data_page, "the data page transparence/index.html was not built")
    else:
        check(figures == 0 and blocks == len(site.charts),
              f"without the plugin, {blocks} of {len(site.charts)} chart blocks are code blocks, {figures} charts")
        check(not data_page, "without the plugin, the data page was still built")


def median(values) -> float:
    return statistics.median(list(values))


# ---------------------------------------------------------------------------
# Figures 1–3: overhead, cost per chart, growth


def measure_builds(base: SyntheticSite, big: SyntheticSite | None, runs: int, work: Path,
                   clock: PluginClock, log=print) -> dict:
    """Interleave cold builds: base with the plugin, base without, and the 10× site (plugin's time only)."""
    rounds = []
    for run in range(runs):
        order = ["with", "without"] if run % 2 == 0 else ["without", "with"]
        if big is not None:
            order.insert(run % 3, "big")
        result = {}
        for name in order:
            site = big if name == "big" else base
            output, cache = work / f"out-{name}", work / f"cache-{name}"
            build = timed_build(site, output, cache, clock, plugin=name != "without")
            if run == 0:
                check_build_output(site, output, plugin=name != "without")
            result[name] = build
            log(f"  run {run + 1}/{runs}: {name:7} {build.seconds:6.1f} s (plugin {build.plugin_seconds * 1000:7.0f} ms)")
        rounds.append(result)
    summary = {
        "with_s": median(r["with"].seconds for r in rounds),
        "without_s": median(r["without"].seconds for r in rounds),
        "overhead": median(r["with"].seconds / r["without"].seconds for r in rounds),
        "plugin_s": median(r["with"].plugin_seconds for r in rounds),
        "parts": {p: median(r["with"].parts[p] for r in rounds) for p in PLUGIN_PARTS},
        "ms_per_chart": median(r["with"].plugin_seconds for r in rounds) * 1000 / len(base.charts),
    }
    if big is not None:
        summary.update(
            big_s=median(r["big"].seconds for r in rounds),
            big_plugin_s=median(r["big"].plugin_seconds for r in rounds),
            big_parts={p: median(r["big"].parts[p] for r in rounds) for p in PLUGIN_PARTS},
            growth=median(r["big"].plugin_seconds / r["with"].plugin_seconds for r in rounds),
            growth_parts={p: median(r["big"].parts[p] / max(r["with"].parts[p], 1e-9) for r in rounds)
                          for p in PLUGIN_PARTS},
        )
    return summary


def profile_plugin(site: SyntheticSite, work: Path, clock: PluginClock, top: int = 12) -> list[str]:
    """Build once more with cProfile running inside the plugin's entry points; return its top costs."""
    import cProfile
    import pstats

    clock.profiler = cProfile.Profile()
    try:
        timed_build(site, work / "out-profile", work / "cache-profile", clock)
    finally:
        profiler, clock.profiler = clock.profiler, None
    entries = pstats.Stats(profiler).stats

    def show(ranked) -> list[str]:
        lines = []
        for (filename, line, name), (_, calls, own, cumulative, _) in ranked:
            where = Path(filename)
            shown = "/".join(where.parts[-2:]) if where.name else filename
            lines.append(f"{own * 1000:7.0f} ms own {cumulative * 1000:7.0f} ms cum {calls:8d} calls  "
                         f"{shown}:{line} {name}")
        return lines

    by_own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
    ours = [item for item in entries.items() if f"{os.sep}{PLUGIN}{os.sep}" in item[0][0]]
    by_cumulative = sorted(ours, key=lambda item: item[1][3], reverse=True)[:top]
    return (["by own time:"] + show(by_own) + [f"{PLUGIN} functions by cumulative time:"]
            + show(by_cumulative))


def plotted_figures(site: SyntheticSite) -> int:
    """How many figures the site's charts plot in all (their output grows with this)."""
    from transparency_stats.exports import chart_observations

    stats, specs = chart_specs(site, len(site.charts))
    return sum(len(chart_observations(spec, stats)) for spec in specs)


def chart_specs(site: SyntheticSite, count: int):
    """Load the site's stats and parse its first `count` chart blocks, as the plugin does."""
    from transparency_stats import chartspec
    from transparency_stats.loader import load_stats

    stats = load_stats(site.stats)
    specs = [chartspec.parse_chart_block(c.text, str(c.post.path), c.line, stats) for c in site.charts[:count]]
    return stats, specs


def measure_figure_json(site: SyntheticSite, count: int = 50, reps: int = 5) -> dict:
    """Time our figure JSON against plotly.graph_objects' default, side by side, per chart."""
    import plotly.graph_objects as go
    from transparency_stats.figure import build_figure, figure_json

    stats, specs = chart_specs(site, count)
    figures = [build_figure(spec, stats) for spec in specs]
    go.Figure(data=figures[0]["data"], layout=figures[0]["layout"]).to_json()  # warm plotly's validators
    ours, plotly = [], []
    for rep in range(reps):
        for name in (("ours", "plotly") if rep % 2 == 0 else ("plotly", "ours")):
            started = perf_counter()
            if name == "ours":
                for spec in specs:
                    figure_json(build_figure(spec, stats))
                ours.append((perf_counter() - started) * 1000 / len(specs))
            else:
                for figure in figures:
                    go.Figure(data=figure["data"], layout=figure["layout"]).to_json()
                plotly.append((perf_counter() - started) * 1000 / len(specs))
    return {"charts": len(specs), "ours_ms": median(ours), "plotly_ms": median(plotly),
            "ratio": median(p / o for p, o in zip(plotly, ours))}


# ---------------------------------------------------------------------------
# Figure 4: warm rebuilds with Pelican's content cache


def french_number(amount: int) -> str:
    from transparency_stats.formatting import format_value
    from transparency_stats.model import Value

    return format_value(Value(amount))


def pick_snapshot_edit(site: SyntheticSite, before: str):
    """Choose a figure that the first chart plots, listed in one snapshot only, and a new value absent from the page."""
    chart = site.charts[0]
    metric = chart.metrics[0]
    count = Counter((metric_id, s.date) for s in site.snapshots for metric_id in s.totals)
    for snapshot in site.snapshots:
        if metric in snapshot.totals and count[(metric, snapshot.date)] == 1:
            amount, bound = snapshot.totals[metric]
            if bound != "exact":
                continue
            for delta in range(7, 1000, 7):
                new = amount + delta
                if french_number(new) not in before:
                    return chart, snapshot, metric, amount, new
    raise CheckFailed("no snapshot figure of the first chart can be edited alone: the synthetic site is too small")


def edit_post(post: PostInfo, token: str) -> str:
    """Append a paragraph to a post; return the original text."""
    original = post.path.read_text(encoding="utf-8")
    post.path.write_text(original + f"\nMise à jour du billet, repère {token}.\n", encoding="utf-8")
    bump_mtime(post.path)
    return original


def bump_mtime(path: Path) -> None:
    later = time.time() + 2
    os.utime(path, (later, later))


def edit_snapshot(site: SyntheticSite, snapshot: SnapshotInfo, metric: str, old: int, new: int) -> str:
    """Change one figure of one snapshot file; return the original text."""
    path = site.stats / "snapshots" / snapshot.filename
    original = path.read_text(encoding="utf-8")
    edited, count = re.subn(rf"(?m)^  {re.escape(metric)}: {old}$", f"  {metric}: {new}", original)
    check(count == 1, f"could not edit {metric} in {snapshot.filename}")
    path.write_text(edited, encoding="utf-8")
    bump_mtime(path)
    return original


def verify_snapshot_edit(output: Path, chart: ChartInfo, new: int) -> None:
    """The edited figure must show in the chart's article (table, hover) and in the chart's CSV."""
    html = (output / chart.post.output).read_text(encoding="utf-8")
    shown = french_number(new)
    check(shown in html, f"after editing a snapshot, {chart.post.output} does not show the new figure {shown!r}: "
                         "the chart is stale")
    csv_path = output / "transparence" / "donnees" / "graphiques" / f"graphique-{chart.post.slug}-{chart.number}.csv"
    check(csv_path.is_file(), f"the chart's CSV {csv_path.relative_to(output)} was not written")
    check(re.search(rf"(^|,){new}(,|$)", csv_path.read_text(encoding="utf-8"), re.M) is not None,
          f"after editing a snapshot, {csv_path.relative_to(output)} does not hold the new figure {new}")


def measure_warm(site: SyntheticSite, runs: int, work: Path, clock: PluginClock, log=print) -> dict:
    """Cold build with the content cache, then rebuild after a post edit, then after a snapshot edit; check both."""
    rounds = []
    post = site.charts[0].post
    for run in range(runs):
        output, cache = work / "out-warm", work / f"cache-warm-{run}"
        shutil.rmtree(cache, ignore_errors=True)
        cold = timed_build(site, output, cache, clock, cache_content=True)
        before = (output / post.output).read_text(encoding="utf-8")
        chart, snapshot, metric, old, new = pick_snapshot_edit(site, before)
        token = f"bench-{run}-{time.time_ns()}"
        post_text = edit_post(post, token)
        try:
            warm_post = timed_build(site, output, cache, clock, cache_content=True)
            post_reads = warm_post.calls.get("markdown reads", 0)
            check(token in (output / post.output).read_text(encoding="utf-8"),
                  f"after editing {post.path.name}, its page does not show the edit")
            snapshot_text = edit_snapshot(site, snapshot, metric, old, new)
            try:
                warm_stats = timed_build(site, output, cache, clock, cache_content=True)
                snapshot_reads = warm_stats.calls.get("markdown reads", 0)
                verify_snapshot_edit(output, chart, new)
            finally:
                (site.stats / "snapshots" / snapshot.filename).write_text(snapshot_text, encoding="utf-8")
        finally:
            post.path.write_text(post_text, encoding="utf-8")
        log(f"  run {run + 1}/{runs}: cold {cold.seconds:.1f} s, post edit {warm_post.seconds:.1f} s "
            f"({post_reads} read), snapshot edit {warm_stats.seconds:.1f} s ({snapshot_reads} read)")
        rounds.append((cold, warm_post, warm_stats, post_reads, snapshot_reads))
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "cold_s": median(r[0].seconds for r in rounds),
        "post_s": median(r[1].seconds for r in rounds),
        "snapshot_s": median(r[2].seconds for r in rounds),
        "post_ratio": median(r[1].seconds / r[0].seconds for r in rounds),
        "snapshot_ratio": median(r[2].seconds / r[0].seconds for r in rounds),
        "post_reads": max(r[3] for r in rounds),
        "snapshot_reads": max(r[4] for r in rounds),
        "snapshot_plugin_ratio": median(r[2].plugin_seconds / r[0].seconds for r in rounds),
        "edited": f"{snapshot.filename}: {metric} {old} → {new}",
    }


# ---------------------------------------------------------------------------
# Figure 5: bytes per chart


def measure_chart_bytes(folder: Path) -> dict:
    """Render a one-metric, 12-point line chart through the plugin; compare its JSON with plotly's to_json()."""
    import plotly.graph_objects as go
    from transparency_stats import chartspec, render
    from transparency_stats.figure import build_figure
    from transparency_stats.loader import load_stats

    stats_dir = folder / "stats"
    (stats_dir / "snapshots").mkdir(parents=True, exist_ok=True)
    (stats_dir / "metrics.yaml").write_text(
        "youtube.subscribers:\n  label: Abonnés YouTube\n  kind: total\n  platform: YouTube\n"
        "  unit: abonnés\n  color: \"#d6453d\"\n", encoding="utf-8")
    for month in range(1, 13):
        day = month_range(2016, month)[1]
        (stats_dir / "snapshots" / f"{day.isoformat()}.yaml").write_text(
            f"date: {day.isoformat()}\nsource: Tableau de bord YouTube Studio\n"
            f"url: https://example-campagne.fr/bilans/{day.isoformat()}/\n"
            f"totals:\n  youtube.subscribers: {12000 + month * month * 1137}\n", encoding="utf-8")
    stats = load_stats(stats_dir)
    spec = chartspec.parse_chart_block("metrics: youtube.subscribers\ntitle: Abonnés de la chaîne YouTube en 2016",
                                       "content/posts/bench.md", 10, stats)
    html = render.render_chart(spec, stats, "graphique-bench-1", "/transparence/donnees/graphiques/graphique-bench-1.csv")
    match = re.search(r'<script type="application/json" id="graphique-bench-1-data">(.*?)</script>', html, re.S)
    check(match is not None, "the rendered chart has no <script type=\"application/json\">")
    embedded = match.group(1).encode("utf-8")
    figure = build_figure(spec, stats)
    check(len(figure["data"]) == 1 and len(figure["data"][0]["x"]) == 12, "the test chart does not plot 12 points")
    plotly = go.Figure(data=figure["data"], layout=figure["layout"]).to_json().encode("utf-8")
    return {"ours": len(embedded), "plotly": len(plotly)}


# ---------------------------------------------------------------------------
# Figures 6–8: the real demo site, its scripts, and Chromium


class ScriptFinder(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.plots = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(attributes)
        if tag == "div" and "ts-chart__plot" in (attributes.get("class") or "").split():
            self.plots += 1


def build_demo(folder: Path) -> Path:
    """Build the real demo site (content/, stats/) with the project's strict builder into `folder`/output."""
    from tools import sitebuild

    reset_signals()
    output = folder / "output"
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        sitebuild.build(SETTINGS, output, overrides={"CACHE_PATH": str(folder / "cache"), "CACHE_CONTENT": False,
                                                     "LOAD_CONTENT_CACHE": False})
    return output


def local_file(output: Path, url: str) -> Path:
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = re.sub(r"^https?://[^/]+", "", path)
    return output / path.lstrip("/")


def page_scripts(output: Path, html_path: Path) -> list[tuple[str, int, int]]:
    """Every script a page loads: its <script src>, plus what charts.js loads when the page has charts.

    Returns (url, bytes, gzip -9 bytes) for each.
    """
    finder = ScriptFinder(html_path.read_text(encoding="utf-8"))
    urls = []
    for attributes in finder.scripts:
        urls.append(attributes["src"])
        if finder.plots:  # charts.js fetches plotly.js (then its locale) only when a chart is on the page
            urls += [attributes[a] for a in ("data-plotly", "data-plotly-locale") if attributes.get(a)]
    found = []
    for url in dict.fromkeys(urls):
        path = local_file(output, url)
        check(path.is_file(), f"{html_path.relative_to(output)} loads {url}, which is not in the build")
        data = path.read_bytes()
        found.append((url, len(data), len(gzip.compress(data, 9))))
    return found


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if p.is_file())


def demo_pages(output: Path) -> tuple[Path, list[Path]]:
    """The article with the most charts, and every page without a chart."""
    counts = {p: p.read_text(encoding="utf-8").count('class="ts-chart__plot"') for p in html_pages(output)}
    articles = [p for p in counts if re.match(r"\d{4}/\d{2}/", p.relative_to(output).as_posix())]
    check(articles, "the demo site has no article")
    charted = max(articles, key=lambda p: counts[p])
    check(counts[charted] > 0, "no demo article has a chart")
    return charted, [p for p, n in counts.items() if n == 0]


def measure_scripts(output: Path) -> dict:
    charted, chartless = demo_pages(output)
    scripts = page_scripts(output, charted)
    plotly_without = 0
    worst = None
    for page in chartless:
        loaded = sum(raw for url, raw, _ in page_scripts(output, page) if "plotly" in url.rsplit("/", 1)[-1])
        if loaded > plotly_without:
            plotly_without, worst = loaded, page
    return {
        "page": charted.relative_to(output).as_posix(),
        "scripts": scripts,
        "gzip_total": sum(g for _, _, g in scripts),
        "chartless_pages": len(chartless),
        "plotly_without": plotly_without,
        "worst_chartless": worst.relative_to(output).as_posix() if worst else None,
    }


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 with a threaded http.server; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Runs before the page's own scripts: note when each chart gets drawn, and which plots are in view.
BROWSER_INIT = """
window.__bench = {drawn: {}, failed: [], inView: null, below: null};
new MutationObserver((records) => {
  for (const record of records) {
    const el = record.target;
    if (!el.classList || !el.classList.contains('ts-chart')) continue;
    if (el.classList.contains('ts-chart--drawn') && !(el.id in window.__bench.drawn))
      window.__bench.drawn[el.id] = performance.now();
    if (el.classList.contains('ts-chart--failed') && !window.__bench.failed.includes(el.id))
      window.__bench.failed.push(el.id);
  }
}).observe(document, {attributes: true, attributeFilter: ['class'], subtree: true});
document.addEventListener('DOMContentLoaded', () => {
  const inView = [], below = [];
  for (const plot of document.querySelectorAll('.ts-chart__plot[data-figure]')) {
    const figure = plot.closest('.ts-chart');
    const box = plot.getBoundingClientRect();
    if (box.top < window.innerHeight && box.bottom > 0) inView.push(figure.id);
    else below.push([figure.id, Math.round(box.top - window.innerHeight)]);
  }
  window.__bench.inView = inView;
  window.__bench.below = below;
});
"""
BROWSER_COLLECT = """
() => {
  const b = window.__bench;
  const paint = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
  const resources = performance.getEntriesByType('resource');
  const plotly = resources.find((r) => /plotly-basic/.test(r.name));
  const isScript = (r) => r.initiatorType === 'script' || /\\.js(\\?|$)/.test(r.name);
  const isCss = (r) => /\\.css(\\?|$)/.test(r.name);
  return {
    fcp: paint ? paint.startTime : null,
    plotlyEnd: plotly ? plotly.responseEnd : null,
    scripts: resources.filter(isScript).map((r) => [r.name, r.renderBlockingStatus || 'unknown']),
    blockingCss: resources.filter((r) => isCss(r) && r.renderBlockingStatus === 'blocking').length,
    inView: b.inView, below: b.below, drawn: b.drawn, failed: b.failed,
    notDrawn: Array.from(document.querySelectorAll('.ts-chart')).filter(
      (f) => !f.classList.contains('ts-chart--drawn')).length,
    charts: document.querySelectorAll('.ts-chart').length,
  };
}
"""
WAIT_IN_VIEW = """
() => window.__bench && window.__bench.inView !== null &&
  window.__bench.inView.every((id) => id in window.__bench.drawn || window.__bench.failed.includes(id))
"""
WAIT_FIRST = "(id) => window.__bench && (id in window.__bench.drawn || window.__bench.failed.includes(id))"


def chromium_version() -> str:
    try:
        result = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20)
        return result.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "not found"


def measure_browser(output: Path, runs: int, log=print) -> dict:
    """Open the demo's charted article in headless Chromium on a phone-sized viewport, `runs` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    charted, chartless = demo_pages(output)
    path = "/" + charted.relative_to(output).parent.as_posix() + "/"
    chartless_articles = [p for p in chartless if re.match(r"\d{4}/\d{2}/", p.relative_to(output).as_posix())]
    results = []
    plotly_requests_without = 0
    with serve(output) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for run in range(runs):
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(BROWSER_INIT)
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(base + path, wait_until="load")
                page.wait_for_function(WAIT_IN_VIEW, timeout=60_000)
                state = page.evaluate("() => window.__bench")
                first = None if state["inView"] else state["below"][0]
                preloaded = True
                if first:
                    # No chart on the first screen: time the first one, which charts.js may draw
                    # ahead (it draws within 300 px of the viewport); else scroll to it.
                    try:
                        page.wait_for_function(WAIT_FIRST, arg=first[0], timeout=5_000)
                    except PlaywrightTimeout:
                        preloaded = False
                page.wait_for_timeout(500)  # let charts near the fold finish, then count the others
                data = page.evaluate(BROWSER_COLLECT)
                scrolled_at = 0.0
                if not preloaded:
                    scrolled_at = page.evaluate(
                        "(id) => { document.getElementById(id).scrollIntoView(); return performance.now(); }", first[0])
                    page.wait_for_function(WAIT_FIRST, arg=first[0], timeout=60_000)
                    data["drawn"] = page.evaluate("() => window.__bench.drawn")
                    data["failed"] = page.evaluate("() => window.__bench.failed")
                data["errors"] = errors
                data["first"] = first
                data["preloaded"] = preloaded
                check(not data["failed"], f"charts failed to draw in Chromium: {data['failed']} {errors}")
                watched = data["inView"] or [first[0]]
                data["drawn_ms"] = max(data["drawn"][i] for i in watched) - scrolled_at
                results.append(data)
                log(f"  run {run + 1}/{runs}: FCP {data['fcp']:.0f} ms, plotly.js end "
                    f"{data['plotlyEnd'] or float('nan'):.0f} ms, charts in view drawn {data['drawn_ms']:.0f} ms")
                context.close()
            if chartless_articles:
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                page.goto(base + "/" + chartless_articles[0].relative_to(output).parent.as_posix() + "/",
                          wait_until="load")
                page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_timeout(800)
                plotly_requests_without = page.evaluate(
                    "() => performance.getEntriesByType('resource').filter((r) => /plotly/.test(r.name)).length")
                context.close()
        finally:
            browser.close()
    fcp = [r["fcp"] for r in results]
    plotly_end = [r["plotlyEnd"] for r in results if r["plotlyEnd"] is not None]
    blocking_scripts = sorted({name.rsplit("/", 1)[-1] for r in results for name, status in r["scripts"]
                               if status == "blocking"})
    statuses = sorted({status for r in results for _, status in r["scripts"]})
    return {
        "page": path,
        "fcp_ms": median(fcp) if all(v is not None for v in fcp) else None,
        "plotly_end_ms": median(plotly_end) if plotly_end else None,
        "fcp_first_runs": sum(r["fcp"] is not None and (r["plotlyEnd"] is None or r["fcp"] < r["plotlyEnd"])
                              for r in results),
        "runs": len(results),
        "blocking_scripts": blocking_scripts,
        "script_statuses": statuses,
        "blocking_css": max(r["blockingCss"] for r in results),
        "drawn_ms": median(r["drawn_ms"] for r in results),
        "in_view": len(results[0]["inView"]),
        "first": results[0]["first"],
        "preloaded": all(r["preloaded"] for r in results),
        "charts": results[0]["charts"],
        "not_drawn": median(r["notDrawn"] for r in results),
        "plotly_requests_without": plotly_requests_without,
    }


# ---------------------------------------------------------------------------
# Report


def kb(n: float) -> str:
    return f"{n / KB:.1f} KB"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("ok" if ok else "OVER")


def machine() -> str:
    import pelican

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"Pelican {pelican.__version__}, {chromium_version()}; load average {load[0]:.2f} at start")


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    headers = ("figure", "measured", "budget", "verdict")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print(line)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    print(line)


def main(posts=1000, charts=300, charted_posts=150, metrics=40, snapshots=200, runs=3) -> None:
    """Run every measurement and print the table; exit 1 if a correctness check fails."""
    started = perf_counter()
    runs = max(1, int(runs))
    print(machine())
    growth_posts = posts
    print(f"Sizes: {posts} posts; {charts} chart blocks over {min(charted_posts, charts, posts)} posts; "
          f"{metrics} metrics; {snapshots} snapshots; median of {runs} run(s); 1 KB = 1000 bytes.")
    print(f"Growth site: {growth_posts} posts; {charts * GROWTH} chart blocks over "
          f"{min(charted_posts * GROWTH, charts * GROWTH, growth_posts)} posts; {metrics} metrics; "
          f"{snapshots * GROWTH} snapshots over {GROWTH}× the time, so as dense (plugin's own time only: "
          f"not built without the plugin). Every chart shows a 4–16 month window.")
    rows: list[tuple[str, str, str, str]] = []
    failures: list[str] = []
    notes: list[str] = []
    results: dict = {}

    def attempt(name: str, function):
        try:
            results[name] = function()
        except CheckFailed as failure:
            failures.append(f"{name}: {failure}")
        except Exception as error:  # noqa: BLE001 - report it, keep measuring the rest
            failures.append(f"{name}: {error.__class__.__name__}: {error}")

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, instrumented() as clock:
        work = Path(tmp)
        print("Generating the synthetic sites…")
        base = generate_site(work / "site", posts, charts, charted_posts, metrics, snapshots)
        big = generate_site(work / "site-big", growth_posts, charts * GROWTH, charted_posts * GROWTH, metrics,
                            snapshots * GROWTH, span_days=DAYS * GROWTH)
        print("Cold builds (with the plugin, without it, and the 10× site), interleaved:")
        attempt("builds", lambda: measure_builds(base, big, runs, work, clock))
        attempt("plotted", lambda: (plotted_figures(base), plotted_figures(big)))
        b = results.get("builds")
        if b and b["ms_per_chart"] > BUDGET_MS_PER_CHART:
            print("Over budget per chart: profiling the plugin's entry points in one more build…")
            attempt("profile", lambda: profile_plugin(base, work, clock))
        attempt("figure json", lambda: measure_figure_json(base, count=50, reps=max(5, runs)))
        print("Warm rebuilds with the content cache:")
        attempt("warm", lambda: measure_warm(base, runs, work, clock))
        attempt("bytes", lambda: measure_chart_bytes(work / "bytes"))
        print("Building the demo site…")
        attempt("demo", lambda: build_demo(work / "demo"))
        if "demo" in results:
            attempt("scripts", lambda: measure_scripts(results["demo"]))
            print("Chromium on the demo post:")
            if Path(CHROMIUM).exists():
                attempt("browser", lambda: measure_browser(results["demo"], runs))
            else:
                notes.append(f"Chromium not found at {CHROMIUM}: browser figures skipped.")

    b = results.get("builds")
    if b:
        rows.append(("1. cold build, with / without the plugin",
                     f"{b['overhead']:.3f}× ({b['with_s']:.1f} s / {b['without_s']:.1f} s)",
                     f"≤ {BUDGET_OVERHEAD:.2f}×", verdict(b["overhead"] <= BUDGET_OVERHEAD)))
        rows.append((f"2. plugin's own time / {len(base.charts)} charts",
                     f"{b['ms_per_chart']:.2f} ms ({b['plugin_s'] * 1000:.0f} ms in all)",
                     f"≤ {BUDGET_MS_PER_CHART} ms", verdict(b["ms_per_chart"] <= BUDGET_MS_PER_CHART)))
    f = results.get("figure json")
    if f:
        rows.append((f"   figure JSON: ours ({f['charts']} charts)",
                     f"{f['ours_ms']:.3f} ms/chart", "—", "—"))
        rows.append(("   figure JSON: plotly's to_json()",
                     f"{f['plotly_ms']:.3f} ms/chart ({f['ratio']:.0f}× ours)", "—", "—"))
    if b and "growth" in b:
        rows.append((f"3. plugin's own time, {GROWTH}× charts+snapshots",
                     f"{b['growth']:.2f}× ({b['plugin_s'] * 1000:.0f} ms → {b['big_plugin_s'] * 1000:.0f} ms)",
                     f"≤ {BUDGET_GROWTH:.0f}×", verdict(b["growth"] <= BUDGET_GROWTH)))
        if "plotted" in results:
            small, large = results["plotted"]
            rows.append(("   figures plotted, for scale",
                         f"{large / small:.1f}× ({small} → {large}); per figure "
                         f"{b['growth'] / (large / small):.2f}×", "—", "—"))
    w = results.get("warm")
    if w:
        rows.append(("4. warm rebuild, post edited / cold",
                     f"{w['post_ratio']:.2f}× ({w['post_s']:.1f} s / {w['cold_s']:.1f} s; "
                     f"{w['post_reads']} post re-read)", "—", "—"))
        rows.append(("   warm rebuild, snapshot edited / cold",
                     f"{w['snapshot_ratio']:.2f}× ({w['snapshot_s']:.1f} s; new figure shown)", "—", "—"))
    by = results.get("bytes")
    if by:
        rows.append(("5. chart JSON, 1 metric × 12 points", kb(by["ours"]),
                     "≤ 1.5 KB", verdict(by["ours"] <= BUDGET_CHART_BYTES)))
        rows.append(("   plotly's to_json(), same figure", f"{kb(by['plotly'])} (+{kb(by['plotly'] - by['ours'])})",
                     "—", "—"))
    s = results.get("scripts")
    if s:
        rows.append(("6. JS on a page with charts, gzip -9", kb(s["gzip_total"]),
                     "≤ 450 KB", verdict(s["gzip_total"] <= BUDGET_JS_CHARTS)))
        rows.append((f"7. plotly.js on {s['chartless_pages']} pages without charts",
                     f"{s['plotly_without']} B", "0 B", verdict(s["plotly_without"] <= BUDGET_JS_NO_CHARTS)))
    br = results.get("browser")
    if br:
        rows.append(("8. Chromium 390×844: first contentful paint", f"{br['fcp_ms']:.0f} ms", "—", "—"))
        rows.append(("   plotly.js responseEnd",
                     "not loaded" if br["plotly_end_ms"] is None else f"{br['plotly_end_ms']:.0f} ms", "—", "—"))
        first = br["plotly_end_ms"] is None or br["fcp_ms"] < br["plotly_end_ms"]
        rows.append(("   FCP before plotly.js responseEnd",
                     f"{'yes' if first else 'no'} (medians; {br['fcp_first_runs']} of {br['runs']} runs)", "yes",
                     verdict(first)))
        rows.append(("   render-blocking scripts", ", ".join(br["blocking_scripts"]) or "none", "none",
                     verdict(not br["blocking_scripts"])))
        if br["in_view"]:
            rows.append((f"   all {br['in_view']} chart(s) in view drawn", f"{br['drawn_ms']:.0f} ms", "—", "—"))
        else:
            rows.append(("   first chart drawn (none in view *)", f"{br['drawn_ms']:.0f} ms", "—", "—"))
            notes.append(
                f"* No chart is in the 390×844 viewport at load on {br['page']}: the first one starts "
                f"{br['first'][1]} px below the fold; the time is "
                + ("from navigation (charts.js draws charts within 300 px of the viewport ahead)."
                   if br["preloaded"] else "from scrolling to it, right after load."))
        rows.append(("   charts below the fold, not drawn (lazy)", f"{br['not_drawn']:.0f} of {br['charts']}",
                     "—", "—"))
        if br["plotly_requests_without"]:
            failures.append(f"browser: a page without charts requested plotly.js {br['plotly_requests_without']}×")

    print()
    print_table(rows)
    if b:
        print()
        print("Plugin's own time (median ms)   " + "".join(f"{p:>11}" for p in (*PLUGIN_PARTS, "total")))
        print(f"  {len(base.charts)} charts, {snapshots} snapshots".ljust(32)
              + "".join(f"{b['parts'][p] * 1000:11.0f}" for p in PLUGIN_PARTS) + f"{b['plugin_s'] * 1000:11.0f}")
        if "big_parts" in b:
            print(f"  {len(base.charts) * GROWTH} charts, {snapshots * GROWTH} snapshots".ljust(32)
                  + "".join(f"{b['big_parts'][p] * 1000:11.0f}" for p in PLUGIN_PARTS)
                  + f"{b['big_plugin_s'] * 1000:11.0f}")
            print("  ratio".ljust(32) + "".join(f"{b['growth_parts'][p]:10.1f}×" for p in PLUGIN_PARTS)
                  + f"{b['growth']:10.1f}×")
    if results.get("profile"):
        print()
        print(f"Profile of the plugin's own time, one build of the {len(base.charts)}-chart site (top by own time; "
              "cProfile inflates small calls):")
        for line in results["profile"]:
            print(f"  {line}")
    if s:
        print()
        print(f"Scripts of /{s['page']} (bytes → gzip -9):")
        for url, raw, packed in s["scripts"]:
            print(f"  {url}: {kb(raw)} → {kb(packed)}")
    if br:
        print(f"Chromium on {br['page']} (localhost, no throttling): scripts' renderBlockingStatus: "
              f"{', '.join(br['script_statuses'])}; render-blocking stylesheets: {br['blocking_css']} (normal for CSS).")
    if w:
        print(f"Warm rebuilds (CACHE_CONTENT, LOAD_CONTENT_CACHE, CONTENT_CACHING_LAYER 'reader'): a paragraph "
              f"added to one post; then {w['edited']}, checked in the chart's article and CSV.")
    for note in notes:
        print(note)
    print(f"\nBenchmark took {perf_counter() - started:.0f} s.")
    if failures:
        print("\nCORRECTNESS CHECKS FAILED:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
