"""Serve a built site on localhost as README's nginx block does: precompressed copies and the headers per path."""

from __future__ import annotations

import contextlib
import functools
import http.server
import mimetypes
import os
import socket
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from campaign_site.plugin import CONTENT_SECURITY_POLICY, SEARCH_CONTENT_SECURITY_POLICY

# The same rules as README's server block ("Serving"): every page refuses to be framed,
# except the chart embeds, which other sites may frame; SVG files are sandboxed documents.
# The search page and Pagefind's files (its Web Worker compiles WebAssembly under its own
# response header) alone may run WebAssembly: 'wasm-unsafe-eval'.
EMBED_PREFIX = "/transparence/graphique/"
SEARCH_PREFIXES = ("/recherche/", "/pagefind/")
REFUSE_FRAMING = f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'none'"
SEARCH_POLICY = f"{SEARCH_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'"
ALLOW_FRAMING = f"{CONTENT_SECURITY_POLICY}; frame-ancestors *"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
ENCODINGS = ((".br", "br"), (".gz", "gzip"))  # preferred first, as brotli_static then gzip_static
TYPES = {".csv": "text/csv; charset=utf-8", ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml"}


def headers_for(path: str) -> dict[str, str]:
    """Return the security and cache headers README's nginx block sends for a URL path."""
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}
    if path.startswith("/theme/"):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return headers
    headers["Cache-Control"] = "no-cache"
    if path.endswith(".svg"):
        headers["Content-Security-Policy"] = SVG_POLICY
    elif path.startswith(EMBED_PREFIX):
        headers["Content-Security-Policy"] = ALLOW_FRAMING
    elif path.startswith(SEARCH_PREFIXES):
        headers["Content-Security-Policy"] = SEARCH_POLICY
    else:
        headers["Content-Security-Policy"] = REFUSE_FRAMING
    return headers


class PrecompressedHandler(http.server.SimpleHTTPRequestHandler):
    """Serve `foo.br` or `foo.gz` for `foo` when the client accepts it, with the headers of `headers_for`."""

    def log_message(self, *args):
        """Stay quiet."""

    def send_head(self):
        """Answer with the best precompressed copy of the file, else the file itself."""
        url_path = unquote(urlsplit(self.path).path)
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # redirect to the folder's URL
            local = local / "index.html"
        if not local.is_file():
            self.send_error(404, "File not found")
            return None
        accepted = self.headers.get("Accept-Encoding", "")
        body, encoding = local, None
        for suffix, name in ENCODINGS:
            candidate = Path(f"{local}{suffix}")
            if name in accepted and candidate.is_file():
                body, encoding = candidate, name
                break
        handle = open(body, "rb")  # noqa: SIM115 (SimpleHTTPRequestHandler closes it after copying)
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(local.suffix) or self.guess_type(str(local)))
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        for name, value in headers_for(url_path).items():
            self.send_header(name, value)
        self.end_headers()
        return handle


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now (to build a site for it before serving)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(folder: Path, port: int = 0):
    """Serve `folder` on 127.0.0.1 in a thread for the block; yield its base URL."""
    mimetypes.add_type("text/csv", ".csv")
    handler = functools.partial(PrecompressedHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
