"""Serve the site on localhost, rebuild it when a source changes and reload the reader's browser."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import livereload
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import web

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("content", "theme", "plugins", "stats", "pelicanconf.py", "publishconf.py")


class SameOriginScriptServer(livereload.Server):
    """livereload's server, injecting its browser script as a same-origin file instead of an inline script.

    Stock livereload puts an inline <script> before </head>: the site's Content-Security-Policy
    (`script-src 'self'`) blocks it, so the page never reloads (seen in Chromium: one violation,
    no reload). A `<script src="/livereload.js">` from this same server is allowed, and so is its
    WebSocket (`default-src 'self'`). Only the injected tag differs from `livereload.Server.application`.
    """

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        """Listen on host:port for the pages, livereload.js and the reload WebSocket."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class SameOriginScript(LiveScriptInjector):
            script = f'<script src="/livereload.js?port={port}"></script>'.encode()

        handlers = [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            *self.get_web_handlers(SameOriginScript.script),
        ]
        web.Application(handlers=handlers, transforms=[SameOriginScript]).listen(port, address=host)


def rebuild(settings: Path, output: Path) -> None:
    """Build in a fresh interpreter, so edited plugin code counts; a failed build keeps the last good output."""
    subprocess.run([sys.executable, "-m", "tools.sitebuild", str(settings), str(output)], cwd=ROOT)


def serve(settings: Path, output: Path, port: int) -> None:
    """Build, then serve `output` at 127.0.0.1:port; on every change of a source, rebuild and reload the browser."""
    build = functools.partial(rebuild, settings, output)
    build()
    server = SameOriginScriptServer()
    for name in WATCHED:
        server.watch(str(ROOT / name), build)
    # live_css=False: a changed stylesheet gets a new hashed name, so reload the whole page.
    server.serve(host="127.0.0.1", port=port, root=str(output), live_css=False)
