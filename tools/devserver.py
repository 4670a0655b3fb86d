"""Serve the site on localhost, rebuild it when a source changes and reload the reader's browser.

Builds run in one long-lived process (`python -m tools.devserver --worker SETTINGS OUTPUT`): Python,
Pelican, the plugin and Chromium's exporter are loaded once, and Pelican's content cache re-reads
only the files that changed, so a save costs a build, not a start-up. The pages open in a browser
are written first, as soon as every generator has read the site (tools/preview.py), and the
browser reloads them while the rest of the build goes on; when the build is done, an open page
reloads again only if its bytes changed, or if chart images were drawn anew (they keep their
URLs). A newer save stops the build under way at its next file and starts again. A change under
plugins/ or tools/, or of a settings file, starts a fresh worker, so edited code counts. A failed
build keeps the last good site (early pages are put back); its problems are printed in the
terminal and shown in the page, over the site, until a good save replaces them.
"""

from __future__ import annotations

import functools
import json
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.preview import output_name

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("content", "theme", "stats")  # a build in the same worker
WATCHED_CODE = ("plugins", "tools", "pelicanconf.py", "publishconf.py")  # a build in a fresh worker
WATCH_STEP_MS = 30  # after a change, how long to wait for more before building (an editor may write twice)
RESULT = "@@build-result "  # the worker's answer, one line of JSON after this marker
SHOWN = "@@pages-written-first "  # the worker wrote the open pages early: one line of JSON
# Shown in the page after a failed build (a same-origin script: the site's policy allows no inline one).
STATUS_SCRIPT = """(function () {
  var problems = %s;
  if (!problems.length) return;
  var show = function () {
    var box = document.createElement('div');
    box.setAttribute('role', 'alert');
    box.id = 'build-failed';
    var s = box.style;
    s.position = 'fixed'; s.zIndex = '2147483647'; s.left = '0'; s.right = '0'; s.top = '0';
    s.maxHeight = '60vh'; s.overflow = 'auto'; s.padding = '1rem'; s.margin = '0';
    s.background = '#7f1d1d'; s.color = '#fff'; s.font = '14px/1.4 monospace'; s.whiteSpace = 'pre-wrap';
    box.textContent = 'Build failed: this is the last good site. Fix the problems and save again.\\n\\n'
      + problems.join('\\n');
    document.body.appendChild(box);
  };
  if (document.body) show(); else document.addEventListener('DOMContentLoaded', show);
})();
"""


@dataclass
class BuildStatus:
    """The last build's outcome: its problems (none when it built) and how long it took."""

    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    drew_images: bool = False  # chart images were drawn anew: an open page's images may have changed

    def script(self) -> str:
        """Return the script that shows the problems over the page, or does nothing."""
        return STATUS_SCRIPT % json.dumps(self.problems, ensure_ascii=False)


class Superseded(Exception):
    """A newer save came while this build was writing: it stops, and the newer one starts."""


def say(marker: str, answer: dict) -> None:
    """Write one answer line for the server."""
    print(marker + json.dumps(answer, ensure_ascii=False), flush=True)


def worker(settings: Path, output: Path) -> None:
    """Build for each request line on stdin (JSON: id, the URLs open in browsers); answer; stop at end of input."""
    Worker(Path(settings), Path(output), Requests(sys.stdin.fileno())).run()


