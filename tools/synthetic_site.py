"""Write a synthetic campaign site (posts with chart blocks, a catalogue, snapshots) for the benchmark."""

from __future__ import annotations

import datetime as dt
import random
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = (dt.date(2017, 12, 31) - FIRST_DAY).days + 1  # 2015–2017
KNOWN_AFTER = dt.timedelta(days=45)  # a chart's window ends this long before its post: its figures are published
WORDS = """campagne programme avenir commun peuple citoyens république écologie planification partage richesses
travail salaires retraite santé hôpital école laïcité démocratie constituante assemblée référendum souveraineté
énergie climat mer agriculture paysans ouvriers quartiers jeunesse culture numérique réseaux vidéo chaîne abonnés
soutiens militants groupes appui caravane meeting place rassemblement marche mobilisation porte-à-porte tract affiche
débat émission revue semaine chiffres transparence confiance vérité médias plateforme inscription volontaires dons
financement bilan propositions mesures loi impôt justice fiscale services publics transports logement eau bien commun
Europe paix diplomatie indépendance armée frontières solidarité égalité femmes hommes enfants avenir espoir ambition
énergie force nombre élan victoire élection présidentielle tour candidat équipe militante ville village région
département banlieue campagne territoire""".split()
LINKS = "et de du la le les pour avec dans sur contre par entre vers".split()
CATEGORIES = ("Campagne numérique", "Programme", "Vidéos", "Mobilisation", "International", "Coulisses")
TAGS = (
    "réseaux sociaux",
    "transparence",
    "YouTube",
    "bilan",
    "vidéo",
    "écologie",
    "santé",
    "travail",
    "Europe",
    "jeunesse",
    "meeting",
    "plateforme",
    "débat",
    "presse",
    "dons",
    "caravane",
    "retraites",
    "logement",
    "énergie",
    "démocratie",
)
PLATFORMS = (
    ("YouTube", "youtube"),
    ("Twitter", "twitter"),
    ("Facebook", "facebook"),
    ("Instagram", "instagram"),
    ("Plateforme jlm2017", "plateforme"),
    ("Sites web", "web"),
    ("Lettre d'information", "lettre"),
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
class PostInfo:
    """A generated post: its slug, date, source file and chart blocks."""

    index: int
    slug: str
    date: dt.datetime
    path: Path
    charts: list[ChartInfo] = field(default_factory=list)

    @property
    def output(self) -> str:
        """Return the article's HTML path, relative to the output folder."""
        return f"{self.date:%Y}/{self.date:%m}/{self.slug}/index.html"


@dataclass
class ChartInfo:
    """A generated chart block: its post, its number in the post, its metrics, its YAML and its fence's line."""

    post: PostInfo
    number: int
    metrics: tuple[str, ...]
    text: str
    line: int = 0


@dataclass
class SnapshotInfo:
    """A generated snapshot file: its name, date and total figures (metric -> (amount, bound))."""

    filename: str
    date: dt.date
    totals: dict[str, tuple[int, str]]


@dataclass
class SyntheticSite:
    """A generated site: content/ and stats/ under `root`, and what was written there."""

    root: Path
    posts: list[PostInfo]
    charts: list[ChartInfo]
    snapshots: list[SnapshotInfo]
    texts: int  # Markdown files (posts and pages)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def stats(self) -> Path:
        return self.root / "stats"


def total_value(index: int, day: dt.date) -> tuple[int, str]:
    """Return the figure of total metric `index` on `day`: a pure function, so repeated dates never conflict."""
    days = (day - FIRST_DAY).days + 30
    amount = 1000 * (index + 1) * 7 + 37 * (index + 1) + (13 + 11 * (index % 9)) * days
    amount += days * days * (index % 3) // 400
    return amount, ("at_least", "about", "exact")[min((days * 7 + index) % 23, 2)]


def month_before(day: dt.date, back: int) -> tuple[int, int]:
    """Return the (year, month) `back` months before the month of `day`."""
    serial = day.year * 12 + day.month - 1 - back
    return serial // 12, serial % 12 + 1


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    """Return the first and last days of a month."""
    return dt.date(year, month, 1), dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def sentence(rng: random.Random, words: int) -> str:
    """Return a French-looking sentence of about `words` words."""
    picked = [rng.choice(WORDS) if i % 3 else rng.choice(LINKS) for i in range(words)]
    picked[0] = rng.choice(WORDS)
    text = " ".join(picked)
    if rng.random() < 0.2:
        text += f" « {rng.choice(WORDS)} {rng.choice(WORDS)} »"
    if rng.random() < 0.15:
        text += f", soit {rng.randint(2, 900)} {rng.choice(WORDS)}"
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", " !", " ?"))


def paragraph(rng: random.Random, words: int = 75) -> str:
    """Return a paragraph of about `words` words, wrapped at 78 characters as an editor would."""
    parts, count = [], 0
    while count < words:
        count += (n := rng.randint(8, 16))
        parts.append(sentence(rng, n))
    return textwrap.fill(" ".join(parts), 78, break_long_words=False, break_on_hyphens=False)


def start_site(folder: Path) -> tuple[Path, Path]:
    """Make a site's folders; return its content and stats folders."""
    content, stats = folder / "content", folder / "stats"
    for sub in (content / "posts", content / "pages", stats / "snapshots"):
        sub.mkdir(parents=True, exist_ok=True)
    return content, stats


def generate_site(
    folder: Path,
    posts: int = 1000,
    charts: int = 300,
    charted_posts: int = 150,
    metrics: int = 40,
    snapshots: int = 200,
    seed: int = 2017,
    span_days: int = DAYS,
) -> SyntheticSite:
    """Write a synthetic site's content/ and stats/ under `folder`, spread over `span_days` from 2015-01-01."""
    if min(posts, metrics, snapshots, charts) < 1:
        raise ValueError("bench sizes must be at least 1")
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    content, stats = start_site(Path(folder))

    catalogue, lines = [], ["# Synthetic catalogue for the benchmark."]  # half totals, half periods
    for kind, count, labels in (("total", (metrics + 1) // 2, TOTAL_LABELS), ("period", metrics // 2, PERIOD_LABELS)):
        for k in range(count):
            name, slug = PLATFORMS[k % len(PLATFORMS)]
            catalogue.append((f"{slug}.{kind}-{k:02d}", kind, k))
            lines += [
                f"{slug}.{kind}-{k:02d}:",
                f"  label: {labels[k % len(labels)]} {name} n° {k + 1}",
                f"  kind: {kind}",
                f"  platform: {name}",
                f"  unit: {'abonnés' if kind == 'total' else 'vues'}",
            ]
            lines += [f'  color: "{COLORS[k % len(COLORS)]}"'] if k % 4 != 3 else []
            lines += [f"  description: {sentence(rng, 10)}"] if k % 3 == 0 else []
    (stats / "metrics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    totals = [m for m in catalogue if m[1] == "total"]
    periods = [m for m in catalogue if m[1] == "period"]

    snapshot_infos, observed = [], defaultdict(set)  # metric -> {(start, end)}
    for j in range(snapshots):
        day = FIRST_DAY + dt.timedelta(days=j * span_days // snapshots)
        chosen = {totals[j % len(totals)][0]: totals[j % len(totals)]}
        for m in rng.sample(totals, min(len(totals), rng.randint(2, 6))):
            chosen.setdefault(m[0], m)
        info = SnapshotInfo(f"{day.isoformat()}-{j:04d}.yaml", day, {})
        text = [f"date: {day.isoformat()}", f"source: {SOURCES[j % len(SOURCES)]}"]
        text += [f"url: https://example-campagne.fr/bilans/{day.isoformat()}/"] if j % 3 == 0 else []
        text += [f"note: {sentence(rng, 9)}"] if j % 5 == 0 else []
        text.append("totals:")
        for metric_id, (_, _, index) in sorted(chosen.items()):
            amount, bound = info.totals[metric_id] = total_value(index, day)
            observed[metric_id].add((day, day))
            text.append(f"  {metric_id}: {amount if bound == 'exact' else f'{{{bound}: {amount}}}'}")
        if periods:
            text.append("periods:")
            listed = {periods[j % len(periods)][0]: periods[j % len(periods)]}
            for m in rng.sample(periods, min(len(periods), rng.randint(0, 2))):
                listed.setdefault(m[0], m)
            for metric_id, (_, _, index) in sorted(listed.items()):
                text.append(f"  {metric_id}:")
                for back in range(rng.randint(1, 2), 0, -1):
                    year, month = month_before(day, back)
                    amount = 500 * (index + 1) + 97 * ((year * 12 + month) % 41) + 13 * month
                    text.append(f"    {year:04d}-{month:02d}: {amount}")
                    observed[metric_id].add(month_range(year, month))
        (stats / "snapshots" / info.filename).write_text("\n".join(text) + "\n", encoding="utf-8")
        snapshot_infos.append(info)

    charted_posts = max(1, min(charted_posts, charts, posts))
    charted = {round(i * posts / charted_posts): i for i in range(charted_posts)}
    total_ids = [m[0] for m in totals if observed[m[0]]]
    period_ids = [m[0] for m in periods if observed[m[0]]]
    post_infos, all_charts = [], []
    for i in range(posts):
        day = FIRST_DAY + dt.timedelta(days=i * span_days // posts)
        when = dt.datetime.combine(day, dt.time(8, 0)) + dt.timedelta(minutes=i % 600)
        title_words = [rng.choice(WORDS) for _ in range(rng.randint(3, 6))]
        slug = re.sub(r"[^a-z0-9-]", "", f"billet-{i:05d}-{title_words[0]}".translate(str.maketrans("àéè", "aee")))
        post = PostInfo(i, slug, when, content / "posts" / f"{day.isoformat()}-{slug}.md")
        text_lines = [
            f"Title: {' '.join(title_words).capitalize()} : {rng.choice(WORDS)} et {rng.choice(WORDS)}",
            f"Date: {when:%Y-%m-%d %H:%M}",
            f"Category: {CATEGORIES[i % len(CATEGORIES)]}",
            f"Tags: {', '.join(rng.sample(TAGS, rng.randint(1, 4)))}",
            f"Slug: {slug}",
            f"Summary: {sentence(rng, 18)}",
            "",
        ]
        body = [
            paragraph(rng, 70),
            f"## {sentence(rng, 5)[:-1].rstrip(' !?')}",
            paragraph(rng, 80),
            paragraph(rng, 70),
            f"## {sentence(rng, 4)[:-1].rstrip(' !?')}",
            paragraph(rng, 80),
        ]
        count = charts // charted_posts + (charted[i] < charts % charted_posts) if i in charted else 0
        pieces = body[:1]  # the charts go between paragraphs, after the first one
        for n in range(count):
            chart = make_chart(rng, post, n + 1, total_ids, period_ids, observed, not all_charts, span_days)
            post.charts.append(chart)
            all_charts.append(chart)
            pieces += [chart, body.pop(1)] if n % 2 == 1 and len(body) > 1 else [chart]
        for piece in pieces + body[1:]:
            if isinstance(piece, ChartInfo):
                piece.line = len(text_lines) + 1
                text_lines += ["```chart", *piece.text.splitlines(), "```", ""]
            else:
                text_lines += [*piece.splitlines(), ""]
        post.path.write_text("\n".join(text_lines), encoding="utf-8")
        post_infos.append(post)
    for slug, title in (("a-propos", "À propos"), ("mentions-legales", "Mentions légales")):
        (content / "pages" / f"{slug}.md").write_text(
            f"Title: {title}\nSlug: {slug}\nSummary: {sentence(rng, 12)}\n\n{paragraph(rng)}\n\n{paragraph(rng)}\n",
            encoding="utf-8",
        )
    return SyntheticSite(Path(folder), post_infos, all_charts, snapshot_infos, posts + 2)


def make_chart(
    rng: random.Random,
    post: PostInfo,
    number: int,
    total_ids: list[str],
    period_ids: list[str],
    observed: dict[str, set],
    first: bool,
    span_days: int = DAYS,
) -> ChartInfo:
    """Return a chart block of 1–3 metrics of one kind over a 4–16 month window that holds data, like a campaign's."""
    if first:  # a plain line chart of one total metric over all dates: the warm rebuild edits its data
        text = f"metrics: {total_ids[0]}\ntitle: Évolution de référence\ntype: line\nto: latest"
        return ChartInfo(post, number, (total_ids[0],), text)
    use_periods = bool(period_ids) and rng.random() < 0.35
    pool = period_ids if use_periods else total_ids
    chosen = tuple(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3)))))
    chart_type = rng.choice(("bar", "bar", "latest", None) if use_periods else ("line", "line", "area", "latest", None))
    # A post is a dated document: its chart shows a window that ends before the post's date, far
    # enough (KNOWN_AFTER) for a month's count to have been published by then; a post too early
    # for any such window follows the newest figures (`to: latest`), as an author would write.
    last = post.date.date() - KNOWN_AFTER
    start = None
    for _ in range(20 if last > FIRST_DAY + dt.timedelta(days=120) else 0):  # a window where every metric has a figure
        start = FIRST_DAY + dt.timedelta(days=rng.randint(0, max(0, (last - FIRST_DAY).days - 120)))
        end = min(start + dt.timedelta(days=rng.randint(120, 500)), last)
        if all(any(s >= start and e <= end for s, e in observed[m]) for m in chosen):
            break
        start = None
    lines = [f"metrics: {chosen[0]}" if len(chosen) == 1 else f"metrics: [{', '.join(chosen)}]"]
    if rng.random() < 0.7:
        lines.append(f"title: {sentence(rng, 5)[:-1].rstrip(' !?')}, {rng.randint(2015, 2017)}")
    lines += [f"type: {chart_type}"] if chart_type else []
    lines += [f"from: {start.isoformat()}", f"to: {end.isoformat()}"] if start else ["to: latest"]
    if not use_periods and chart_type != "latest" and rng.random() < 0.1:
        lines.append("scale: log")
    if rng.random() < 0.3:
        lines.append(f"caption: {sentence(rng, 10)}")
    return ChartInfo(post, number, chosen, "\n".join(lines))


def write_one_chart_site(folder: Path) -> Path:
    """Write a site with one post holding one chart (1 metric × 12 monthly points); return the post's output path."""
    start_site(folder)
    (folder / "stats" / "metrics.yaml").write_text(
        "youtube.subscribers:\n  label: Abonnés YouTube\n  kind: total\n  platform: YouTube\n  unit: abonnés\n"
        '  color: "#d6453d"\n',
        encoding="utf-8",
    )
    for month in range(1, 13):
        day = month_range(2016, month)[1]
        (folder / "stats" / "snapshots" / f"{day}.yaml").write_text(
            f"date: {day}\nsource: Tableau de bord YouTube Studio\nurl: https://example-campagne.fr/bilans/{day}/\n"
            f"totals:\n  youtube.subscribers: {12000 + month * month * 1137}\n",
            encoding="utf-8",
        )
    (folder / "content" / "posts" / "bench.md").write_text(
        "Title: Un graphique\nDate: 2016-12-31 08:00\nCategory: Bilan\nSlug: bench\n\nLes chiffres.\n\n```chart\n"
        "metrics: youtube.subscribers\ntitle: Abonnés de la chaîne YouTube en 2016\n```\n",
        encoding="utf-8",
    )
    return Path("2016/12/bench/index.html")
