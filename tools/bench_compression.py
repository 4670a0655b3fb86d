"""Brotli's quality in `invoke bench`: bytes saved against time on the synthetic site's pages and theme assets.

`tools/postprocess.py` compresses pages at PAGE_QUALITY and theme assets at ASSET_QUALITY; this
measures every quality around them (CPU seconds, bytes against gzip -9), so the choice can be
checked again when the site changes. `python -m tools.bench_compression [OUTPUT]` prints it alone.
"""

from __future__ import annotations

import gzip
import sys
import time
from pathlib import Path

from tools.bench_builds import base_site, run_build, site_overrides
from tools.bench_common import Context, Row, Section, row
from tools.postprocess import ASSET_FOLDER, PAGE_QUALITY, text_files

QUALITIES = (5, 8, 10, 11)


def measure_output(output: Path) -> dict:
    """Compress every text file of a build at each quality; return bytes and CPU seconds, pages and assets apart."""
    import brotli

    groups: dict[str, list[bytes]] = {"pages": [], "assets": []}
    for path in text_files(output):
        group = "assets" if path.relative_to(output).parts[0] == ASSET_FOLDER else "pages"
        groups[group].append(path.read_bytes())
    result = {}
    for group, files in groups.items():
        gz = sum(len(gzip.compress(data, 9, mtime=0)) for data in files)
        result[group] = {"files": len(files), "raw": sum(map(len, files)), "gzip": gz, "brotli": {}}
        for quality in QUALITIES:
            started = time.process_time()
            size = sum(len(brotli.compress(data, quality=quality)) for data in files)
            result[group]["brotli"][quality] = (size, time.process_time() - started)
    return result


def measure(context: Context) -> dict:
    """Build the synthetic site without precompression, then measure the qualities on its files."""
    site = base_site(context)
    folder = context.work / "compression"
    run_build(folder / "output", site_overrides(site.root, folder / "cache"))
    return measure_output(folder / "output")


def rows(r: dict, context: Context) -> list[Row]:
    """One row per quality of the pages' Brotli (the chosen one marked)."""
    pages = r["pages"]
    out = []
    for quality, (size, seconds) in pages["brotli"].items():
        chosen = " (chosen)" if quality == PAGE_QUALITY else ""
        out.append(
            row(
                f"    pages' Brotli q{quality}{chosen}",
                f"{100 * (1 - size / pages['gzip']):.1f} % under gzip -9 in {seconds:.2f} s CPU "
                f"({pages['files']} files, {pages['raw'] / 1e6:.1f} MB)",
            )
        )
    return out


def lines(r: dict, context: Context) -> list[str]:
    """The theme assets at each quality."""
    assets = r["assets"]
    return [
        f"Theme assets ({assets['files']} files, {assets['raw'] / 1e6:.1f} MB; compressed once, then cached): "
        + ", ".join(
            f"q{q} {100 * (1 - size / assets['gzip']):.1f} % under gzip in {seconds:.2f} s"
            for q, (size, seconds) in assets["brotli"].items()
        )
    ]


SECTION = Section("compression", "Brotli's quality on the synthetic site:", measure, rows, lines)


if __name__ == "__main__":
    measured = measure_output(Path(sys.argv[1] if len(sys.argv) > 1 else "output"))
    print("\n".join(r[0] + "  " + r[1] for r in rows(measured, Context(Path("."))) + [("", "")]))
    print("\n".join(lines(measured, Context(Path(".")))))
