"""Tasks for the campaign blog: `invoke --list` shows them."""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
CACHE = ROOT / ".cache"
DEV_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"


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
def serve(c, port="8000"):
    """Serve output/ at http://127.0.0.1:8000/ (localhost only)."""
    number = _port(port)
    if not OUTPUT.is_dir():
        raise Exit("output/ does not exist — run `invoke build` first", code=1)
    _serve_forever(number)


@task(help={"port": "port on 127.0.0.1 (default 8000)"})
def livereload(c, port="8000"):
    """Serve on localhost; when content/, theme/, plugins/, stats/ or the settings change, rebuild and reload."""
    from tools import devserver

    devserver.serve(DEV_SETTINGS, OUTPUT, _port(port))


def _require_chromium(task_name: str) -> None:
    """Refuse to build for publishing without Chromium: published pages need their chart images and share cards."""
    from transparency_stats.media.images import NO_BROWSER, find_browser

    if find_browser() is None:
        raise Exit(f"invoke {task_name}: {NO_BROWSER}; published pages need them, so nothing was built", code=1)


@task
def preview(c):
    """Build with the publish settings (absolute URLs, feeds, chart images: needs Chromium) into output/."""
    _require_chromium("preview")
    _build(PUBLISH_SETTINGS)


def _deploy_settings() -> dict:
    """Read the deploy target from publishconf.py, the one place it is configured."""
    from pelican.settings import read_settings

    return read_settings(str(PUBLISH_SETTINGS))


def _deploy_gh_pages(branch: str, folder: Path, push: bool) -> None:
    """Commit the site as the whole tree of `branch`, one commit on top of the last one, with ghp-import; push it."""
    from ghp_import import GhpError, ghp_import

    def tip() -> str:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", branch], cwd=ROOT, capture_output=True, text=True
        )
        return result.stdout.strip()

    before = tip()
    try:
        with contextlib.chdir(ROOT):  # ghp-import works on the repository of the current folder
            ghp_import(str(folder), mesg="Publish the site", branch=branch, push=push)
    except GhpError as error:
        reason = " ".join(str(error.message).split())
        raise Exit(f"ghp-import: {reason} — nothing was published; fix it and publish again", code=1) from None
    except subprocess.CalledProcessError:
        raise Exit(
            f"git push origin {branch} failed — the site is committed on {branch}; push it again", code=1
        ) from None
    commit = tip()
    if not commit or commit == before:  # ghp-import only prints it when git fast-import fails
        raise Exit(f"ghp-import made no commit on {branch} — see git's message above; nothing was published", code=1)
    print(f"Published to branch {branch} ({commit[:10]}).")


def _share(text) -> float:
    """Return DEPLOY_MAX_DELETE_SHARE as a fraction, or stop with a one-line message."""
    try:
        share = float(text)
    except (TypeError, ValueError):
        share = -1.0
    if not 0 <= share <= 1:
        raise Exit(f"publishconf.py: DEPLOY_MAX_DELETE_SHARE {text!r} — give a fraction from 0 to 1, like 0.25", code=1)
    return share


def _gh_pages_dry_run(branch: str, folder: Path) -> None:
    """List the files a gh-pages commit would add, change or remove, comparing git blob ids with the branch's tip."""
    import hashlib

    listing = subprocess.run(["git", "ls-tree", "-r", branch], cwd=ROOT, capture_output=True, text=True)
    before = {}
    for line in listing.stdout.splitlines() if listing.returncode == 0 else []:
        meta, _, name = line.partition("\t")
        before[name] = meta.split()[2]
    after = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
            after[path.relative_to(folder).as_posix()] = blob
    changed = [name for name, blob in after.items() if before.get(name) != blob]
    gone = sorted(set(before) - set(after) - {".nojekyll"})
    for name in changed:
        print(f"commit: {name}")
    for name in gone:
        print(f"remove: {name}")
    print(f"{len(changed)} to commit, {len(gone)} to remove, {len(after) - len(changed)} unchanged on {branch}")


@task(
    help={
        "dry_run": "build, then list what the deploy would upload and delete, and deploy nothing",
        "force": "deploy even when it would delete more of the remote's files than DEPLOY_MAX_DELETE_SHARE allows",
    }
)
def publish(c, dry_run=False, force=False):
    """Build with the publish settings and deploy to the target set in publishconf.py; never after a failed build."""
    from tools import deploy

    _require_chromium("publish")
    settings = _deploy_settings()  # checked before building: a typo costs no build
    method = settings.get("DEPLOY_METHOD", "rsync")
    if method not in ("rsync", "s3", "gh-pages"):
        raise Exit(f"publishconf.py: unknown DEPLOY_METHOD {method!r} — use 'rsync', 's3' or 'gh-pages'", code=1)
    share = _share(settings.get("DEPLOY_MAX_DELETE_SHARE", deploy.DEFAULT_MAX_DELETE_SHARE))
    remote = settings.get("DEPLOY_S3_REMOTE", "")
    if method == "s3" and ":" not in remote:
        raise Exit(
            f"publishconf.py: DEPLOY_S3_REMOTE {remote!r} is not an rclone remote — set it like site:blog", code=1
        )
    _build(PUBLISH_SETTINGS)  # raises Exit on failure: nothing is deployed
    try:
        if method == "rsync":
            options = shlex.split(settings.get("DEPLOY_RSYNC_OPTIONS", ""))
            deploy.rsync(settings["DEPLOY_RSYNC_TARGET"], OUTPUT, dry_run=dry_run, options=options)
        elif method == "s3":
            deploy.s3(OUTPUT, remote, dry_run=dry_run, force=force, max_delete_share=share)
        else:
            branch = settings.get("DEPLOY_GH_PAGES_BRANCH", "gh-pages")
            if dry_run:
                _gh_pages_dry_run(branch, OUTPUT)
            else:
                _deploy_gh_pages(branch, OUTPUT, settings.get("DEPLOY_GH_PAGES_PUSH", True))
    except deploy.DeployFailed as error:
        raise Exit(f"invoke publish: {error}", code=1) from None
    if dry_run:
        print("Dry run: built output/, deployed nothing.")


