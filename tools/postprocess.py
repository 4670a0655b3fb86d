"""Write precompressed copies of text files for `gzip_static`/`brotli_static` servers, on every core."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".csv", ".xml", ".txt", ".svg", ".atom", ".yaml", ".yml"}
MIN_BYTES = 256  # smaller files are not worth compressing
# Brotli's quality, chosen by measuring bytes saved against time (tools/bench_compression.py, the
# README's Performance section). On the 1 000-post site's 3 300 pages, CSVs and feeds (26 MB): quality 8
# is 10.1 % under gzip -9 in 0.7 s of CPU, 10 is 15.8 % in 11 s, 11 is 18.0 % in 30 s; about 130 bytes a
# page for 40 times the time. Theme assets (plotly.js: 1.2 MB, read by every reader who opens a chart)
# keep quality 11: their names carry their content's hash, so the cache compresses them once.
PAGE_QUALITY = 8
ASSET_QUALITY = 11
ASSET_FOLDER = "theme"  # Pelican's THEME_STATIC_DIR: content-hashed assets
INLINE_BELOW = 64  # files: fewer are compressed in this process, more on every core

try:
    import brotli
except ImportError:  # Brotli is optional: .br files are written only where it is installed
    brotli = None

SUFFIXES = (".gz", ".br") if brotli is not None else (".gz",)


def compress(data: bytes, suffix: str, quality: int) -> bytes:
    """Compress `data` as gzip -9 (no time, no name: the same bytes every build) or Brotli at `quality`."""
    if suffix == ".gz":
        return gzip.compress(data, compresslevel=9, mtime=0)
    return brotli.compress(data, quality=quality)


def text_files(root: Path):
    """Yield the text files under root that deserve compressed copies."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size >= MIN_BYTES:
                yield path


def quality_of(path: Path, root: Path) -> int:
    """Return the Brotli quality of a file: theme assets the best, everything else the measured one."""
    return ASSET_QUALITY if path.relative_to(root).parts[0] == ASSET_FOLDER else PAGE_QUALITY


def cache_name(digest: str, suffix: str, quality: int) -> str:
    """Return a cache entry's name: the content's SHA-256, and for Brotli its quality."""
    return f"{digest}{suffix}" if suffix == ".gz" else f"{digest}.q{quality}{suffix}"


def compress_file(job: tuple[Path, Path | None, int]) -> tuple[list[Path], int]:
    """Write a file's compressed copies beside it; return the cache entries used and how many were compressed.

    A copy the cache holds is a hard link to its entry (entries are never changed: they are named by
    the bytes they compress), so a warm build writes no compressed byte.
    """
    path, cache_dir, quality = job
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest() if cache_dir is not None else ""
    used, compressed = [], 0
    for suffix in SUFFIXES:
        target = Path(f"{path}{suffix}")
        if cache_dir is None:
            target.write_bytes(compress(data, suffix, quality))
            compressed += 1
            continue
        cached = cache_dir / cache_name(digest, suffix, quality)
        if not cached.is_file():
            temporary = cached.with_name(f".{cached.name}.{os.getpid()}")
            temporary.write_bytes(compress(data, suffix, quality))
            os.chmod(temporary, 0o644)  # as published: the output links to it
            os.replace(temporary, cached)  # atomic: another build may read the folder
            compressed += 1
        used.append(cached)
        target.unlink(missing_ok=True)  # a copy from an earlier run over the same folder
        try:
            os.link(cached, target)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(cached, target)
    return used, compressed


class Precompressed(NamedTuple):
    """What `precompress` did: text files given copies, and copies compressed (the others came from the cache)."""

    files: int
    compressed: int


def precompress(
    root: Path, cache_dir: Path | None = None, workers: int | None = None, checkpoint=None
) -> Precompressed:
    """Write `.gz` (and `.br` when Brotli is installed) beside every text file; say how many and how much work.

    Files are compressed on every core (`workers` processes; by default one per core). With
    `cache_dir`, compressed bytes are kept by content hash so unchanged files (plotly.js above
    all) are not recompressed on every build; entries no longer used are removed.
    `checkpoint()` is called between files; if it raises, the work stops there (a newer save in
    `invoke livereload` supersedes the build).
    """
    checkpoint = checkpoint or (lambda: None)
    root = Path(root)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(path, cache_dir, quality_of(path, root)) for path in text_files(root)]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < INLINE_BELOW:
        results = []
        for job in jobs:
            checkpoint()
            results.append(compress_file(job))
    else:
        # Big files first (plotly.js), so that no core is left with a long one at the end.
        jobs.sort(key=lambda job: -job[0].stat().st_size)
        results = []
        with ProcessPoolExecutor(workers) as pool:
            try:
                for result in pool.map(compress_file, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
                    results.append(result)
                    checkpoint()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # the chunks under way end; no other starts
                raise
    if cache_dir is not None:
        used = {entry for entries, _ in results for entry in entries}
        for stale in set(cache_dir.iterdir()) - used:
            stale.unlink()
    return Precompressed(len(jobs), sum(count for _, count in results))
