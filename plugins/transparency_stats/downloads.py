"""Machine-readable downloads of the stats: CSV, JSON and `sha256sum` lists (numbers not localised)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from .model import Observation, StatsData


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
]


def plain_number(x: int | float) -> int | float:
    """Return x as an int when it is whole (145000, not 145000.0), else unchanged."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def observation_row(stats: StatsData, o: Observation) -> tuple:
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
    )


def observation_record(stats: StatsData, o: Observation) -> dict:
    """Return one observation as a flat record keyed by OBSERVATION_FIELDS (None when absent)."""
    return dict(zip(OBSERVATION_FIELDS, observation_row(stats, o)))


def observations_csv(stats: StatsData, observations: Iterable[Observation]) -> str:
    """Return a header row then one CSV row per observation (RFC 4180, empty cell for absent)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OBSERVATION_FIELDS)
    writer.writerows([observation_row(stats, o) for o in observations])
    return out.getvalue()


def all_observations(stats: StatsData) -> list[Observation]:
    """Return every observation, metric by metric in catalogue order."""
    return [o for m in stats.metrics for o in stats.observations.get(m, ())]


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
        }
        for m in stats.metrics.values()
    }
    snapshots = [
        {"file": s.filename, "date": s.date.isoformat(), "source": s.source, "url": s.url, "note": s.note, "sha256": s.sha256}
        for s in stats.snapshots
    ]

    def lines(records) -> str:
        return ",\n".join(" " + json.dumps(r, ensure_ascii=False) for r in records)

    observations = (dict(zip(OBSERVATION_FIELDS, observation_row(stats, o))) for o in all_observations(stats))
    return (
        '{"metrics": ' + json.dumps(metrics, ensure_ascii=False)
        + ',\n"observations": [\n' + lines(observations)
        + '\n],\n"snapshots": [\n' + lines(snapshots) + "\n]}\n"
    )


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
        "observations.csv": observations_csv(stats, all_observations(stats)),
        "observations.json": observations_json(stats),
        "instantanes/SHA256SUMS": sha256sums(stats),
        **{f"metriques/{m}.csv": observations_csv(stats, stats.observations.get(m, ())) for m in stats.metrics},
    }
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    files.update({f"instantanes/{s.filename}": s.data for s in stats.snapshots})
    return files
