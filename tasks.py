"""Tasks for the campaign blog: `invoke --list` shows them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
CACHE = ROOT / ".cache"
DEV_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
WATCHED = ["content", "theme", "plugins", "stats", "pelicanconf.py", "publishconf.py"]
sys.path.insert(0, str(ROOT))


def _build(settings: Path, output: Path = OUTPUT) -> None:
    """Build atomically with `settings`; stop the task with exit 1 if the build fails."""
    from tools import sitebuild

    if sitebuild.main([str(settings), str(output)]) != 0:
        raise Exit(code=1)


@task
def build(c):
    """Build the site with the development settings into output/ (fails on any warning)."""
    _build(DEV_SETTINGS)


@task
def clean(c):
    """Remove output/ and Pelican's content cache."""
    for path in (OUTPUT, CACHE):
        shutil.rmtree(path, ignore_errors=True)


@task(pre=[clean])
def rebuild(c):
    """Build from scratch: clean, then build."""
    _build(DEV_SETTINGS)


def _serve_forever(port: int) -> None:
    """Serve output/ on localhost only."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    RootedHTTPServer.allow_reuse_address = True
    server = RootedHTTPServer(str(OUTPUT), ("127.0.0.1", port), ComplexHTTPRequestHandler)
    print(f"Serving output/ at http://127.0.0.1:{port}/ — Ctrl-C to stop")
    server.serve_forever()


@task(help={"port": "port on 127.0.0.1 (default 8000)"})
def serve(c, port=8000):
    """Serve output/ at http://127.0.0.1:8000/ (localhost only)."""
    if not OUTPUT.is_dir():
        raise Exit("output/ does not exist — run `invoke build` first", code=1)
    _serve_forever(int(port))


def _source_state() -> dict[str, float]:
    """Return the modification time of every watched file."""
    state = {}
    for name in WATCHED:
        path = ROOT / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                state[str(file)] = file.stat().st_mtime_ns
    return state


@task(help={"port": "port on 127.0.0.1 (default 8000)"})
def livereload(c, port=8000):
    """Serve on localhost and rebuild when content/, theme/, plugins/, stats/ or the settings change."""
    from tools import sitebuild

    sitebuild.main([str(DEV_SETTINGS), str(OUTPUT)])
    threading.Thread(target=_serve_forever, args=(int(port),), daemon=True).start()
    state = _source_state()
    while True:
        time.sleep(1)
        current = _source_state()
        if current != state:
            state = current
            print("Change seen, rebuilding…")
            # A failed rebuild keeps the last good output/ and prints the problem.
            subprocess.run([sys.executable, "-m", "tools.sitebuild", str(DEV_SETTINGS), str(OUTPUT)], cwd=ROOT)


@task
def preview(c):
    """Build with the publish settings (absolute URLs, feeds) into output/."""
    _build(PUBLISH_SETTINGS)


def _deploy_settings() -> dict:
    """Read the deploy target from publishconf.py, the one place it is configured."""
    from pelican.settings import read_settings

    return read_settings(str(PUBLISH_SETTINGS))


def _deploy_rsync(target: str, folder: Path) -> None:
    """Copy the site over ssh; files switch over together at the end (--delay-updates)."""
    command = ["rsync", "-rlz", "--checksum", "--delete-after", "--delay-updates", f"{folder}/", target]
    if subprocess.run(command).returncode != 0:
        raise Exit("rsync failed — the server keeps its previous files; check the target and try again", code=1)


def _deploy_gh_pages(branch: str, folder: Path, push: bool) -> None:
    """Commit the site as the whole tree of `branch` in one commit, then push it."""
    env = {**os.environ, "GIT_INDEX_FILE": str(Path(tempfile.mkdtemp()) / "index")}

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise Exit(f"git {' '.join(args)} failed: {result.stderr.strip()}", code=1)
        return result.stdout.strip()

    git("--work-tree", str(folder), "add", "--all", "--force", ".")
    tree = git("write-tree")
    parent = subprocess.run(["git", "rev-parse", "--verify", "--quiet", branch], cwd=ROOT, capture_output=True, text=True)
    parents = ["-p", parent.stdout.strip()] if parent.returncode == 0 else []
    commit = git("commit-tree", tree, *parents, "-m", "Publish the site")
    git("update-ref", f"refs/heads/{branch}", commit)
    if push:
        git("push", "origin", branch)
    print(f"Published to branch {branch} ({commit[:10]}).")


