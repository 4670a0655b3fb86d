"""Write precompressed copies of text files for `gzip_static`/`brotli_static` servers."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".csv", ".xml", ".txt", ".svg", ".atom", ".yaml", ".yml"}
MIN_BYTES = 256  # smaller files are not worth compressing

try:
    import brotli
except ImportError:  # Brotli is optional: .br files are written only where it is installed
    brotli = None

COMPRESSORS = {
    # mtime=0 and no file name keep the .gz byte-identical between builds
    ".gz": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}
if brotli is not None:
    COMPRESSORS[".br"] = lambda data: brotli.compress(data, quality=11)


def text_files(root: Path):
    """Yield the text files under root that deserve compressed copies."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size >= MIN_BYTES:
                yield path


def compressed(data: bytes, suffix: str, cache_dir: Path | None, used: set[Path]) -> bytes:
    """Compress data, reusing an earlier build's result for the same bytes."""
    if cache_dir is None:
        return COMPRESSORS[suffix](data)
    cached = cache_dir / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    used.add(cached)
    if cached.is_file():
        return cached.read_bytes()
    result = COMPRESSORS[suffix](data)
    cached.write_bytes(result)
    return result


def precompress(root: Path, cache_dir: Path | None = None) -> int:
    """Write `.gz` (and `.br` when Brotli is installed) beside every text file; return the count.

    With `cache_dir`, compressed bytes are kept by content hash so unchanged files
    (plotly.js above all) are not recompressed on every build; entries no longer
    used are removed.
    """
    used: set[Path] = set()
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in list(text_files(Path(root))):
        data = path.read_bytes()
        for suffix in COMPRESSORS:
            Path(f"{path}{suffix}").write_bytes(compressed(data, suffix, cache_dir, used))
        count += 1
    if cache_dir is not None:
        for stale in set(cache_dir.iterdir()) - used:
            stale.unlink()
    return count