@task(
    iterable=["set", "fall"],
    help={
        "date": "the day the figures were read, YYYY-MM-DD",
        "source": "where the figures come from (required with --set)",
        "url": "the source's address (optional)",
        "note": "a note published with the figures (optional)",
        "set": "a figure: METRIC=VALUE, METRIC>=VALUE (at least), METRIC~VALUE (about), METRIC:PERIOD=VALUE; repeat",
        "fall": "METRIC=REASON: a total that really fell, with the reason published beside it; repeat",
        "name": "file name without .yaml (default: the date)",
        "yes": "write even when a figure goes down, without asking",
    },
)
def snapshot(c, date="", source="", url="", note="", set=None, fall=None, name="", yes=False):  # noqa: A002
    """Record figures in a new snapshot, checked like a build (without --set: a template to fill in)."""
    from tools import authoring

    _exit(authoring.snapshot(ROOT, date, source, url, note, set or [], fall or [], name, yes))


@task(
    positional=["file"],
    help={
        "file": "the CSV file: columns date, metric, value, and optional bound, start, end",
        "source": "where the figures come from (required)",
        "url": "the source's address (optional)",
        "note": "a note published with the figures (optional)",
        "columns": "other column names, like date=Jour,metric=Indicateur,value=Valeur",
        "dry_run": "check and show what would be written, write nothing",
    },
)
def import_stats(c, file, source="", url="", note="", columns="", dry_run=False):
    """Import figures from a CSV file: one new snapshot per date, after checking every row."""
    from tools import authoring

    _help_if_asked(file, "import-stats")
    _exit(authoring.import_stats(ROOT, file, source, url, note, columns, dry_run))


@task(
    positional=["metric_id"],
    help={
        "metric_id": "the new metric's id: lowercase letters, digits, '.', '_' and '-', like instagram.followers",
        "label": "its label, shown on charts and tables",
        "kind": "total (a count read on a day) or period (a count over a period)",
        "platform": "groups it on the data page",
        "unit": "what is counted, like abonnés",
        "description": "what is counted, and how",
        "color": "its colour on charts, like #1d8fd6",
        "decimals": "digits allowed after the point (0 for people)",
    },
)
def metric(c, metric_id, label="", kind="", platform="", unit="", description="", color="", decimals="0"):
    """Add a metric to stats/metrics.yaml without reformatting the file."""
    from tools import authoring

    _help_if_asked(metric_id, "metric")
    _exit(authoring.metric(ROOT, metric_id, label, kind, platform, unit, description, color, decimals))


@task(
    help={
        "check": "validate every snapshot and chart block; exit 1 on any problem",
        "days": "warn when a metric has no figure for this many days (default 30)",
    }
)
def stats(c, check=False, days="30"):
    """One line per metric: latest figure, change, count and warnings; --check validates everything."""
    from tools import authoring

    _exit(authoring.stats(ROOT, check, days))


@task(
    positional=["title"],
    help={"title": "the post's title", "category": "its category (default: Campagne)", "tags": "comma-separated tags"},
)
def new_post(c, title, category="", tags=""):
    """Start a post as a draft in content/posts/ and print its path (never overwrites a file)."""
    from tools import authoring

    _help_if_asked(title, "new-post")
    _exit(authoring.new_post(ROOT, title, category, tags))


def _help_if_asked(value: str, name: str) -> None:
    """Show a task's help when its positional argument took `--help` (invoke gives it the next word)."""
    if value in ("--help", "-h"):
        raise Exit(code=subprocess.run([sys.executable, "-m", "invoke", "--help", name], cwd=ROOT).returncode)


def _port(text: str) -> int:
    """Return a port number (1024 to 65535), or stop with a one-line message. Options are strings: invoke would
    otherwise convert them itself and print a traceback for a typo."""
    if not str(text).isdigit() or not 1024 <= int(text) <= 65535:
        raise Exit(f"--port {text!r}: not a port — give a number from 1024 to 65535, like --port 8000", code=1)
    return int(text)


def _exit(code: int) -> None:
    """Stop the task with `code` when it is not 0."""
    if code:
        raise Exit(code=code)


@task(
    help={
        "k": "only run tests matching this expression",
        "x": "stop at the first failure",
        "fast": "unit tests only: no whole-site build, no browser",
    }
)
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


@task(
    help={
        "posts": "number of posts",
        "charts": "chart blocks",
        "charted_posts": "posts holding them",
        "metrics": "metrics",
        "snapshots": "snapshots",
        "runs": "runs per figure (median)",
        "only": "only these sections, comma-separated (builds, figure json, warm, bytes, scripts, browser, images, "
        "compression, edit loop, lighthouse, cached images)",
    }
)
def bench(c, posts=1000, charts=300, charted_posts=150, metrics=40, snapshots=200, runs=3, only=""):
    """Measure the site's costs against their budgets on a synthetic site, side by side in one run."""
    from tools import bench as benchmark

    benchmark.main(
        posts=int(posts),
        charts=int(charts),
        charted_posts=int(charted_posts),
        metrics=int(metrics),
        snapshots=int(snapshots),
        runs=int(runs),
        only=only,
    )


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
