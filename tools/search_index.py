"""Index a built site for search with Pagefind, byte for byte the same on every build of the same site.

`index_site(site)` runs the Pagefind binary of the pinned `pagefind[bin]` wheel on a built site
(the build's last step, before precompression: tools/sitebuild.py), then:

- makes the index reproducible: Pagefind 1.5 writes each filter's values, and the list of
  filters and sort keys in its metadata file, in a random order (Pagefind#638), and names those
  files by a hash of their bytes. We decode them (CBOR, in gzip, after Pagefind's `pagefind_dcd`
  signature), sort what is unordered, write them back under a hash of the new bytes, and point
  the metadata file and `pagefind-entry.json` at the new names;
- removes Pagefind's ready-made interfaces (`pagefind-ui.*` and the others): the search page
  has its own script, and their stylesheets load `data:` images that our policy refuses.

What is indexed is chosen by the templates (`data-pagefind-body` on published posts, pages and
metric pages; filters, metadata and the sort key in their `<meta>` tags) and by EXCLUDED below.
`python -m tools.search_index SITE` indexes a built folder.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUNDLE = "pagefind"  # the index's folder in the site: /pagefind/
MARKER = b"data-pagefind-body"  # what the templates put on the pages to index
SIGNATURE = b"pagefind_dcd"  # Pagefind's marker before the CBOR of every pf_* file
# Parts of indexed pages that are not what a reader searches for: the date line and the metric
# page's breadcrumb (their facts are filters and metadata), the share links, the draft
# notice, each chart's table of figures (its sentence and caption stay), its embed code and
# button, and a metric page's sources table and downloads (its figures and sentence stay).
EXCLUDED = (
    ".post-meta",
    ".metric-page__up",
    ".share",
    ".draft-notice",
    ".ts-chart__data",
    ".ts-chart__embed",
    ".ts-chart__explore",
    ".sources-table",
    ".downloads",
)
# Pagefind's own interfaces: not used (js/search.js is the site's), so not published.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT_S = 600


class SearchIndexFailed(Exception):
    """Pagefind could not index the site, or wrote what we cannot read; the message is one line."""


# --- A minimal CBOR codec: what Pagefind's minicbor writes (integers, text, arrays) ------------
def cbor_decode(data: bytes):
    """Decode one CBOR item holding unsigned integers, text, byte strings, arrays and maps."""
    item, end = _decode(data, 0)
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the CBOR item")
    return item


def _decode(data: bytes, at: int):
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise ValueError(f"unsupported CBOR item (major {major}, info {info})")
    if major == 0:
        return value, at
    if major == 2:
        return bytes(data[at : at + value]), at + value
    if major == 3:
        return data[at : at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError(f"{value} is too large for CBOR")


def cbor_encode(item) -> bytes:
    """Encode integers, text, byte strings and lists as minicbor does: shortest heads, definite lengths."""
    if isinstance(item, bool) or (isinstance(item, int) and item < 0):
        raise ValueError(f"unsupported value {item!r}")
    if isinstance(item, int):
        return _head(0, item)
    if isinstance(item, bytes):
        return _head(2, len(item)) + item
    if isinstance(item, str):
        encoded = item.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    if isinstance(item, list):
        return _head(4, len(item)) + b"".join(cbor_encode(i) for i in item)
    raise ValueError(f"unsupported value {item!r}")


# --- Pagefind's files ---------------------------------------------------------------------------
def read_pf(path: Path):
    """Return the decoded CBOR of a gzipped pf_* file, checking it re-encodes to the same bytes."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise SearchIndexFailed(f"{path}:1:1: not a Pagefind index file — is pagefind[bin] the pinned version?")
    body = raw[len(SIGNATURE) :]
    try:
        item = cbor_decode(body)
    except (ValueError, IndexError, UnicodeDecodeError) as error:
        raise SearchIndexFailed(
            f"{path}:1:1: unreadable Pagefind index file ({error}) — check the pinned version"
        ) from None
    if cbor_encode(item) != body:
        raise SearchIndexFailed(f"{path}:1:1: Pagefind's format changed — update tools/search_index.py's codec")
    return item


def pf_bytes(item) -> bytes:
    """Return a pf_* file's bytes: gzip (fixed header, no time) of the signature and the CBOR."""
    return gzip.compress(SIGNATURE + cbor_encode(item), compresslevel=9, mtime=0)


