"""Run Debian's nginx on 127.0.0.1 with the repository's deploy/nginx.conf, for the tests and the benchmark.

`NginxServer(folder)` writes a wrapper configuration that loads the brotli_static module,
includes nginx's own MIME map and then deploy/nginx.conf itself, with only the lines marked
`# CHANGE` replaced (a free port on 127.0.0.1 instead of 443 and TLS, `folder` as the root),
starts nginx in the foreground as a child process and stops it on exit.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tools.serving import free_port

ROOT = Path(__file__).resolve().parent.parent
SITE_CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
MISSING = (
    "nginx or its brotli module is missing — run `python3 bootstrap.py test` "
    "(Debian: apt-get install nginx libnginx-mod-http-brotli-static)"
)
START_TIMEOUT_S = 20
CHANGE_LINE = re.compile(r"^\s*([a-z_]+)\s[^#]*;\s*# CHANGE")  # a directive whose trailing comment says to change it


class NginxFailed(Exception):
    """nginx refused the configuration or did not start."""


def available() -> bool:
    """Tell whether Debian's nginx and its brotli_static module are installed."""
    return Path(NGINX).exists() and BROTLI_MODULE.exists() and MIME_TYPES.exists()


def local_server_block(root: Path, port: int, text: str | None = None) -> str:
    """Return deploy/nginx.conf with its `# CHANGE` lines made local: 127.0.0.1:port, no TLS, `root` as the root."""
    lines = []
    for line in (text if text is not None else SITE_CONFIG.read_text(encoding="utf-8")).splitlines():
        marked = CHANGE_LINE.match(line)
        if not marked:
            lines.append(line)
            continue
        directive = marked.group(1)
        indent = line[: len(line) - len(line.lstrip())]
        if directive == "listen" and "[::]" not in line:
            lines.append(f"{indent}listen 127.0.0.1:{port};")
        elif directive == "root":
            lines.append(f'{indent}root "{root}";')
        elif directive in ("listen", "ssl_certificate", "ssl_certificate_key", "server_name"):
            continue  # IPv6, TLS and the public name have no place on loopback
        else:
            raise NginxFailed(f"{SITE_CONFIG}: a `# CHANGE` line tools/nginx.py does not know: {line.strip()}")
    return "\n".join(lines) + "\n"


def wrapper(prefix: Path, site: Path) -> str:
    """Return the main nginx.conf around the site's server block, everything in `prefix`."""
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers read the tests' private folders
    temp = "\n".join(
        f"    {name}_temp_path {prefix / 'temp' / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}load_module {BROTLI_MODULE};\n"
        "daemon off;\n"
        "worker_processes 2;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    tcp_nopush on;\n"
        "    keepalive_requests 100000;\n"
        "    access_log off;\n"
        f"{temp}\n"
        f"    include {site};\n"
        "}\n"
    )


class NginxServer:
    """Debian's nginx serving `folder` with deploy/nginx.conf on 127.0.0.1; `url` is its base URL.

    A context manager: `with NginxServer(folder) as server: server.url`.
    """

    def __init__(self, folder: Path | str, port: int = 0, config: str | None = None):
        if not available():
            raise NginxFailed(MISSING)
        self.folder = Path(folder).resolve()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_text = config
        self.prefix = Path(tempfile.mkdtemp(prefix="nginx-"))
        self.process: subprocess.Popen | None = None

    def write_config(self) -> Path:
        """Write the wrapper and the local server block into the prefix; return the wrapper's path."""
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "temp" / name).mkdir(parents=True, exist_ok=True)
        site = self.prefix / "site.conf"
        site.write_text(local_server_block(self.folder, self.port, self.config_text), encoding="utf-8")
        main = self.prefix / "nginx.conf"
        main.write_text(wrapper(self.prefix, site), encoding="utf-8")
        return main

    def check(self) -> None:
        """Run `nginx -t` on the configuration; raise NginxFailed with nginx's words if it refuses it."""
        main = self.write_config()
        result = subprocess.run(
            [NGINX, "-t", "-q", "-e", "stderr", "-p", str(self.prefix), "-c", str(main)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise NginxFailed(" ".join(result.stderr.split()))

    def start(self) -> NginxServer:
        """Check the configuration, start nginx and wait until it accepts connections."""
        self.check()
        main = self.prefix / "nginx.conf"
        self.process = subprocess.Popen(
            [NGINX, "-e", "stderr", "-p", str(self.prefix), "-c", str(main)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NginxFailed(f"nginx exited at start: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise NginxFailed(f"nginx did not listen on 127.0.0.1:{self.port} within {START_TIMEOUT_S} s")

    def errors(self) -> str:
        """Return what nginx wrote to its error log."""
        log = self.prefix / "error.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def stop(self) -> None:
        """Stop nginx (a quick shutdown) and remove its prefix."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> NginxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@contextlib.contextmanager
def serving(folder: Path | str, port: int = 0):
    """Serve `folder` with nginx and deploy/nginx.conf on 127.0.0.1 for the block; yield its base URL."""
    with NginxServer(folder, port) as server:
        yield server.url
