"""Refuse what Pelican would publish wrong or drop in silence: ambiguous dates, stray files, placeholder summaries."""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from pathlib import Path

from transparency_stats.stats.files import display_path

logger = logging.getLogger(__name__)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\Z")
DATE_FIELDS = ("date", "modified")
PLACEHOLDER = re.compile(r"\s*(?:à|a) compléter", re.IGNORECASE)
HEADER_LINE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_ -]*):(?P<space>\s*)(?P<value>.*)")


def header_fields(path: str | Path) -> dict[str, tuple[int, int, str]]:
    """Return the header fields of a Markdown file: lowercased key -> (line, column of the value, value)."""
    fields = {}
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return fields
    for number, line in enumerate(lines, start=1):
        match = HEADER_LINE.match(line)
        if not line.strip() or not match:
            break  # the header ends at the first blank or non-field line
        fields.setdefault(match["key"].strip().lower(), (number, match.start("value") + 1, match["value"].strip()))
    return fields


def header_problems(path: str | Path, root: Path, published: bool) -> list[str]:
    """Return the problems of a post's header: dates not written YYYY-MM-DD, a placeholder summary."""
    problems = []
    fields = header_fields(path)
    shown = display_path(path, root)
    for name in DATE_FIELDS:
        if name in fields and not ISO_DATE.match(fields[name][2]):
            line, column, value = fields[name]
            problems.append(
                f"{shown}:{line}:{column}: {name.capitalize()} {value!r} is not written YYYY-MM-DD — write it like"
                f" '{name.capitalize()}: 2017-02-03' or '{name.capitalize()}: 2017-02-03 10:00'"
                " (03/02/2017 could be 3 February or 2 March)"
            )
    if published and "summary" in fields and PLACEHOLDER.match(fields["summary"][2]):
        line, column, _ = fields["summary"]
        problems.append(
            f"{shown}:{line}:{column}: the summary is still the template's placeholder — write one or two sentences"
            " for the home page and the shares, or leave the post as 'Status: draft'"
        )
    return problems


def check_header(content) -> None:
    """Log the problems of one article's or page's header (Pelican has already read it)."""
    source = getattr(content, "source_path", None)
    if not source or not source.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return
    root = Path(content.settings["PATH"]).resolve().parent
    for problem in checked_header(source, root, getattr(content, "status", "published") == "published"):
        logger.error("%s", problem)


_checked: dict[str, tuple[tuple, list[str]]] = {}  # path → (its stamp and the question, the problems found)


def checked_header(path: str, root: Path, published: bool) -> list[str]:
    """`header_problems`, again only for a file changed since this process last checked it (livereload's worker).

    Reading every post's header again was about 0.1 s of each save on a 1 000-post site.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return header_problems(path, root, published)
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino, str(root), published)
    found = _checked.get(path)
    if found is None or found[0] != stamp:
        found = _checked[path] = (stamp, header_problems(path, root, published))
    return list(found[1])


def is_ignored(name: str, patterns: list[str]) -> bool:
    """Tell whether Pelican's IGNORE_FILES patterns skip a file or folder name."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def unread_files(content_dir: Path, read: set[str], ignore: list[str]) -> list[str]:
    """Return the files under content/ (relative, POSIX) that no generator took: posts Pelican would drop."""
    found = []
    for folder, subfolders, files in os.walk(content_dir):
        subfolders[:] = sorted(d for d in subfolders if not is_ignored(d, ignore))
        for name in sorted(files):
            relative = (Path(folder) / name).relative_to(content_dir).as_posix()
            if not is_ignored(name, ignore) and relative not in read:
                found.append(relative)
    return found


def check_unread_files(generators) -> None:
    """Log every file of content/ that would not be published, instead of dropping it in silence."""
    context = generators[0].context if generators else {}
    settings = generators[0].settings if generators else {}
    if "generated_content" not in context:
        return
    content_dir = Path(settings["PATH"])
    read = set(context.get("generated_content", {})) | set(context.get("static_content", {}))
    root = content_dir.resolve().parent
    for relative in unread_files(content_dir, read, settings.get("IGNORE_FILES", [])):
        logger.error(
            "%s:1:1: this file is not part of the site — a post is a Markdown file (.md) in content/posts/,"
            " a page goes in content/pages/, an image in content/images/",
            display_path(content_dir / relative, root),
        )
