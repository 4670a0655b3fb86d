"""Events on the data page and in the downloads: `reperes.csv` and `reperes.json`, and the page's list of landmarks."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from transparency_stats.charts.marks import event_when
from transparency_stats.stats.model import StatsData

EVENT_COLUMNS = ("id", "label", "start", "end", "url", "description")


@dataclass(frozen=True)
class EventView:
    """One event as the data page lists it."""

    anchor: str
    when: str
    label: str
    url: str | None
    description: str | None


def event_record(event) -> dict:
    """Return one event as the downloads give it (a day has start == end)."""
    return {
        "id": event.id,
        "label": event.label,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "url": event.url or "",
        "description": event.description or "",
    }


def events_csv(stats: StatsData) -> str:
    """Return every event as CSV, in the catalogue's order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in stats.events.values():
        writer.writerow(event_record(event))
    return out.getvalue()


def events_json(stats: StatsData) -> str:
    """Return every event as JSON: {"events": [...]}."""
    records = [event_record(e) for e in stats.events.values()]
    return json.dumps({"events": records}, ensure_ascii=False, indent=1) + "\n"


def event_files(stats: StatsData) -> dict[str, bytes]:
    """Return the events downloads, by path under the downloads folder (none without events)."""
    if not stats.events:
        return {}
    return {"reperes.csv": events_csv(stats).encode("utf-8"), "reperes.json": events_json(stats).encode("utf-8")}


def event_views(stats: StatsData) -> list[EventView]:
    """Return every event for the data page, by date."""
    events = sorted(stats.events.values(), key=lambda e: (e.start, e.end, e.id))
    return [EventView(f"repere-{e.id}", event_when(e), e.label, e.url, e.description) for e in events]
