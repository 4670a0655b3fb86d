"""The catalogue of events, `stats/events.yaml`: dated landmarks (a show's launch, a tour) that charts can mark.

Keys are event ids (like metric ids); each has `date` (YYYY-MM-DD), or `from` and `to`
for a span, a short `label` drawn on charts, and optional `url` (http/https) and
`description`. The file is optional and part of the public data contract.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from transparency_stats.errors import Problems

from .fields import (
    expect_map,
    fail,
    optional,
    optional_text,
    parse_day,
    parse_text,
    parse_url,
    reject_unknown_keys,
    require,
)
from .yaml_nodes import YEntry, quote
from .yaml_nodes import load as read_yaml

EVENT_KEYS = ("date", "from", "to", "label", "url", "description")
EVENT_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
LABEL_LIMIT = 80


@dataclass(frozen=True)
class Event:
    """One landmark: a day (start == end) or an inclusive span, with a short label."""

    id: str
    label: str
    start: dt.date
    end: dt.date
    url: str | None = None
    description: str | None = None
    line: int = 1

    @property
    def is_span(self) -> bool:
        return self.start != self.end


def parse_events(data: bytes, path: str, problems: Problems) -> dict[str, Event]:
    """Return the valid events of `stats/events.yaml` in file order (problems collected)."""
    root = expect_map(
        read_yaml(data, path), path, "the events catalogue", "write one event id per line, then date: and label:"
    )
    events = {}
    for entry in root.entries:
        with problems.collect():
            events[entry.key] = parse_event(entry, path)
    return events


def parse_event(entry: YEntry, path: str) -> Event:
    """Return the event one catalogue entry describes."""
    if not EVENT_ID.fullmatch(entry.key):
        raise fail(
            path,
            entry,
            f"{quote(entry.key)} is not a valid event id",
            "use lowercase letters, digits, '.', '_' and '-', like revue-1",
        )
    what = f"event '{entry.key}'"
    fields = expect_map(entry.value, path, what, "give it date: (or from: and to:) and label:")
    reject_unknown_keys(fields, EVENT_KEYS, path, what)
    label = parse_text(
        require(fields, "label", path, what, "add a short label: drawn on the chart").value, path, "label"
    )
    if len(label) > LABEL_LIMIT:
        raise fail(
            path,
            fields.get("label"),
            f"label is {len(label)} characters long",
            f"keep it under {LABEL_LIMIT}: put the rest in description:",
        )
    day = optional(fields, "date", path, lambda node, path: parse_day(node, path, "date"))
    start = optional(fields, "from", path, lambda node, path: parse_day(node, path, "from"))
    end = optional(fields, "to", path, lambda node, path: parse_day(node, path, "to"))
    if day and (start or end):
        raise fail(
            path,
            fields.get("from") or fields.get("to"),
            f"{what} has both date: and from:/to:",
            "keep date: for a day, or from: and to: for a span",
        )
    if not day and not (start and end):
        raise fail(path, entry, f"{what} has no date", "add date: 2016-10-08, or from: and to: for a span")
    if start and end and end < start:
        raise fail(
            path,
            fields.get("from"),
            f"from ({start.isoformat()}) is after to ({end.isoformat()})",
            "swap the two dates",
        )
    return Event(
        id=entry.key,
        label=label,
        start=day or start,
        end=day or end,
        url=optional(fields, "url", path, parse_url),
        description=optional_text(fields, "description", path),
        line=entry.line,
    )
