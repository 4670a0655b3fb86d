"""Serve a folder on localhost for the tests and the benchmark: a quiet, threaded static server."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from pathlib import Path


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now (for a server the caller starts on it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request, adding the server's extra response headers."""

    def __init__(self, *args, headers: dict[str, str] | None = None, **kwargs):
        self.extra_headers = dict(headers or {})
        super().__init__(*args, **kwargs)  # handles the request: the headers must be set first

    def end_headers(self):
        """Add the extra headers to every response."""
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        """Stay quiet."""


class StaticServer:
    """Serve `folder` on 127.0.0.1 at a free port from a background thread; `url` is its base URL.

    Use it as a context manager (`with StaticServer(folder) as server: server.url`), or call
    start() and stop(). `headers` are added to every response (a Content-Security-Policy, say).
    """

    def __init__(self, folder: Path | str, headers: dict[str, str] | None = None):
        handler = functools.partial(QuietHandler, directory=str(folder), headers=headers)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> StaticServer:
        """Start answering requests; return self."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and free the port."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
