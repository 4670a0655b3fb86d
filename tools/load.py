"""Load test: Debian's nginx with deploy/nginx.conf serving the demo build, under wrk, also while the site is rebuilt.

`measure()` builds the demo site with the publish settings (for a local address, with its
.br/.gz copies), serves it with tools/nginx.py and runs wrk (Debian's package) against its
pages and assets: first steady (`clients` connections for `seconds`), then again while the
site is rebuilt and swapped `swaps` times (tools/sitebuild: a build in a temporary folder,
swapped in with renameat2), alternating with a build whose stylesheet changed, so its pages
name another hashed CSS. Meanwhile checker threads read pages like a browser: each page, then
at once every file it uses; a page whose files are not all of one build, or a file missing,
is a problem. Errors are counted, never timed: the budget is zero. `python -m tools.load`
prints the figures; `invoke bench` calls `report_lines`.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tools import sitebuild
from tools.nginx import NginxServer, free_port
from tools.postprocess import precompress

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SEED_PEAK_VISITS_A_DAY = 10_000  # the seed's blog at its peak: about 10 000 visits a day
REQUESTS_PER_VISIT = 12  # a page, its CSS, JS, favicon and chart images, for a first visit
HASHED = re.compile(r"/theme/.+\.[0-9a-f]{10}\.[a-z0-9]+$")
REFERENCE = re.compile(r'(?:href|src)="([^"#]+)"')
WRK_SCRIPT = """-- written by tools/load.py: every path in turn, as a browser asks (brotli or gzip)
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "br, gzip"})
end
"""


class LoadFailed(Exception):
    """The load test could not run (no wrk, no nginx, a build failed)."""


@dataclass
class WrkResult:
    """What wrk measured: requests, seconds, latency percentiles (ms) and errors (non-2xx/3xx and socket errors)."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    detail: str

    @property
    def per_second(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Consistency:
    """What the checker threads saw: pages read, the files they use fetched, and any problem."""

    pages: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    builds_seen: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def duration_ms(text: str) -> float:
    """Convert one of wrk's durations (`812.00us`, `1.20ms`, `2.01s`) to milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> WrkResult:
    """Read wrk's report (with --latency)."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not done:
        raise LoadFailed(f"wrk gave no result: {' '.join(output.split())[-300:]}")
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.MULTILINE))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    detail = ", ".join(filter(None, [socket_errors and socket_errors.group(0), non_2xx and non_2xx.group(0)]))
    return WrkResult(
        requests=int(done.group(1)),
        seconds=duration_ms(done.group(2) + done.group(3)) / 1000,
        p50_ms=duration_ms(percentiles["50"]),
        p99_ms=duration_ms(percentiles["99"]),
        errors=errors,
        detail=detail or "none",
    )


def site_paths(folder: Path) -> list[str]:
    """Return the URL paths readers ask for: every page (as its folder URL), hashed asset, image and download."""
    paths = []
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if not path.is_file() or key.endswith((".br", ".gz")) or any(p.startswith(".") for p in key.split("/")):
            continue
        if key.startswith("theme/") and not HASHED.search("/" + key):
            continue  # the unhashed copies under /theme/: no page uses them
        paths.append("/" + (key.removesuffix("index.html") if key.endswith("index.html") else key))
    return paths


