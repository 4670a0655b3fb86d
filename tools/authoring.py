"""The volunteers' commands behind `invoke snapshot`, `import-stats`, `metric`, `stats` and `new-post`.

Each returns an exit code and prints one line per problem (`file:line:col: what — what to do`);
nothing is written unless everything checks out, and no file is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from transparency_stats.authoring.recording import UsageError
from transparency_stats.errors import StatsError
from transparency_stats.stats.files import display_path

SNAPSHOT_TEMPLATE = """\
# (modèle) Relevé du {date}. Remplacez les exemples, puis supprimez chaque ligne qui porte « # (modèle) ».
# (modèle) Plus simple, sans ouvrir ce fichier : invoke snapshot --date {date} --source "…" --set METRIQUE=VALEUR
date: {date}
source: "À compléter : d'où viennent ces chiffres"
url: https://exemple.fr/la-source   # (modèle) facultatif : l'adresse de la source, sinon supprimez la ligne
totals:
  youtube.subscribers: 145000   # (modèle) exemple : un total lu ce jour-là
periods:
  network.supporters.new:
    {month}: 12000   # (modèle) exemple : un compte sur un mois terminé
"""


def stats_folder(root: Path) -> Path:
    """Return the project's stats folder: TRANSPARENCY_STATS_PATH of its pelicanconf.py, as the build reads it."""
    from pelican.settings import read_settings

    from transparency_stats.settings import setting

    settings = read_settings(str(root / "pelicanconf.py")) if (root / "pelicanconf.py").is_file() else {}
    return root / setting(settings, "TRANSPARENCY_STATS_PATH")


def fail(lines) -> int:
    """Print problems on stderr, one a line, and return the exit code of a refusal."""
    for line in lines:
        print(line, file=sys.stderr)
    return 1


def parse_day(text: str) -> dt.date:
    """Return the day of the --date option."""
    if not text:
        raise UsageError("--date is missing — give the day the figures were read, like --date 2017-01-05")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date {text!r}: not a date — write it as YYYY-MM-DD, like 2017-01-05") from None


def confirm(question: str, yes: bool) -> bool:
    """Return True when --yes was given, or when the person at the terminal answers yes."""
    if yes:
        return True
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} [o/N] ").strip().lower()
    return answer in ("o", "oui", "y", "yes")


def command_line_hint(line: str) -> str:
    """Say the snapshot file's fixes as the command line writes them."""
    line = re.sub(
        r"write it \{value: [^,]+, fall: why it fell\} and the reason is published",
        'add --fall METRIC="why it fell" (the reason is published)',
        line,
    )
    return line.replace("move it under periods:", "give its period, like METRIC:2017-01=VALUE").replace(
        "move it under totals:", "write it without a period, like METRIC=VALUE"
    )