class Worker:
    """The long-lived build process: one build per request, the open pages first, stopped by a newer request.

    While a build runs, the requests that arrive wait in `requests`: the build stops at its next
    file written (the newest request supersedes it and every older one still queued).
    """

    def __init__(self, settings: Path, output: Path, requests: Requests):
        from tools.postprocess import precompress

        self.settings, self.output, self.requests = settings, output, requests
        self.served = output.resolve()
        self.removals: list[subprocess.Popen] = []
        self.postprocess = functools.partial(
            precompress, cache_dir=ROOT / ".cache" / "precompressed", checkpoint=self.checkpoint
        )
        self.images = image_cache(settings)

    def run(self) -> None:
        """Build for each request until the end of input."""
        try:
            request = self.requests.get()
            while request is not None:
                while self.requests.waiting():  # older requests still queued are superseded unbuilt
                    say(RESULT, {"id": request["id"], "superseded": True})
                    request = self.requests.get()
                    if request is None:
                        return
                say(RESULT, self.build(request))
                request = self.requests.get()
        finally:
            for removal in self.removals:
                removal.wait()

    def build(self, request: dict) -> dict:
        """Build once, writing the request's open pages first; return the answer."""
        from tools import sitebuild
        from tools.preview import Preview

        self.removals[:] = [removal for removal in self.removals if removal.poll() is None]
        started = time.perf_counter()
        early = Preview(self.served, {output_name(url) for url in request.get("viewed", ())})

        def write_early(generators):
            pages = early.write(generators)
            if pages:
                say(SHOWN, {"id": request["id"], "pages": pages, "seconds": time.perf_counter() - started})

        answer = {"id": request["id"], "problems": []}
        kept_images = count_files(self.images)  # the image cache only grows: a new file is an image drawn anew
        try:
            sitebuild.build(
                self.settings,
                self.output,
                postprocess=self.postprocess,
                discard=self.discard,
                before_writing=write_early,
                checkpoint=self.checkpoint,
            )
        except Superseded:
            early.restore()
            return {"id": request["id"], "superseded": True}
        except sitebuild.BuildFailed as failure:
            answer["problems"] = failure.problems
        except Exception as error:  # noqa: BLE001 (a crash is one line here too; the worker keeps serving)
            answer["problems"] = [f"the build crashed: {' '.join(str(error).split()) or error.__class__.__name__}"]
        if answer["problems"]:
            early.restore()  # the site served stays the last good one
        answer["seconds"] = time.perf_counter() - started
        answer["drew_images"] = count_files(self.images) > kept_images
        return answer

    def checkpoint(self) -> None:
        """Stop the build under way when a newer request waits."""
        if self.requests.waiting():
            raise Superseded

    def discard(self, folder: Path) -> None:
        """Remove a previous output, or a stopped build's folder, in the background: the next build need not wait.

        `rm -rf` in a process of its own runs on the other core, without the builder's GIL
        (measured in `invoke bench`: the saves that stop a build under way went from 1.2–1.5 s to
        0.9–1.0 s from save to page shown).
        """
        from tools import sitebuild

        trash = sitebuild.trash_folder(self.served)
        folder.rename(trash)
        self.removals.append(subprocess.Popen(["rm", "-rf", "--", str(trash)]))


def image_cache(settings: Path) -> Path:
    """Return the folder of the finished chart images these settings keep."""
    from pelican.settings import read_settings

    from transparency_stats.settings import image_cache_folder

    return image_cache_folder(read_settings(str(settings)))


def count_files(folder: Path) -> int:
    """Return how many files are under `folder` (0 when it does not exist)."""
    return sum(len(files) for _, _, files in os.walk(folder))


class Requests:
    """The requests on the worker's input, one JSON line each, read without a thread.

    The build forks (precompression's process pool): a thread blocked reading stdin holds its
    lock, and a forked child that closes stdin would wait for it for ever (seen). So the input
    is polled with select() between files written.
    """

    def __init__(self, fd: int):
        self.fd, self.buffer, self.lines, self.ended = fd, b"", [], False

    def read(self, timeout: float | None) -> None:
        """Read what has arrived (waiting up to `timeout`; None: until something does)."""
        if self.ended or not select.select([self.fd], [], [], timeout)[0]:
            return
        data = os.read(self.fd, 65536)
        if not data:
            self.ended = True
        self.buffer += data
        *complete, self.buffer = self.buffer.split(b"\n")
        self.lines += [json.loads(line) for line in complete if line.strip()]

    def waiting(self) -> bool:
        """Tell whether a request (or the end of input) is waiting."""
        self.read(0)
        return bool(self.lines) or self.ended

    def get(self):
        """Return the next request, waiting for it; None at the end of input."""
        while not self.lines and not self.ended:
            self.read(None)
        return self.lines.pop(0) if self.lines else None


