"""Write precompressed copies of text files for `gzip_static`/`brotli_static` servers."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".csv", ".xml", ".txt", ".svg", ".atom", ".yaml", ".yml"}
MIN_BYTES = 256  # smaller files are not worth compressing

try:
    import brotli
except ImportError:  # Brotli is optional: .br files are written only where it is installed
    brotli = None


def text_files(root: Path):
    """Yield the text files under root that deserve compressed copies."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size >= MIN_BYTES:
                yield path


def precompress(root: Path) -> int:
    """Write `.gz` (and `.br` when Brotli is installed) beside every text file; return the count."""
    count = 0
    for path in list(text_files(Path(root))):
        data = path.read_bytes()
        # mtime=0 and no file name keep the .gz byte-identical between builds
        Path(f"{path}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        if brotli is not None:
            Path(f"{path}.br").write_bytes(brotli.compress(data, quality=11))
        count += 1
    return count