def snapshot(
    root: Path,
    date: str,
    source: str = "",
    url: str = "",
    note: str = "",
    sets=(),
    falls=(),
    name: str = "",
    yes: bool = False,
) -> int:
    """Record figures in a new snapshot file (or, without --set, write the template to fill in)."""
    from transparency_stats.authoring.recording import (
        FigureInput,
        argument_error,
        changes,
        check_new_files,
        describe,
        parse_fall,
        parse_set,
        snapshot_text,
        write_new_files,
        written_lines,
    )

    stats_dir = stats_folder(root)
    try:
        day = parse_day(date)
        filename = f"{name or day.isoformat()}.yaml"
        if not sets:
            month = (day.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
            (path,) = write_new_files(
                stats_dir, {filename: SNAPSHOT_TEMPLATE.format(date=day.isoformat(), month=month)}
            )
            print(
                f"Created {display_path(path, root)}: replace the examples, remove the '# (modèle)' lines,"
                " then invoke build."
            )
            return 0
        if not source.strip():
            raise UsageError('--source is missing — say where the figures come from, like --source "YouTube Studio"')
        reasons = dict(parse_fall(text) for text in falls)
        figures = [parse_set(text) for text in sets]
        figures = [
            FigureInput(f.metric, f.value, f.bound, f.period, reasons.get(f.metric) if f.period is None else None)
            for f in figures
        ]
        text = snapshot_text(day, source.strip(), figures, url.strip() or None, note.strip() or None)
        arguments = {n: f"--set {sets[figures.index(f)]!r}" for n, f in written_lines(text, figures).items()}
        header = {
            "date": f"--date {date!r}",
            "source": f"--source {source!r}",
            "url": f"--url {url!r}",
            "note": f"--note {note!r}",
        }
        try:
            data = check_new_files(stats_dir, {filename: text})
        except StatsError as error:
            lines = [command_line_hint(argument_error(p, text, arguments, header)) for p in error.errors]
            return fail(lines + ["Nothing was written."])
    except UsageError as error:
        return fail([str(error)])
    found = changes(data, {filename})
    for change in found:
        print(describe(change, data))
    falling = [c for c in found if c.is_fall]
    if falling and not confirm(f"{len(falling)} figure(s) go down. Write the snapshot anyway?", yes):
        return fail(["Not written: a figure goes down — check it, then run again with --yes if it is right."])
    try:
        (path,) = write_new_files(stats_dir, {filename: text})
    except UsageError as error:
        return fail([str(error)])
    print(f"Created {display_path(path, root)}. Run `invoke build` to see it in the charts.")
    return 0


def import_stats(
    root: Path, file: str, source: str, url: str = "", note: str = "", columns: str = "", dry_run: bool = False
) -> int:
    """Turn a CSV of figures into one snapshot per date, after checking every row."""
    from transparency_stats.authoring.recording import (
        changes,
        check_new_files,
        csv_columns,
        csv_location,
        describe,
        import_plan,
        read_csv_figures,
        write_new_files,
    )

    path = Path(file)
    shown_csv = file
    stats_dir = stats_folder(root)
    try:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(
                f"{shown_csv}: cannot read this file ({error.__class__.__name__}) — give a UTF-8 CSV file"
            ) from None
        figures = read_csv_figures(shown_csv, text, csv_columns(columns))
        default_source = source.strip() or f"Import du fichier {path.name}"  # a `source` column wins
        files, origins = import_plan(figures, default_source, url.strip() or None, note.strip() or None)
        try:
            data = check_new_files(stats_dir, files)
        except StatsError as error:
            return fail([str(csv_location(p, shown_csv, origins)) for p in error.errors] + ["Nothing was written."])
    except UsageError as error:
        return fail([str(error)])
    except StatsError as error:
        return fail([str(p) for p in error.errors] + ["Nothing was written."])
    for name in files:
        count = sum(1 for written, _ in origins if written == name)
        print(f"{display_path(stats_dir / 'snapshots' / name, root)}: {count} figure(s)")
    for change in changes(data, set(files)):
        print("  " + describe(change, data))
    if dry_run:
        print("Dry run: nothing was written.")
        return 0
    try:
        written = write_new_files(stats_dir, files)
    except UsageError as error:
        return fail([str(error)])
    print(f"Created {len(written)} snapshot file(s). Run `invoke build` to see them in the charts.")
    return 0


def metric(
    root: Path,
    metric_id: str,
    label: str,
    kind: str,
    platform: str = "",
    unit: str = "",
    description: str = "",
    color: str = "",
    decimals: int = 0,
) -> int:
    """Add a metric to the catalogue (stats/metrics.yaml)."""
    from transparency_stats.authoring.catalogue_edit import add_metric

    catalogue = stats_folder(root) / "metrics.yaml"
    try:
        if not metric_id or not label or not kind:
            raise UsageError(
                "give the metric's id, --label and --kind, like: invoke metric instagram.followers"
                ' --label "Abonnés Instagram" --kind total --platform Instagram'
            )
        found = add_metric(
            catalogue.parent,
            metric_id,
            label,
            kind,
            whole_number(decimals, "--decimals"),
            platform=platform or None,
            unit=unit or None,
            description=description or None,
            color=color or None,
        )
    except UsageError as error:
        return fail([str(error)])
    except StatsError as error:
        return fail([str(p) for p in error.errors] + [f"{display_path(catalogue, root)} was left as it was."])
    print(f"Added '{found.id}' ({found.label}, {found.kind}) to {display_path(catalogue, root)}, line {found.line}.")
    return 0


def whole_number(value, option: str) -> int:
    """Return an option's value as a whole number from 0 up, or refuse it in one line."""
    text = str(value).strip()
    if not text.isdigit():
        raise UsageError(f"{option} {text!r}: not a whole number — write digits, like {option} 1")
    return int(text)


def stats(root: Path, check: bool = False, days: int | str = 30, today: dt.date | None = None) -> int:
    """Print one line per metric, or with check=True validate the stats and every chart block."""
    from transparency_stats.authoring.report import check_posts, metric_reports, report_line
    from transparency_stats.stats.loader import load_stats

    try:
        days = whole_number(days, "--days")
        data = load_stats(stats_folder(root))
    except UsageError as error:
        return fail([str(error)])
    except StatsError as error:
        return fail([str(p) for p in error.errors])
    if check:
        from pelican.readers import MarkdownReader

        problems = check_posts(root / "content", data, root, tuple(MarkdownReader.file_extensions))
        if problems:
            return fail([str(p) for p in problems])
        print(f"OK: {len(data.metrics)} metrics, {len(data.snapshots)} snapshots and every chart block check out.")
        return 0
    for report in metric_reports(data, today or dt.date.today(), days):
        print(report_line(report))
    return 0


POST_TEMPLATE = """\
Title: {title}
Date: {date}
Category: {category}
Tags: {tags}
Slug: {slug}
Summary: À compléter : une ou deux phrases pour l'accueil et les partages.
Status: draft

Le texte du billet. Retirez la ligne « Status: draft » pour le publier.
"""


def new_post(root: Path, title: str, category: str = "", tags: str = "", now: dt.datetime | None = None) -> int:
    """Create content/posts/YYYY-MM-DD-slug.md as a draft, never overwriting a file."""
    from zoneinfo import ZoneInfo

    from pelican.settings import read_settings
    from pelican.utils import slugify

    if not title.strip():
        return fail(['give the post\'s title, like: invoke new-post "Notre meeting de Lyon"'])
    settings = read_settings(str(root / "pelicanconf.py"))
    when = now or dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"]) or "billet"
    path = root / "content" / "posts" / f"{when:%Y-%m-%d}-{slug}.md"
    text = POST_TEMPLATE.format(
        title=title.strip(),
        date=f"{when:%Y-%m-%d %H:%M}",
        slug=slug,
        category=category.strip() or "Campagne",
        tags=tags.strip(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return fail([f"{display_path(path, root)}: already exists — pick another title, or edit that file"])
    print(display_path(path, root))
    return 0
