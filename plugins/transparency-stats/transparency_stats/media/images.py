"""Draw chart images with Plotly's exporter (kaleido), a Chromium tab per core, cached by everything that draws them.

No Pelican here. A `Drawing` is one image to write: a Plotly figure, its size and format,
and where its chart was written (for messages). `draw_all` takes every drawing of a
build, takes what it can from the cache, draws the rest in one Chromium session (with
the site's own plotly.js and French locale, so images and interactive charts agree; a few
tabs, one per core, each calling kaleido's own render function figure after figure),
gives SVG files ids derived from their chart, and writes them all.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from transparency_stats.charts import recipe
from transparency_stats.errors import StatsError, StatsErrors

from . import image_plots

# Cached images depend on the code of every module that shapes a drawn image beyond what a
# drawing's `source` says: this one (finishing SVGs), image_plots (page, card and site plots)
# and the chart recipe (a variant is made from the prepared chart, with the theme). Their
# files, found from the module objects when an Exporter is made, are hashed into every key;
# bump this to draw everything again for another reason.
DRAWING_VERSION = "4"  # 4: SVG attributes written in name order
CODE = (sys.modules[__name__], image_plots, recipe)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "install Chromium (Debian: sudo apt-get install chromium, or `python3 bootstrap.py build` as root) "
    "or point BROWSER_PATH at a Chrome or Chromium"
)
NO_BROWSER = f"no Chromium found: charts have no images and no share cards — {INSTALL_HINT}"
RENDER_TIMEOUT_S = 60
SESSION_TIMEOUT_S, IMAGE_TIMEOUT_S = 60, 5  # the watchdog of a whole session (default_draw)
SVG_ID = re.compile(r'<defs id="defs-([0-9a-z]+)"')
# Attributes that hold or point at an id inside plotly.js's SVG (the uid of its figure is in each).
# A start tag with its attributes (values are quoted; plotly.js escapes < and " inside them).
START_TAG = re.compile(r'<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")+)(\s*/?)>')
ATTRIBUTE = re.compile(r'\s+([\w:.-]+)="([^"]*)"')
ID_ATTRIBUTE = re.compile(r'(\s(?:id|href|xlink:href|clip-path|mask|filter|fill|style)=")([^"]*)(")')
QUIET_LOGGERS = ("kaleido", "choreographer", "logistro", "asyncio")


class BrowserFailed(Exception):
    """Chromium could not be started, or stopped answering."""


@dataclass(frozen=True)
class Drawing:
    """One image to write at `target` in the output: a Plotly figure drawn at a size and format.

    `source` is everything the plot is made from (the chart's prepared recipe, the variant, the
    theme): with the size, format, ids and style it keys the cache, so a warm build never
    makes the figure; `make` makes it when the image must be drawn.
    """

    target: str  # path in the output, with "/"
    source: str
    make: Callable[[], dict] = field(compare=False, repr=False)
    width: int
    height: int
    format: str  # "svg" or "png"
    id_token: str  # SVG ids are made from this, so two charts on one page never share one
    path: str  # the chart's source file and line, for messages
    line: int
    dark_style: str = ""  # an SVG <style> for dark mode, or ""


def find_browser() -> str | None:
    """Return the Chromium to draw with: BROWSER_PATH, else the first Chrome or Chromium on PATH."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@functools.cache
def package_version(name: str) -> str:
    """Return an installed package's version, or "none"."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


def file_digest(path: Path) -> bytes:
    """Return the SHA-256 of a file, computed once per process for the same size and time (plotly.js: 1.2 MB)."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


