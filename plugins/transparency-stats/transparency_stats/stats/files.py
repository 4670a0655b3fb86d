"""Find and read the files under `stats/` safely: no link out of the folder, no special file, bounded size."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from transparency_stats.errors import StatsError

from .yaml_nodes import MAX_BYTES

SNAPSHOT_SUFFIXES = (".yaml", ".yml")


def display_path(path: str | Path, display_root: str | Path) -> str:
    """Return a path as messages show it: relative to `display_root` (the project), with "/"; absolute when outside.

    The one way the plugin, the theme's checks and the build runner name files to volunteers.
    """
    absolute, root = os.path.abspath(path), os.path.abspath(display_root)
    if os.path.commonpath([absolute, root]) != root:  # perhaps the same place through a link: compare real paths
        absolute, root = os.path.realpath(path), os.path.realpath(display_root)
        if os.path.commonpath([absolute, root]) != root:
            return Path(os.path.abspath(path)).as_posix()
    return Path(os.path.relpath(absolute, root)).as_posix()


def real_folder(folder: Path, shown: str, what: str) -> Path:
    """Return the resolved `folder`, or raise if it is missing or not a folder."""
    if not folder.is_dir():
        raise StatsError(shown, 1, 1, f"missing {what}", f"create the folder {shown}/")
    return folder.resolve()


def resolve_inside(path: Path, root: Path, shown: str, missing: str, hint: str) -> Path:
    """Resolve `path`, refusing broken links and anything that leads outside `root`."""
    try:
        os.lstat(path)
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise StatsError(shown, 1, 1, missing if not os.path.islink(path) else "broken link", hint) from None
    except (OSError, RuntimeError) as error:
        raise StatsError(
            shown, 1, 1, f"cannot open this path ({error.__class__.__name__})", "replace it with a plain file"
        ) from None
    if not real.is_relative_to(root):
        raise StatsError(
            shown, 1, 1, "this link leads outside the stats folder", "replace the link with a copy of the file"
        )
    return real


def read_file(path: Path, root: Path, shown: str, missing: str, hint: str) -> bytes:
    """Read a regular file inside `root` once, at most MAX_BYTES + 1 bytes."""
    real = resolve_inside(path, root, shown, missing, hint)
    if not stat.S_ISREG(os.stat(real).st_mode):
        raise StatsError(shown, 1, 1, "not a regular file", "keep only plain files here")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(real, flags)
    except OSError as error:
        raise StatsError(shown, 1, 1, f"cannot read this file ({error.strerror})", "check its permissions") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise StatsError(shown, 1, 1, "not a regular file", "keep only plain files here")
        return file.read(MAX_BYTES + 1)


def snapshot_names(folder: Path, root: Path, shown: str) -> list[str]:
    """List the snapshot file names of `folder`, sorted."""
    real = resolve_inside(
        folder, root, shown, "missing snapshots folder", f"create the folder {shown}/ (it may stay empty)"
    )
    if not real.is_dir():
        raise StatsError(shown, 1, 1, "not a folder", f"{shown} must be a folder of snapshot files")
    names = sorted(name for name in os.listdir(real) if name.endswith(SNAPSHOT_SUFFIXES) and not name.startswith("."))
    for name in names:
        if not name.isprintable() or name != name.encode("utf-8", "replace").decode("utf-8"):
            raise StatsError(
                f"{shown}/{name!r}",
                1,
                1,
                "odd characters in this file name",
                "rename it with letters, digits and dashes, like 2016-12-23.yaml",
            )
    return names


def fingerprint(files: dict[str, bytes]) -> str:
    """Return the SHA-256 over every (path, bytes), in path order."""
    digest = hashlib.sha256()
    for path in sorted(files):
        for part in (path.encode("utf-8"), files[path]):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()
