#!/usr/bin/env python3
"""Set up everything on a fresh machine, then run an invoke task: `python3 bootstrap.py build|test|...`.

Needs only Python 3.11+. It creates `.venv/`, installs the pinned, hash-checked
dependencies (again only when a lock file changed), then the project itself in
editable mode (again only when a pyproject.toml or the packages changed): the site's
plugin and the stats plugin, a distribution of its own; for the tests it also installs the
pinned npm validators and Debian's Chromium, Java, nginx (with brotli_static),
openssh-server, rsync and wrk when they are missing and this user may install
them; for the build tasks, Chromium (it draws the chart images). Then it hands over to `invoke TASK`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
DEV_TASKS = {"test", "bench", "lock"}  # tasks that need requirements-dev.lock and the test tools
# Tasks that build the site: Chromium draws the chart images (kaleido). Publishing needs them; a
# development build without them still builds, charts then drawn by plotly.js in the browser.
BUILD_TASKS = {"build", "rebuild", "livereload", "preview", "publish"}
PUBLISH_TASKS = {"preview", "publish"}
APT_PACKAGES = {"chromium": "chromium", "java": "default-jre-headless", "npm": "npm"}
# What the serving and deploy tests run on loopback: Debian's nginx with the brotli_static module
# (deploy/nginx.conf), sshd, ssh and rsync (the rsync deploy); the benchmark's load tool, wrk.
# Each is checked by the file it installs (sbin folders are not on every user's PATH).
SERVER_PACKAGES = {
    "/usr/sbin/nginx": "nginx",
    "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so": "libnginx-mod-http-brotli-static",
    "/usr/sbin/sshd": "openssh-server",
    "/usr/bin/ssh": "openssh-client",
    "/usr/bin/ssh-keygen": "openssh-client",
    "/usr/bin/rsync": "rsync",
    "/usr/bin/wrk": "wrk",
}


def say(message: str) -> None:
    """Print a progress line."""
    print(f"bootstrap: {message}", flush=True)


def run(*command: str, **kwargs) -> None:
    """Run a command and stop with its exit code if it fails."""
    result = subprocess.run(command, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(f"bootstrap: `{' '.join(command)}` failed (exit {result.returncode}) — see the output above")


def files_digest(*files: Path) -> str:
    """Return one SHA-256 over the files' bytes."""
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()


def stamp_matches(name: str, *files: Path) -> bool:
    """Tell whether `files` are unchanged since the install recorded under `name`."""
    stamp = VENV / f".installed-{name}"
    return stamp.exists() and stamp.read_text() == files_digest(*files)


def record_stamp(name: str, *files: Path) -> None:
    """Remember that `files` are installed."""
    (VENV / f".installed-{name}").write_text(files_digest(*files))


def ensure_python_packages(with_dev: bool) -> None:
    """Create the virtual environment and install the locked packages."""
    if not (BIN / "python").exists():
        say("creating .venv/")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    locks = [ROOT / "requirements.lock"] + ([ROOT / "requirements-dev.lock"] if with_dev else [])
    name = "dev" if with_dev else "site"
    if stamp_matches(name, *locks):
        return
    say(f"installing pinned Python packages ({', '.join(p.name for p in locks)})")
    args = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes"]
    for lock in locks:
        args += ["-r", str(lock)]
    run(*args)
    record_stamp(name, *locks)


PLUGIN_DISTRIBUTION = ROOT / "plugins" / "transparency-stats"  # the stats plugin, a distribution of its own


def project_packages() -> list[str]:
    """Return the top-level packages the two distributions install: the site's plugins/, and the stats plugin's."""
    inits = [*ROOT.glob("plugins/*/__init__.py"), *PLUGIN_DISTRIBUTION.glob("*/__init__.py")]
    return sorted(init.parent.relative_to(ROOT).as_posix() for init in inits)


def ensure_project_installed() -> None:
    """Install the site (campaign_site) and the stats plugin in editable mode, so both import from anywhere."""
    stamp = VENV / ".installed-project"
    manifests = (ROOT / "pyproject.toml", PLUGIN_DISTRIBUTION / "pyproject.toml")
    state = files_digest(*manifests) + "\n" + "\n".join(project_packages())
    if stamp.exists() and stamp.read_text() == state:
        return
    say("installing the site and the stats plugin in editable mode (pyproject.toml)")
    # The build backend (setuptools) comes from requirements.lock: nothing unpinned is fetched.
    run(
        str(BIN / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--editable",
        ".",
        "--editable",
        str(PLUGIN_DISTRIBUTION),
    )
    stamp.write_text(state)


def apt_install(packages: list[str]) -> None:
    """Install Debian packages when we may; otherwise say what is missing."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(
            f"bootstrap: missing {', '.join(packages)} — install them with your package manager "
            f"(Debian: sudo apt-get install {' '.join(packages)}) and run this again"
        )
    say(f"installing {', '.join(packages)} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages, env=env, stdout=subprocess.DEVNULL)


def has_chromium() -> bool:
    """Tell whether a Chromium is there to draw the chart images (BROWSER_PATH, or on PATH)."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return os.path.isfile(chosen) and os.access(chosen, os.X_OK)
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))


def ensure_chromium(task: str) -> None:
    """Install Debian's Chromium for a build task when missing and we may; publishing cannot go without it."""
    if has_chromium():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        apt_install([APT_PACKAGES["chromium"]])
    elif task in PUBLISH_TASKS:
        sys.exit(
            "bootstrap: missing chromium, which draws the chart images and share cards of published pages — "
            "install it (Debian: sudo apt-get install chromium) or set BROWSER_PATH, and run this again"
        )
    else:
        say("chromium is missing: charts will have no images (Debian: sudo apt-get install chromium)")


def ensure_test_tools() -> None:
    """Install Chromium, Java (Nu HTML checker), nginx, sshd, rsync, wrk and the pinned npm validators."""
    missing = [pkg for tool, pkg in APT_PACKAGES.items() if not shutil.which(tool)]
    missing += [pkg for path, pkg in SERVER_PACKAGES.items() if not os.path.exists(path)]
    if missing:
        apt_install(sorted(set(missing)))
    if not stamp_matches("npm", ROOT / "package-lock.json") or not (ROOT / "node_modules").is_dir():
        say("installing pinned npm packages (npm ci)")
        run("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
        record_stamp("npm", ROOT / "package-lock.json")


def main(argv: list[str]) -> int:
    """Set up, then run `invoke` with the given task and arguments."""
    if sys.version_info < (3, 11):
        sys.exit("bootstrap: Python 3.11 or newer is needed — install it and run `python3 bootstrap.py` again")
    if not argv:
        sys.exit("bootstrap: say what to run, e.g. `python3 bootstrap.py build` or `python3 bootstrap.py test`")
    with_dev = argv[0] in DEV_TASKS
    ensure_python_packages(with_dev)
    ensure_project_installed()
    if with_dev:
        ensure_test_tools()
    elif argv[0] in BUILD_TASKS:
        ensure_chromium(argv[0])
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(VENV)}
    return subprocess.run([str(BIN / "invoke"), *argv], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