class Builder:
    """Build in a long-lived worker process; start a fresh one when code changed or the worker died.

    `request()` asks for a build and returns at once; `wait()` waits for its outcome; `build()`
    does both. `on_shown(note, pages)` is called when the worker has written the open pages early,
    `on_done(note, status)` when a build ends (status None: superseded by a newer request), each
    with the `note` its request was given.
    """

    def __init__(self, settings: Path, output: Path, cwd: Path = ROOT):
        self.settings, self.output, self.cwd = Path(settings), Path(output), Path(cwd)
        self.process: subprocess.Popen | None = None
        self.status = BuildStatus()
        self.builds = 0
        self.on_shown = lambda note, pages: None
        self.on_done = lambda note, status: None
        self.done: dict[int, BuildStatus | None] = {}  # request id → its outcome (None: superseded)
        self.notes: dict[int, object] = {}  # request id → its note, until it is done
        self.sent: dict[subprocess.Popen, set[int]] = {}  # worker → the requests it has not answered
        self.changed = threading.Condition()
        self.requests = 0

    def start(self) -> None:
        """Start a worker (stopping the previous one)."""
        self.stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.devserver", "--worker", str(self.settings), str(self.output)],
            cwd=self.cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.sent[self.process] = set()
        threading.Thread(target=self.listen, args=(self.process,), daemon=True).start()

    def stop(self) -> None:
        """Stop the worker: closing its input ends it."""
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def request(self, viewed=(), fresh: bool = False, note=None) -> int:
        """Ask for a build (in a fresh worker if asked) writing the pages open at `viewed` first; return its id."""
        if fresh or self.process is None or self.process.poll() is not None:
            self.start()
        self.requests += 1
        self.notes[self.requests] = note
        self.sent[self.process].add(self.requests)
        self.process.stdin.write(json.dumps({"id": self.requests, "viewed": list(viewed)}) + "\n")
        self.process.stdin.flush()
        return self.requests

    def wait(self, request: int) -> BuildStatus | None:
        """Wait for a build's outcome (None when a newer request superseded it)."""
        with self.changed:
            self.changed.wait_for(lambda: request in self.done)
            return self.done[request]

    def build(self, viewed=(), fresh: bool = False) -> BuildStatus:
        """Build once and wait for it; print the outcome; keep it for the page's status script."""
        return self.wait(self.request(viewed, fresh))

    def listen(self, process: subprocess.Popen) -> None:
        """Read a worker's answers until it stops; a worker that dies fails the requests it had."""
        for line in process.stdout:
            if line.startswith(SHOWN):
                shown = json.loads(line[len(SHOWN) :])
                self.status = BuildStatus()  # the page about to reload shows no old problem
                print(f"Open page(s) written first in {shown['seconds']:.2f} s: {', '.join(shown['pages'])}")
                self.on_shown(self.notes.get(shown["id"]), shown["pages"])
            elif line.startswith(RESULT):
                answer = json.loads(line[len(RESULT) :])
                self.sent[process].discard(answer["id"])
                self.finish(answer["id"], None if answer.get("superseded") else self.report(answer))
            else:
                print(line, end="")  # the build's own output (a notice, a progress line)
        process.wait()
        died = self.process is process  # else it was stopped for a fresh one: its requests are superseded
        stopped = {"problems": ["the build process stopped — see the lines above; save again to retry"], "seconds": 0}
        for request in sorted(self.sent.pop(process, ())):
            self.finish(request, self.report(stopped) if died else None)
        if died:
            self.process = None  # start a fresh one next time

    def finish(self, request: int, status: BuildStatus | None) -> None:
        """Record a request's outcome, wake whoever waits for it, and tell the server."""
        note = self.notes.pop(request, None)
        with self.changed:
            self.done[request] = status
            self.changed.notify_all()
        self.on_done(note, status)

    def report(self, answer: dict) -> BuildStatus:
        """Keep and print a build's outcome."""
        self.status = BuildStatus(answer["problems"], answer["seconds"], answer.get("drew_images", False))
        self.builds += 1
        if self.status.problems:
            for problem in self.status.problems:
                print(problem, file=sys.stderr)
            print(
                f"Build failed: {len(self.status.problems)} problem(s); the site shown is the last good one.",
                file=sys.stderr,
            )
        else:
            print(f"Built in {self.status.seconds:.1f} s.")
        return self.status


class Browsers:
    """The pages open in browsers (livereload.js tells each one's URL), and how to reload them."""

    def __init__(self):
        self.handlers: dict[object, str] = {}
        self.loop = None

    def open(self, handler, url: str, loop) -> None:
        self.handlers[handler] = url
        self.loop = loop

    def close(self, handler) -> None:
        self.handlers.pop(handler, None)

    def urls(self) -> list[str]:
        return sorted(set(self.handlers.values()))

    def reload(self) -> None:
        """Reload every open page (from any thread)."""
        if self.loop is not None:
            self.loop.add_callback(self.send_reload)

    def send_reload(self) -> None:
        message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
        for handler in list(self.handlers):
            try:
                handler.write_message(message)
            except Exception:  # noqa: BLE001 (a page that went away)
                self.handlers.pop(handler, None)
        print(f"Reloaded {len(self.handlers)} open page(s).")