@task(help={"dry_run": "build and check, but do not deploy"})
def publish(c, dry_run=False):
    """Build with the publish settings and deploy to the target set in publishconf.py; never after a failed build."""
    _build(PUBLISH_SETTINGS)  # raises Exit on failure: nothing is deployed
    if dry_run:
        print("Dry run: built output/, deployed nothing.")
        return
    settings = _deploy_settings()
    method = settings.get("DEPLOY_METHOD", "rsync")
    if method == "rsync":
        _deploy_rsync(settings["DEPLOY_RSYNC_TARGET"], OUTPUT)
    elif method == "gh-pages":
        _deploy_gh_pages(settings.get("DEPLOY_GH_PAGES_BRANCH", "gh-pages"), OUTPUT, settings.get("DEPLOY_GH_PAGES_PUSH", True))
    else:
        raise Exit(f"publishconf.py: unknown DEPLOY_METHOD {method!r} — use 'rsync' or 'gh-pages'", code=1)


SNAPSHOT_TEMPLATE = """\
# Relevé du {date}. Remplir, puis lancer `invoke build` : une erreur dit quoi corriger.
date: {date}
source: "À compléter : d'où viennent ces chiffres"
# url: https://exemple.fr/la-source
# note: Chiffres arrondis par les plateformes.
totals:
  # youtube.subscribers: 145000
  # twitter.followers: {{at_least: 900000}}
periods:
  # network.supporters.new:
  #   {month}: 12000
"""


@task(help={"date": "the day the figures were read, YYYY-MM-DD", "name": "file name without .yaml (default: the date)"})
def snapshot(c, date, name=""):
    """Start a new snapshot file in stats/snapshots/ (never overwrites an existing one)."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Exit(f"--date {date!r}: not a date — write it as YYYY-MM-DD, like 2017-01-05", code=1)
    path = ROOT / "stats" / "snapshots" / f"{name or day.isoformat()}.yaml"
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(SNAPSHOT_TEMPLATE.format(date=day.isoformat(), month=day.strftime("%Y-%m")))
    except FileExistsError:
        raise Exit(f"{path.relative_to(ROOT)}: already exists — published snapshots are never changed; pick another --name", code=1)
    print(f"Created {path.relative_to(ROOT)}: fill in the figures and the source.")


@task(help={"k": "only run tests matching this expression", "x": "stop at the first failure", "fast": "unit tests only: no whole-site build, no browser"})
def test(c, k="", x=False, fast=False):
    """Run the whole test suite (unit, build, browser and validator tests); --fast runs the unit tests only."""
    args = [sys.executable, "-m", "pytest"]
    if fast:
        args += ["-m", "not slow and not browser"]
    if k:
        args += ["-k", k]
    if x:
        args.append("-x")
    raise Exit(code=subprocess.run(args, cwd=ROOT).returncode)


@task(help={"posts": "number of posts", "charts": "chart blocks", "charted_posts": "posts holding them", "metrics": "metrics", "snapshots": "snapshots", "runs": "runs per figure (median)"})
def bench(c, posts=1000, charts=300, charted_posts=150, metrics=40, snapshots=200, runs=3):
    """Measure the stats plugin's costs against their budgets on a synthetic site."""
    from tools import bench as benchmark

    benchmark.main(posts=int(posts), charts=int(charts), charted_posts=int(charted_posts), metrics=int(metrics), snapshots=int(snapshots), runs=int(runs))


@task
def vendor(c):
    """Refresh theme/static/vendor/ (plotly.js, French locale) from the pinned npm packages."""
    from tools import vendor as vendoring

    c.run("npm ci --no-audit --no-fund --ignore-scripts --loglevel=error")
    for name, digest in vendoring.vendor().items():
        print(f"{digest}  {name}")


@task
def lock(c):
    """Re-pin the Python dependencies with hashes (requirements*.lock) from requirements*.in."""
    for source, target in (("requirements.in", "requirements.lock"), ("requirements-dev.in", "requirements-dev.lock")):
        c.run(f"uv pip compile --quiet --generate-hashes --python-version 3.11 {source} -o {target}")