@functools.cache
def _file_digest(path: Path, size: int, mtime_ns: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


class Exporter:
    """What draws the images: plotly.js, its locale, a setup script, with what goes in every cache key.

    The key covers plotly.js and its locale, the setup script, the plotly and kaleido versions,
    and the code that makes plots and finishes images (CODE: this module, image_plots, the recipe).
    """

    def __init__(self, plotly_js: Path, locale_js: Path | None, setup: str = "", browser: str | None = None):
        self.plotly_js = Path(plotly_js).resolve()
        self.locale_js = Path(locale_js).resolve() if locale_js else None  # none: the setup script's names only
        self.setup = setup  # JavaScript run after plotly.js and its locale (plotly.js's global config)
        self.browser = browser
        digest = hashlib.sha256(DRAWING_VERSION.encode())
        locale = [self.locale_js] if self.locale_js else []
        for path in (self.plotly_js, *locale, *(Path(module.__file__) for module in CODE)):
            digest.update(file_digest(path))
        digest.update(hashlib.sha256(setup.encode("utf-8")).digest())
        for package in ("plotly", "kaleido"):
            digest.update(f"|{package}={package_version(package)}".encode())
        self.fingerprint = digest.hexdigest()

    def key(self, drawing: Drawing) -> str:
        """Return the cache key of a finished image: a hash of all that makes, draws and finishes it."""
        digest = hashlib.sha256(self.fingerprint.encode())
        for part in (
            drawing.source,
            drawing.width,
            drawing.height,
            drawing.format,
            drawing.id_token,
            drawing.dark_style,
        ):
            text = str(part).encode("utf-8")
            digest.update(len(text).to_bytes(8, "big") + text)
        return digest.hexdigest()


class ImageCache:
    """Finished images, one file per key in a folder (by default under Pelican's CACHE_PATH)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, key: str, fmt: str) -> Path:
        """Return where the image of `key` is kept."""
        return self.folder / key[:2] / f"{key}.{fmt}"

    def has(self, key: str, fmt: str) -> bool:
        """Tell whether the image of `key` is kept."""
        return self.path(key, fmt).is_file()

    def put(self, key: str, fmt: str, data: bytes) -> None:
        """Keep an image, atomically (another build may read the folder at the same time)."""
        target = self.path(key, fmt)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # as published: the output links to this file
        os.replace(temporary, target)

    def publish(self, key: str, fmt: str, target: Path) -> None:
        """Put the image of `key` at `target`: a hard link (20× faster than a copy here), else a copy."""
        source = self.path(key, fmt)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except FileExistsError:
            target.unlink()
            os.link(source, target)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(source, target)
            os.chmod(target, 0o644)


def stable_ids(svg: str, token: str) -> str:
    """Replace plotly.js's random figure uid in the SVG's ids and references with `token`."""
    match = SVG_ID.search(svg)
    if not match:
        return svg
    uid = match.group(1)

    def rewrite(attribute: re.Match) -> str:
        return attribute.group(1) + attribute.group(2).replace(uid, token) + attribute.group(3)

    return ID_ATTRIBUTE.sub(rewrite, svg)


def sorted_attributes(svg: str) -> str:
    """Write every element's attributes in name order.

    plotly.js sets some attributes in an order that depends on the figures drawn before in its
    page (a legend's box: its size before or after its style), so the same figure could give other
    bytes in a build that draws only a few images, or on a machine with another number of cores.
    """

    def sort(tag: re.Match) -> str:
        attributes = "".join(f' {name}="{value}"' for name, value in sorted(ATTRIBUTE.findall(tag.group(2))))
        return f"<{tag.group(1)}{attributes}{tag.group(3)}>"

    return START_TAG.sub(sort, svg)


def with_style(svg: str, style: str) -> str:
    """Put a <style> element first inside the SVG's root element."""
    if not style:
        return svg
    end = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:end]}<style>{style}</style>{svg[end:]}"


def finish(drawing: Drawing, data: bytes) -> bytes:
    """Return the exporter's bytes ready to publish: SVGs get sorted attributes, stable ids, their dark style."""
    if drawing.format != "svg":
        return data
    svg = stable_ids(sorted_attributes(data.decode("utf-8")), drawing.id_token)
    return with_style(svg, drawing.dark_style).encode("utf-8")


def exporter_message(error: BaseException) -> str:
    """Return the exporter's own message for a failed drawing, on one line."""
    details = error.args[0] if error.args else None
    if isinstance(details, dict):  # a JavaScript exception, as Chrome's DevTools protocol reports it
        exception = details.get("exceptionDetails", {}).get("exception", {})
        text = exception.get("description") or details.get("exceptionDetails", {}).get("text") or str(details)
        return " ".join(text.splitlines()[0].split())
    return " ".join(str(error).split()) or error.__class__.__name__