def run_wrk(url: str, paths: list[str], clients: int, seconds: int, script: Path, stop: threading.Event | None = None):
    """Run wrk for `seconds` (or until `stop` is set, then interrupt it as Ctrl-C would) and parse its report."""
    if not Path(WRK).exists():
        raise LoadFailed("wrk is missing — run `python3 bootstrap.py bench` (Debian: apt-get install wrk)")
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths), encoding="utf-8")
    threads = max(1, min(2, clients))
    command = [WRK, f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if stop is not None:
        watcher = threading.Thread(target=lambda: stop.wait() and process.poll() is None and process.send_signal(2))
        watcher.daemon = True
        watcher.start()
    output, _ = process.communicate(timeout=seconds + 120)
    return parse_wrk(output)


def build(output: Path, site_url: str, cache: Path, theme: Path | None = None, builds: dict | None = None) -> None:
    """Build the demo site with the publish settings for `site_url` and swap it in for `output` (tools/sitebuild).

    The build keeps the previous build's own hashed theme files (tools/sitebuild.carry_over_assets):
    a reader who got a page just before the swap still gets the stylesheet and scripts it names.
    """
    overrides = {"SITEURL": site_url, "FEED_DOMAIN": site_url, "CACHE_PATH": str(cache / "pelican")}
    if theme is not None:
        overrides["THEME"] = str(theme)

    def postprocess(staging: Path) -> None:
        precompress(staging, cache_dir=cache / "precompressed")
        if builds is not None:
            builds.update(build_files(staging))  # the build's own files, before the kept ones join them

    sitebuild.build(ROOT / "publishconf.py", output, overrides=overrides, postprocess=postprocess)


def restyled_theme(folder: Path) -> Path:
    """Return a copy of the theme whose stylesheet differs by a comment: its pages name another hashed CSS."""
    theme = shutil.copytree(ROOT / "theme", folder / "theme-b")
    css = theme / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* the other build */\n", encoding="utf-8")
    return theme


def build_files(folder: Path) -> dict[str, set[str]]:
    """Return, by the hashed stylesheet its home page names, the set of URL paths of a build's files."""
    files = {"/" + p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    home = (folder / "index.html").read_text(encoding="utf-8")
    css = re.search(r"/theme/css/site\.[0-9a-f]{10}\.css", home).group(0)
    return {css: files}


def check_pages(url: str, pages: list[str], stop: threading.Event, builds: dict[str, set[str]], seen: Consistency):
    """Read pages like a browser until `stop`: each page, then every file it uses; record what is wrong."""
    host = urlsplit(url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    index = 0
    while not stop.is_set():
        page = pages[index % len(pages)]
        index += 1
        try:
            connection.request("GET", page)
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            if response.status != 200:
                problem = f"{page}: {response.status}"
                uses = []
            else:
                uses = sorted(local_references(url, page, body))
                problem = ""
            css = [u for u in uses if re.fullmatch(r"/theme/css/site\.[0-9a-f]{10}\.css", u)]
            own = builds.get(css[0]) if css else None
            if not problem and own is None:
                problem = f"{page}: names no stylesheet of a known build ({css})"
            elif not problem:
                foreign = [u for u in uses if HASHED.search(u) and u not in own]
                problem = f"{page}: uses files of another build: {foreign}" if foreign else ""
            fetched = 0
            for use in uses if not problem else []:
                connection.request("GET", use, headers={"Accept-Encoding": "br, gzip"})
                reply = connection.getresponse()
                reply.read()
                fetched += 1
                if reply.status != 200:
                    problem = f"{page} uses {use}: {reply.status}"
                    break
        except (OSError, http.client.HTTPException) as error:
            problem = f"{page}: {error!r}"
            connection.close()
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
            fetched = 0
        with seen.lock:
            seen.pages += 1
            seen.files += fetched
            if css:
                seen.builds_seen.add(css[0])
            if problem:
                seen.problems.append(problem)
    connection.close()


def local_references(url: str, page: str, body: str) -> set[str]:
    """Return the same-site files a page uses: stylesheets, scripts, icons, images (not links to other pages)."""
    base = url + page
    used = set()
    for match in re.finditer(r"<(link|script|img|source)\b[^>]*>", body):
        tag = match.group(0)
        if match.group(1) == "link" and not re.search(r'rel="[^"]*(stylesheet|icon)', tag):
            continue
        for ref in REFERENCE.findall(tag):
            absolute = urljoin(base, ref)
            if absolute.startswith(url + "/"):
                used.add(unquote(urlsplit(absolute).path))
    return used


@dataclass
class LoadResult:
    """The steady load, the load during rebuilds, and what the checkers saw during rebuilds."""

    steady: WrkResult | None
    swapping: WrkResult
    swaps: int
    consistency: Consistency
    clients: int
    paths: int


def measure(clients=100, seconds=20, swaps=2, checkers=2, steady=True, work: Path | None = None, log=print):
    """Build, serve with nginx, load with wrk (steady, then while rebuilding and swapping `swaps` times)."""
    with tempfile.TemporaryDirectory(prefix="load-", dir=work) as tmp:
        tmp = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        served = tmp / "served" / "output"
        log("Building the demo site (publish settings) twice: as it is, and with another stylesheet…")
        theme_b = restyled_theme(tmp)
        builds: dict[str, set[str]] = {}
        build(served, url, tmp / "cache", theme_b, builds)
        build(served, url, tmp / "cache", None, builds)  # build A is served first
        paths = site_paths(served)
        pages = [p for p in paths if p.endswith("/")]
        with NginxServer(served, port):
            result_steady = None
            if steady:
                log(f"wrk: {clients} clients for {seconds} s over {len(paths)} paths…")
                result_steady = run_wrk(url, paths, clients, seconds, tmp / "paths.lua")
            log(f"wrk again while the site is rebuilt and swapped {swaps} times, {checkers} checkers reading pages…")
            stop, seen = threading.Event(), Consistency()
            threads = [
                threading.Thread(target=check_pages, args=(url, pages[i:] + pages[:i], stop, builds, seen))
                for i in range(checkers)
            ]
            for thread in threads:
                thread.start()
            outcome = {}
            loader = threading.Thread(
                target=lambda: outcome.update(wrk=run_wrk(url, paths, clients, 3600, tmp / "p2.lua", stop))
            )
            loader.start()
            done = 0
            try:
                for number in range(swaps):
                    build(served, url, tmp / "cache", theme_b if number % 2 == 0 else None, builds)
                    done += 1
                    log(f"  swap {done} of {swaps}")
            finally:
                stop.set()
                loader.join()
                for thread in threads:
                    thread.join()
            if "wrk" not in outcome:
                raise LoadFailed("wrk did not report during the rebuilds")
            return LoadResult(result_steady, outcome["wrk"], done, seen, clients, len(paths))


def spaced(number: float) -> str:
    """Return a whole number with its thousands spaced, as French prints them: 10 000."""
    return f"{number:,.0f}".replace(",", " ")


def report_lines(result: LoadResult) -> list[str]:
    """Return the figures, beside the seed's peak, with the verdict against the budget (zero errors)."""
    peak_rps = SEED_PEAK_VISITS_A_DAY * REQUESTS_PER_VISIT / 86_400
    lines = []
    for name, wrk in (("steady", result.steady), ("while rebuilt and swapped", result.swapping)):
        if wrk is None:
            continue
        lines.append(
            f"Load, nginx + wrk, {result.clients} clients over {result.paths} paths, {name}: "
            f"{spaced(wrk.per_second)} req/s ({spaced(wrk.requests)} in {wrk.seconds:.1f} s), p50 {wrk.p50_ms:.2f} ms, "
            f"p99 {wrk.p99_ms:.2f} ms, errors {wrk.errors} ({wrk.detail}) — budget 0 errors: "
            f"{'ok' if wrk.errors == 0 else 'OVER'}"
        )
    seen = result.consistency
    lines.append(
        f"During {result.swaps} swaps: {seen.pages} pages read with the {seen.files} files they use, "
        f"{len(seen.builds_seen)} builds seen, {len(seen.problems)} problems"
        + (f" (first: {seen.problems[0]})" if seen.problems else "")
        + f" — {'ok' if not seen.problems else 'OVER'}"
    )
    best = result.steady or result.swapping
    lines.append(
        f"The seed's peak, about {spaced(SEED_PEAK_VISITS_A_DAY)} visits a day at {REQUESTS_PER_VISIT} requests a "
        f"visit, is {peak_rps:.1f} req/s on average: {spaced(best.per_second / peak_rps)}× less than measured here "
        f"(at that rate, {spaced(best.per_second * 86_400 / REQUESTS_PER_VISIT)} visits a day)."
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the load figures: `python -m tools.load [CLIENTS SECONDS SWAPS]`."""
    args = [int(a) for a in (sys.argv[1:] if argv is None else argv)]
    clients, seconds, swaps = (args + [100, 20, 2][len(args) :])[:3]
    try:
        result = measure(clients=clients, seconds=seconds, swaps=swaps)
    except (LoadFailed, sitebuild.BuildFailed) as error:
        print(f"load: {error}", file=sys.stderr)
        return 1
    print("\n".join(report_lines(result)))
    failed = (result.steady and result.steady.errors) or result.swapping.errors or result.consistency.problems
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