def content_name(language: str, item, length: int, taken: set[str]) -> str:
    """Name an index file by its language and a hash of its CBOR, longer if the short name is taken."""
    digest = hashlib.sha256(cbor_encode(item)).hexdigest()
    while f"{language}_{digest[:length]}" in taken:
        length += 1
    return f"{language}_{digest[:length]}"


def make_reproducible(bundle: Path) -> None:
    """Sort what Pagefind writes in a random order, rename the files it changes and fix their references.

    The metadata file is [version, pages, index chunks, filters, sorts, meta fields]; a filter
    file is [filter, [[value, [page numbers]], …]]; filters and sorts are [name, …] pairs.
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, details in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{details['hash']}.pf_meta"
        meta = read_pf(meta_path)
        new_filters = []
        taken: set[str] = set()
        for name, old_hash in sorted(meta[3]):
            old = bundle / "filter" / f"{old_hash}.pf_filter"
            values = read_pf(old)
            values[1].sort(key=lambda value: value[0])
            new_hash = content_name(language, values, 7, taken)
            taken.add(new_hash)
            old.unlink()
            (bundle / "filter" / f"{new_hash}.pf_filter").write_bytes(pf_bytes(values))
            new_filters.append([name, new_hash])
        meta[3] = new_filters
        meta[4].sort(key=lambda sort: sort[0])
        new_meta = content_name(language, meta, 10, set())
        meta_path.unlink()
        (bundle / f"pagefind.{new_meta}.pf_meta").write_bytes(pf_bytes(meta))
        details["hash"] = new_meta
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def pagefind_binary() -> str:
    """Return the path of the Pagefind binary that the pagefind[bin] wheel installed."""
    try:
        import pagefind_bin
    except ImportError as error:
        raise SearchIndexFailed(
            "requirements.lock:1:1: Pagefind is not installed — run `python3 bootstrap.py build` to install it"
        ) from error
    return str(pagefind_bin.get_executable())


def indexed_pages(site: Path) -> list[Path]:
    """Return the HTML files of the site that search indexes: those holding `data-pagefind-body`.

    Pagefind indexes only these once any page has the attribute; handing it only these spares it
    parsing every listing, tag page and chart embed (a third of its time on the benchmark's site).
    """
    pages = []
    for path in sorted(Path(site).rglob("*.html")):
        with open(path, "rb") as handle:
            if MARKER in handle.read():
                pages.append(path)
    return pages


def index_site(site: Path, checkpoint=None) -> float:
    """Index the built site in `site` into `site`/pagefind/, reproducibly; return the seconds it took.

    `checkpoint()` is called while Pagefind runs; if it raises, Pagefind is stopped (a newer
    save in `invoke livereload` supersedes the build).
    """
    started = time.perf_counter()
    site = Path(site)
    shutil.rmtree(site / BUNDLE, ignore_errors=True)  # Pagefind keeps hashed files it finds: start afresh
    pages = indexed_pages(site)
    if not pages:  # a site with nothing published yet: no index, and the search page says it cannot start
        return time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix=".search-pages-", dir=site) as folder:
        for page in pages:  # the same paths, so the same URLs; hard links, nothing copied
            target = Path(folder) / page.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(page, target)
            except OSError:
                shutil.copyfile(page, target)
        command = [pagefind_binary(), "--site", folder, "--output-path", str(site / BUNDLE), "--silent"]
        for selector in EXCLUDED:
            command += ["--exclude-selectors", selector]
        returncode, output = run_stoppable(command, checkpoint)
    if returncode != 0:
        message = " ".join(output.split())[-300:] or f"exit status {returncode}"
        raise SearchIndexFailed(f"{site}:1:1: Pagefind could not index the site ({message}) — fix what it names")
    bundle = site / BUNDLE
    make_reproducible(bundle)
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return time.perf_counter() - started


def run_stoppable(command: list[str], checkpoint=None) -> tuple[int, str]:
    """Run `command`; return its exit status and its error output (else its output). Stop it if `checkpoint` raises."""
    deadline = time.monotonic() + TIMEOUT_S
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        while True:
            try:
                stdout, stderr = process.communicate(timeout=0.05)
                return process.returncode, stderr or stdout
            except subprocess.TimeoutExpired:
                try:
                    if time.monotonic() > deadline:
                        raise
                    if checkpoint is not None:
                        checkpoint()
                except BaseException:
                    process.kill()
                    process.communicate()
                    raise


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m tools.search_index SITE`."""
    args = argv if argv is not None else sys.argv[1:]
    site = Path(args[0] if args else "output")
    try:
        seconds = index_site(site)
    except SearchIndexFailed as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Indexed {site}/ for search in {seconds:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