def make_server(builder: Builder, browsers: Browsers):
    """Return livereload's server, injecting its script and the build status as same-origin files."""
    import livereload
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptInjector
    from livereload.watcher import Watcher
    from tornado import escape, ioloop, web

    class NoWatcher(Watcher):
        """livereload's own watcher, never started: the dev server's thread watches and reloads (`Rebuilds`)."""

        def start(self, callback):
            return True

    class BrowserHandler(LiveReloadHandler):
        """livereload's WebSocket, remembering the URL of the page at its other end."""

        def on_message(self, message):
            super().on_message(message)
            sent = escape.json_decode(message)
            if sent.get("command") == "info" and "url" in sent:
                browsers.open(self, sent["url"], ioloop.IOLoop.current())

        def on_close(self):
            super().on_close()
            browsers.close(self)

    class BuildStatusHandler(web.RequestHandler):
        """The script that shows the last build's problems over the page."""

        def get(self):
            self.set_header("Content-Type", "application/javascript; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.write(builder.status.script())

    class SameOriginScriptServer(livereload.Server):
        """livereload's server, injecting its browser script as a same-origin file instead of an inline script.

        Stock livereload puts an inline <script> before </head>: the site's Content-Security-Policy
        (`script-src 'self'`) blocks it, so the page never reloads (seen in Chromium: one violation,
        no reload). A `<script src="/livereload.js">` from this same server is allowed, and so is its
        WebSocket (`default-src 'self'`). The build status script is served the same way.
        """

        def application(self, port, host, liveport=None, debug=None, live_css=True):
            """Listen on host:port for the pages, livereload.js, the build status and the reload WebSocket."""
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css

            class SameOriginScript(LiveScriptInjector):
                script = (
                    f'<script src="/livereload.js?port={port}"></script><script src="/__build-status.js"></script>'
                ).encode()

            handlers = [
                (r"/livereload", BrowserHandler),
                (r"/livereload.js", LiveReloadJSHandler),
                (r"/__build-status.js", BuildStatusHandler),
                *self.get_web_handlers(SameOriginScript.script),
            ]
            web.Application(handlers=handlers, transforms=[SameOriginScript]).listen(port, address=host)

    return SameOriginScriptServer(watcher=NoWatcher())


class Rebuilds(threading.Thread):
    """Watch the sources; on a change, ask for a build with the open pages first, and reload them.

    Changes come from the kernel (inotify, through watchfiles, which Pelican's own
    `--autoreload` uses): no polling, and a save is seen within WATCH_STEP_MS. Each open page
    reloads once its new bytes are written (early, or by the finished build), and only if they
    changed; after a failed build it reloads to show the problems.
    """

    def __init__(self, builder: Builder, browsers: Browsers, output: Path, sources: list[Path], code: list[Path]):
        super().__init__(daemon=True)
        self.builder, self.browsers, self.output = builder, browsers, Path(output)
        self.sources, self.code = sources, code
        self.stop_event = threading.Event()
        builder.on_shown, builder.on_done = self.written_first, self.done

    def page_bytes(self, url: str) -> bytes | None:
        path = self.output / output_name(url)
        try:
            return path.read_bytes()
        except OSError:
            return None

    def run(self) -> None:
        import watchfiles

        watched = [path for path in [*self.sources, *self.code] if path.exists()]
        code = [path.resolve() for path in self.code]
        for changes in watchfiles.watch(*watched, step=WATCH_STEP_MS, stop_event=self.stop_event):
            changed = [Path(path).resolve() for _, path in changes]
            fresh = any(path == root or root in path.parents for path in changed for root in code)
            viewed = self.browsers.urls()
            # The request's note: each open page → the bytes it shows (updated when written early).
            shown = {url: self.page_bytes(url) for url in viewed}
            self.builder.request(viewed, fresh=fresh, note=shown)

    def written_first(self, shown: dict | None, pages: list[str]) -> None:
        for url in shown or {}:
            if output_name(url) in pages:
                shown[url] = self.page_bytes(url)
        self.browsers.reload()

    def done(self, shown: dict | None, status: BuildStatus | None) -> None:
        if status is None or shown is None:
            return  # superseded: the newer build reloads (or the first build: nobody to reload)
        # The images keep their URLs when a chart changes: after new ones, reload to show them.
        changed = any(self.page_bytes(url) != before for url, before in shown.items())
        if status.problems or changed or (status.drew_images and shown):
            self.browsers.reload()


def serve(settings: Path, output: Path, port: int, sources: Path = ROOT) -> None:
    """Build, then serve `output` at 127.0.0.1:port; on every change of a source, rebuild and reload the browser.

    `sources` holds the content, stats and theme folders watched (the project's; the benchmark's site).
    """
    builder = Builder(settings, output)
    builder.build()
    browsers = Browsers()
    server = make_server(builder, browsers)
    watched = [Path(sources) / name for name in WATCHED]
    rebuilds = Rebuilds(builder, browsers, output, watched, [ROOT / name for name in WATCHED_CODE] + [Path(settings)])
    rebuilds.start()
    try:
        # live_css=False: a changed stylesheet gets a new hashed name, so reload the whole page.
        server.serve(host="127.0.0.1", port=port, root=str(output), live_css=False)
    finally:
        rebuilds.stop_event.set()
        builder.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--serve"]:  # SETTINGS OUTPUT PORT SOURCES: the benchmark's edit loop
        serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
