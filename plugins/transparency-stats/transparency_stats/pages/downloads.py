"""Machine-readable downloads of the stats: CSV, JSON and `sha256sum` lists (numbers not localised)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from transparency_stats.pages.events import event_files
from transparency_stats.stats.model import Correction, Observation, StatsData

OBSERVATION_FIELDS = [
    "metric",
    "label",
    "platform",
    "unit",
    "kind",
    "start",
    "end",
    "value",
    "bound",
    "source",
    "url",
    "snapshot",
    "snapshot_sha256",
    "note",
    "corrected_by",
]


def plain_number(x: int | float) -> int | float:
    """Return x as an int when it is whole (145000, not 145000.0), else unchanged."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def observation_row(stats: StatsData, o: Observation, corrected_by: str | None = None) -> tuple:
    """Return one observation's values in OBSERVATION_FIELDS order (None when absent)."""
    metric = stats.metrics[o.metric]
    snapshot = o.snapshot
    return (
        o.metric,
        metric.label,
        metric.platform,
        metric.unit,
        metric.kind,
        o.start.isoformat(),
        o.end.isoformat(),
        plain_number(o.value.amount),
        o.value.bound,
        snapshot.source,
        snapshot.url,
        snapshot.filename,
        snapshot.sha256,
        o.note,
        corrected_by,
    )


def observation_record(stats: StatsData, o: Observation, corrected_by: str | None = None) -> dict:
    """Return one observation as a flat record keyed by OBSERVATION_FIELDS (None when absent)."""
    return dict(zip(OBSERVATION_FIELDS, observation_row(stats, o, corrected_by), strict=True))


def metric_history(stats: StatsData, metric_id: str) -> list[tuple[Observation, str | None]]:
    """Return every figure ever published for a metric, each with the snapshot file that corrected it (or None)."""
    rows = [(o, None) for o in stats.observations.get(metric_id, ())]
    rows += [(c.old, c.new.snapshot.filename) for c in stats.corrections if c.old.metric == metric_id]
    return sorted(rows, key=lambda row: (row[0].start, row[0].end, row[0].snapshot.date, row[0].snapshot.filename))


def observations_csv(stats: StatsData, observations: Iterable[Observation]) -> str:
    """Return a header row then one CSV row per observation (RFC 4180, empty cell for absent)."""
    return history_csv(stats, ((o, None) for o in observations))


def history_csv(stats: StatsData, rows: Iterable[tuple[Observation, str | None]]) -> str:
    """Return a header row then one CSV row per (observation, corrected_by) pair."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OBSERVATION_FIELDS)
    writer.writerows([observation_row(stats, o, corrected_by) for o, corrected_by in rows])
    return out.getvalue()


def all_observations(stats: StatsData) -> list[tuple[Observation, str | None]]:
    """Return every figure ever published with the file that corrected it, metric by metric in catalogue order."""
    return [row for m in stats.metrics for row in metric_history(stats, m)]


def observations_json(stats: StatsData) -> str:
    """Return the metrics, every observation and the snapshots as deterministic JSON, a record a line.

    Records are dumped one by one without indentation, which keeps json's C encoder
    (indent= falls back to pure Python, the slowest part of the data page).
    """
    metrics = {
        m.id: {
            "label": m.label,
            "kind": m.kind,
            "platform": m.platform,
            "unit": m.unit,
            "description": m.description,
            "color": m.color,
            "decimals": m.decimals,
        }
        for m in stats.metrics.values()
    }
    snapshots = [
        {
            "file": s.filename,
            "date": s.date.isoformat(),
            "source": s.source,
            "url": s.url,
            "note": s.note,
            "sha256": s.sha256,
        }
        for s in stats.snapshots
    ]

    def lines(records) -> str:
        return ",\n".join(" " + json.dumps(r, ensure_ascii=False) for r in records)

    observations = (observation_record(stats, o, corrected_by) for o, corrected_by in all_observations(stats))
    corrections = (correction_record(c) for c in stats.corrections)
    return (
        '{"metrics": '
        + json.dumps(metrics, ensure_ascii=False)
        + ',\n"observations": [\n'
        + lines(observations)
        + '\n],\n"snapshots": [\n'
        + lines(snapshots)
        + '\n],\n"corrections": [\n'
        + lines(corrections)
        + "\n]}\n"
    )


def correction_record(correction: Correction) -> dict:
    """Return one correction: which figure, the value as first published and as corrected, why, and both files."""
    old, new = correction.old, correction.new
    return {
        "metric": new.metric,
        "start": new.start.isoformat(),
        "end": new.end.isoformat(),
        "old_value": plain_number(old.value.amount),
        "old_bound": old.value.bound,
        "new_value": plain_number(new.value.amount),
        "new_bound": new.value.bound,
        "reason": correction.reason,
        "corrected_snapshot": old.snapshot.filename,
        "snapshot": new.snapshot.filename,
        "date": new.snapshot.date.isoformat(),
    }


def sha256sum_line(sha256: str, filename: str) -> str:
    """Return one `sha256sum` line, escaping the name as GNU coreutils does."""
    if any(c in filename for c in "\\\n\r"):
        escaped = filename.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{sha256}  {escaped}\n"
    return f"{sha256}  {filename}\n"


def sha256sums(stats: StatsData) -> str:
    """Return the snapshots' digests in `sha256sum` format, sorted by file name."""
    snapshots = sorted(stats.snapshots, key=lambda s: s.filename)
    return "".join(sha256sum_line(s.sha256, s.filename) for s in snapshots)


def data_files(stats: StatsData) -> dict[str, bytes]:
    """Return every download of the data page, by its path under the downloads folder."""
    texts = {
        "observations.csv": history_csv(stats, all_observations(stats)),
        "observations.json": observations_json(stats),
        "instantanes/SHA256SUMS": sha256sums(stats),
        **{f"metriques/{m}.csv": history_csv(stats, metric_history(stats, m)) for m in stats.metrics},
    }
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    files.update({f"instantanes/{s.filename}": s.data for s in stats.snapshots})
    files.update(event_files(stats))
    return files
