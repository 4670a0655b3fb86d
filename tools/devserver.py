"""Serve the site on localhost, rebuild it when a source changes and reload the reader's browser.

Builds run in one long-lived process (`python -m tools.devserver --worker SETTINGS OUTPUT`): Python,
Pelican, the plugin and Chromium's exporter are loaded once, and Pelican's content cache re-reads
only the files that changed, so a save costs a build, not a start-up. A change under plugins/ or
tools/, or of a settings file, starts a fresh worker, so edited code counts. A failed build keeps
the last good site; its problems are printed in the terminal and shown in the page, over the site,
until a good save replaces them.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("content", "theme", "stats")  # a build in the same worker
WATCHED_CODE = ("plugins", "tools", "pelicanconf.py", "publishconf.py")  # a build in a fresh worker
POLL_MS = 200  # how often sources are checked (livereload's own poll waits 800 ms)
RESULT = "@@build-result "  # the worker's answer, one line of JSON after this marker
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

    def script(self) -> str:
        """Return the script that shows the problems over the page, or does nothing."""
        return STATUS_SCRIPT % json.dumps(self.problems, ensure_ascii=False)


def worker(settings: Path, output: Path) -> None:
    """Build each time a line arrives on stdin; answer one result line per build; stop at end of input."""
    from tools import sitebuild
    from tools.postprocess import precompress

    postprocess = functools.partial(precompress, cache_dir=ROOT / ".cache" / "precompressed")
    removals: list[threading.Thread] = []

    def discard(previous: Path) -> None:
        """Remove the previous output after answering: the browser need not wait for 10 000 deletions."""
        trash = previous.with_name(f"{previous.name}.trash")  # still a `.output.build-*` folder if never removed
        previous.rename(trash)
        removals.append(threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}))
        removals[-1].start()

    for _ in sys.stdin:
        for removal in removals:
            removal.join()  # the previous build's leftovers are gone before the next build
        removals.clear()
        started = time.perf_counter()
        try:
            sitebuild.build(settings, output, postprocess=postprocess, discard=discard)
            problems = []
        except sitebuild.BuildFailed as failure:
            problems = failure.problems
        except Exception as error:  # noqa: BLE001 (a crash is one line here too; the worker keeps serving)
            problems = [f"the build crashed: {' '.join(str(error).split()) or error.__class__.__name__}"]
        answer = {"problems": problems, "seconds": time.perf_counter() - started}
        print(RESULT + json.dumps(answer, ensure_ascii=False), flush=True)


class Builder:
    """Build in a long-lived worker process; start a fresh one when code changed or the worker died."""

    def __init__(self, settings: Path, output: Path, cwd: Path = ROOT):
        self.settings, self.output, self.cwd = Path(settings), Path(output), Path(cwd)
        self.process: subprocess.Popen | None = None
        self.status = BuildStatus()
        self.builds = 0

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

    def stop(self) -> None:
        """Stop the worker: closing its input ends it."""
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def build(self, fresh: bool = False) -> BuildStatus:
        """Build once (in a fresh worker if asked); print the outcome; keep it for the page's status script."""
        if fresh or self.process is None or self.process.poll() is not None:
            self.start()
        self.process.stdin.write("build\n")
        self.process.stdin.flush()
        answer = None
        for line in self.process.stdout:
            if line.startswith(RESULT):
                answer = json.loads(line[len(RESULT) :])
                break
            print(line, end="")  # the build's own output (a notice, a progress line)
        if answer is None:  # the worker died: say so, and start a fresh one next time
            answer = {"problems": ["the build process stopped — see the lines above; save again to retry"]}
            answer["seconds"] = 0.0
            self.process = None
        self.status = BuildStatus(answer["problems"], answer["seconds"])
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


def make_server(builder: Builder):
    """Return livereload's server, injecting its script and the build status as same-origin files."""
    import livereload
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptInjector
    from livereload.watcher import Watcher
    from tornado import ioloop, web

    class QuickWatcher(Watcher):
        """livereload's watcher, checking the sources every POLL_MS."""

        def start(self, callback):
            ioloop.PeriodicCallback(callback, POLL_MS).start()
            return True

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
                (r"/livereload", LiveReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler),
                (r"/__build-status.js", BuildStatusHandler),
                *self.get_web_handlers(SameOriginScript.script),
            ]
            web.Application(handlers=handlers, transforms=[SameOriginScript]).listen(port, address=host)

    return lambda: SameOriginScriptServer(watcher=QuickWatcher())


def serve(settings: Path, output: Path, port: int, sources: Path = ROOT) -> None:
    """Build, then serve `output` at 127.0.0.1:port; on every change of a source, rebuild and reload the browser.

    `sources` holds the content, stats and theme folders watched (the project's; the benchmark's site).
    """
    builder = Builder(settings, output)
    builder.build()
    server = make_server(builder)()
    for name in WATCHED:
        server.watch(str(Path(sources) / name), builder.build)
    for name in (*WATCHED_CODE, Path(settings)):
        server.watch(str(ROOT / name), functools.partial(builder.build, fresh=True))
    try:
        # live_css=False: a changed stylesheet gets a new hashed name, so reload the whole page.
        server.serve(host="127.0.0.1", port=port, root=str(output), live_css=False)
    finally:
        builder.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--serve"]:  # SETTINGS OUTPUT PORT SOURCES: the benchmark's edit loop
        serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