class Progress:
    """A progress bar on a terminal (rich), nothing elsewhere."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled and total:
            from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(
                "Drawing chart images", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
            )
            self.task = self.bar.add_task("draw", total=total)
            self.bar.start()

    def advance(self) -> None:
        """Count one image drawn."""
        if self.bar is not None:
            self.bar.advance(self.task)

    def stop(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.stop()


async def draw_in_session(
    exporter: Exporter, drawings: list[Drawing], progress: Progress
) -> list[bytes | BaseException]:
    """Draw every drawing in one Chromium session; return each image's bytes or its error."""
    import kaleido

    with tempfile.TemporaryDirectory(prefix="chart-images-") as folder:
        setup = Path(folder) / "setup.js"
        setup.write_text(exporter.setup, encoding="utf-8")
        page = kaleido.PageGenerator(
            plotly=str(exporter.plotly_js),
            mathjax=False,
            others=[*([(str(exporter.locale_js), "utf-8")] if exporter.locale_js else []), (str(setup), "utf-8")],
        )
        return await draw_with_page(exporter, page, drawings, progress)


# kaleido's own render function (kaleido_scopes.plotly, the code behind `calc_fig`), called directly with the
# figure already as JSON: `calc_fig` cost three times plotly.js's own toImage here, in Python (its
# encoder, bookkeeping and a log line per DevTools event), not in Chromium. One figure per call, and
# one tab per core taking the next figure.
RENDER = """(spec) => kaleido_scopes.plotly(JSON.parse(spec)).then(
  (done) => JSON.stringify(done.code === 0 ? [0, done.result] : [done.code, done.message || ""]))"""
MAX_TABS = 4


def tab_count(drawings: int, cores: int | None = None) -> int:
    """Return how many tabs draw at once: one per core (a tab's renderer is a process), at most MAX_TABS."""
    cores = cores or os.cpu_count() or 1
    return max(1, min(cores, MAX_TABS, drawings))


def spec_json(drawing: Drawing) -> str:
    """Return a drawing's figure, size and format as kaleido's render function reads them, as JSON."""
    spec = {"format": drawing.format, "width": drawing.width, "height": drawing.height, "scale": 1}
    spec["data"] = drawing.make()
    try:
        return json.dumps(spec, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):  # dates, NaN, numpy: Plotly's own encoder, as kaleido's calc_fig uses
        from plotly.utils import PlotlyJSONEncoder

        return json.dumps(spec, cls=PlotlyJSONEncoder)


def decode(drawing: Drawing, response: dict) -> bytes | BaseException:
    """Return the image's bytes, or the error kaleido's render function or Chromium gave for it."""
    from kaleido.errors import JavascriptError, KaleidoError

    if "error" in response:
        return RuntimeError(str(response["error"]))
    result = response.get("result", {})
    if "exceptionDetails" in result:
        return JavascriptError(result)
    code, data = json.loads(result["result"]["value"])
    if code:
        return KaleidoError(code, data)
    return data.encode("utf-8") if drawing.format == "svg" else base64.b64decode(data)


async def draw_with_page(exporter: Exporter, page, drawings: list[Drawing], progress: Progress) -> list:
    """Draw every drawing with kaleido's `page` in one Chromium session: one tab per core, taking the next figure."""
    import kaleido

    try:
        session = kaleido.Kaleido(
            n=tab_count(len(drawings)), page_generator=page, timeout=RENDER_TIMEOUT_S, path=exporter.browser
        )
        await session.open()
    except Exception as error:  # noqa: BLE001 (whatever stops Chromium from starting is reported as one line)
        raise BrowserFailed(exporter_message(error)) from None

    results: list = [None] * len(drawings)
    todo = list(reversed(range(len(drawings))))  # popped from the end: drawn in order

    async def work(tab) -> None:
        while todo:
            index = todo.pop()
            drawing = drawings[index]
            try:
                params = {
                    "functionDeclaration": RENDER,
                    "arguments": [{"value": spec_json(drawing)}],
                    "executionContextId": tab._current_js_id,  # noqa: SLF001 (the page's context, as calc_fig uses)
                    "awaitPromise": True,
                    "returnByValue": True,
                }
                response = await asyncio.wait_for(
                    tab.tab.send_command("Runtime.callFunctionOn", params=params), RENDER_TIMEOUT_S
                )
                results[index] = decode(drawing, response)
            except Exception as error:  # noqa: BLE001 (reported with the chart's file and line)
                results[index] = error
            progress.advance()

    try:
        tabs = []
        while not session.tabs_ready.empty():
            tabs.append(session.tabs_ready.get_nowait())
        await asyncio.gather(*(work(tab) for tab in tabs))
        return results
    finally:
        await session.close()


def run_in_thread(coroutine, timeout: float | None = None):
    """Run a coroutine to completion on a fresh event loop in its own thread (a caller's loop may be running).

    After `timeout` seconds the thread is left behind (a daemon: it never holds the build's exit) and
    SessionStuck is raised: a Chromium session that stops answering must not hang a build.
    """
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 (handed back to the caller's thread)
            result["error"] = error

    thread = threading.Thread(target=target, name="chart-images", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise SessionStuck(f"Chromium stopped answering after {timeout:.0f} s")
    if "error" in result:
        raise result["error"]
    return result["value"]


class SessionStuck(Exception):
    """A Chromium session that stopped answering."""


class QuietLoggers:
    """Keep the exporter's own log lines out of the build's log while it draws (its failures are reported here)."""

    def __enter__(self):
        self.saved = {}
        for name in QUIET_LOGGERS:
            logger = logging.getLogger(name)
            self.saved[name] = (logger.level, logger.propagate)
            logger.setLevel(logging.CRITICAL + 1)
            logger.propagate = False
        return self

    def __exit__(self, *exc):
        for name, (level, propagate) in self.saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.propagate = propagate


@dataclass
class DrawReport:
    """What `draw_all` did: images written, drawn by Chromium, taken from the cache, and seconds spent drawing."""

    written: int = 0
    drawn: int = 0
    cached: int = 0
    draw_seconds: float = 0.0


def draw_all(
    drawings: Iterable[Drawing],
    exporter: Exporter,
    cache: ImageCache,
    output: Path,
    progress: bool | None = None,
    draw: Callable | None = None,
) -> DrawReport:
    """Write every drawing into `output`: from the cache, else drawn in one Chromium session.

    The cache keeps finished images (stable ids, dark-mode style): a warm build only reads and
    writes files. Raises StatsError naming each chart whose drawing failed (with the exporter's
    message), or BrowserFailed when Chromium cannot start. `draw` replaces the Chromium session (tests).
    """
    drawings = list(drawings)
    report = DrawReport()
    missing: dict[str, Drawing] = {}  # one drawing per key: the same image twice is drawn once
    keys = [exporter.key(d) for d in drawings]
    for drawing, key in zip(drawings, keys, strict=True):
        if key not in missing and not cache.has(key, drawing.format):
            missing[key] = drawing
    report.cached = len(set(keys) - set(missing))
    if missing:
        todo = list(missing.values())
        bar = Progress(len(todo), sys.stdout.isatty() if progress is None else progress)
        started = time.perf_counter()
        try:
            with QuietLoggers():
                results = (draw or default_draw)(exporter, todo, bar)
        finally:
            bar.stop()
        report.draw_seconds = time.perf_counter() - started
        failures = []
        for key, drawing, result in zip(missing, todo, results, strict=True):
            if isinstance(result, BaseException):
                failures.append(
                    StatsError(
                        drawing.path,
                        drawing.line,
                        1,
                        f"this chart could not be drawn as an image ({exporter_message(result)})",
                        "check the chart block; the build drew no image of it",
                    )
                )
            else:
                cache.put(key, drawing.format, finish(drawing, result))
                report.drawn += 1
        if failures:
            raise failures[0] if len(failures) == 1 else StatsErrors(failures)
    for drawing, key in zip(drawings, keys, strict=True):
        cache.publish(key, drawing.format, output / drawing.target)
        report.written += 1
    return report


def default_draw(exporter: Exporter, drawings: list[Drawing], progress: Progress) -> list:
    """Draw with kaleido in one Chromium session, from a thread of its own; once more in a fresh one if it hangs.

    A session of Debian's Chromium has been seen to stop answering (rarely, under load): the
    watchdog allows a generous 60 s plus 5 s an image (they take about 0.05 s), then retries.
    """
    timeout = SESSION_TIMEOUT_S + IMAGE_TIMEOUT_S * len(drawings)
    for attempt in (1, 2):
        try:
            return run_in_thread(draw_in_session(exporter, drawings, progress), timeout)
        except SessionStuck as stuck:
            if attempt == 2:
                raise BrowserFailed(f"{stuck}, twice") from None
    raise AssertionError("unreachable")
