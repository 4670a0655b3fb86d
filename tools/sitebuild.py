"""Build the site strictly and atomically: any warning fails it, and output/ only changes on success."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from transparency_stats.stats.files import display_path

ROOT = Path(__file__).resolve().parent.parent

HASHED_ASSET = re.compile(r"^theme/.+\.[0-9a-f]{10}\.[a-z0-9]+(\.gz|\.br)?$")  # campaign_site's asset names
RENAME_EXCHANGE = 2  # Linux renameat2() flag: swap two paths in one step
AT_FDCWD = -100


# What to write when Pelican skips a post for a missing header field.
MISSING_FIELD = {
    "title": "add a line like 'Title: Mon billet' at the top of its header (an empty file has none)",
    "date": "add a line like 'Date: 2017-01-05 10:00' to its header,"
    " or start its file name with the date, like 2017-01-05-mon-billet.md",
}


class BuildFailed(Exception):
    """The build found problems; each is one line for the person who caused it."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ProblemCollector(logging.Handler):
    """Collect every warning and error Pelican or a plugin logs, as one line each."""

    def __init__(self, root: Path):
        super().__init__(level=logging.WARNING)
        self.root = root
        self.content_root = root  # Pelican names unreadable posts relative to its PATH
        self.problems: list[str] = []
        self.said_cache = False

    def emit(self, record: logging.LogRecord) -> None:
        """Turn a log record into a one-line problem naming the file."""
        if record.msg == "Could not process %s" and record.args:
            path = self.content_root / str(record.args[0])
            exc = record.exc_info[1] if record.exc_info else None
            self.problems.append(describe_read_failure(path, exc, self.root))
            return
        if record.msg.startswith("Skipping %s: could not find information about") and record.args:
            source = getattr(record.args[0], "source_path", None) or str(record.args[0])
            shown = display_path(Path(source), self.content_root.resolve().parent)
            field = record.args[1] if len(record.args) > 1 else "date"
            advice = MISSING_FIELD.get(field, MISSING_FIELD["date"])
            self.problems.append(f"{shown}:1:1: this post has no {field} — {advice}")
            return
        if record.msg.startswith("Cannot unpickle cache"):
            # Pelican could not read its content cache (written by older code, or with other
            # settings, like GZIP_CACHE) and reads every post afresh: a slower build, not a problem.
            if not self.said_cache:
                print("The content cache was written differently: the build reads every post afresh.", file=sys.stderr)
                self.said_cache = True
            return
        message = " ".join(record.getMessage().split())
        self.problems.append(message)


def describe_read_failure(path: Path, exc: BaseException | None, root: Path) -> str:
    """Explain why Pelican could not read a post, pointing at the line when possible."""
    from transparency_stats.errors import StatsError

    if isinstance(exc, StatsError):
        return str(exc)
    shown = display_path(path, root)
    reason = " ".join(str(exc).split()) if exc else "Pelican could not read it"
    line = find_offending_line(path, str(exc) if exc else "")
    return (
        f"{shown}:{line}:1: this post could not be read ({reason}) — "
        "check its header lines (Title:, Date: 2017-01-05, Category:, Tags:)"
    )


def find_offending_line(path: Path, reason: str) -> int:
    """Return the line of the metadata header that holds the value named in the error."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            break  # end of the metadata header
        key, _, value = text.partition(":")
        if value.strip() and value.strip() in reason:
            return number
    return 1


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step where the kernel allows it."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def replace_dir(new: Path, target: Path, discard=shutil.rmtree) -> None:
    """Put `new` in place of `target`; readers never see a missing or half-written folder.

    `discard` removes the previous output (a long-lived builder may do it after answering).
    """
    if not target.exists():
        new.rename(target)
        return
    if exchange(new, target):
        discard(new)  # `new` now holds the previous output
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    target.rename(old)
    new.rename(target)
    discard(old)


def remove_stale_builds(parent: Path, name: str) -> None:
    """Remove temporary folders left by builds that were killed half way, and trash other processes left.

    This process's own trash (`trash_folder`) is being removed in the background: left alone.
    """
    mine = f".{name}.trash-{os.getpid()}-"
    for stale in [*parent.glob(f".{name}.build-*"), *parent.glob(f".{name}.trash-*")]:
        if not stale.name.startswith(mine):
            shutil.rmtree(stale, ignore_errors=True)


def trash_folder(output_dir: Path) -> Path:
    """Return a new name beside the output for a folder to remove in the background (`.output.trash-PID-…`)."""
    prefix = f".{output_dir.name}.trash-{os.getpid()}-"
    return Path(tempfile.mktemp(prefix=prefix, dir=output_dir.parent))  # noqa: S306 (a clash fails the rename)


def run_pelican(
    settings_file: Path, output_dir: Path, overrides: dict | None = None, before_writing=None, checkpoint=None
) -> list[str]:
    """Run Pelican into `output_dir`; return the problems it logged.

    `before_writing(generators)` is called once every generator has read the site and every
    plugin has seen them, just before Pelican writes, when no problem was found so far.
    `checkpoint()` is called after each file written; it may raise to stop the build (a newer
    save supersedes it).
    """
    import pelican
    from pelican import signals
    from pelican.log import LimitFilter, console
    from pelican.settings import read_settings

    # Pelican drops a warning it has seen before in this process: start afresh,
    # so a second build (tests, livereload) still fails on it.
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()

    collector = ProblemCollector(ROOT)
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    quiet = logging.StreamHandler(sys.stderr)
    quiet.setLevel(logging.CRITICAL + 1)
    previous_level = root_logger.level
    root_logger.setLevel(logging.WARNING)
    # Pelican prints "Done: Processed …" even when we are about to fail the build: the
    # build runner says itself whether it built or failed.
    was_quiet, console.quiet = console.quiet, True

    generators = []

    def read_everything(found):
        generators[:] = found

    def about_to_write(_pelican):
        # Pelican asks for its writer after every generator has read, every plugin has seen
        # them (all_generators_finalized) and the summaries' links are updated.
        if before_writing is not None and generators and not collector.problems:
            before_writing(generators)

    def written(_path, context=None):
        checkpoint()

    signals.all_generators_finalized.connect(read_everything)
    signals.get_writer.connect(about_to_write)
    if checkpoint is not None:
        signals.content_written.connect(written)
    try:
        # DEBUG makes Pelican keep the exception of a post it could not read, so we can explain it.
        settings = read_settings(
            str(settings_file),
            override={**(overrides or {}), "OUTPUT_PATH": str(output_dir), "DEBUG": True},
        )
        collector.content_root = Path(settings["PATH"])
        try:
            pelican.Pelican(settings).run()
        except (ImportError, AttributeError) as error:
            if not written_by_older_code(error):
                raise
            # Pelican's content cache holds objects of the code that wrote it: after an update
            # that moved or renamed that code, it cannot be read. Build once without it.
            forget_content_cache(Path(settings["CACHE_PATH"]))
            print("The content cache was written by older code: the build starts afresh.", file=sys.stderr)
            collector.problems.clear()
            pelican.Pelican(settings).run()
    finally:
        signals.all_generators_finalized.disconnect(read_everything)
        signals.get_writer.disconnect(about_to_write)
        signals.content_written.disconnect(written)
        console.quiet = was_quiet
        root_logger.removeHandler(collector)
        root_logger.setLevel(previous_level)
    return collector.problems


def written_by_older_code(error: BaseException) -> bool:
    """Tell whether an import error came from unpickling Pelican's content cache (pelican/cache.py)."""
    import traceback

    return any(
        frame.filename.endswith(os.path.join("pelican", "cache.py"))
        for frame in traceback.extract_tb(error.__traceback__)
    )


def forget_content_cache(cache_path: Path) -> None:
    """Remove Pelican's content cache files (the chart images' cache, a folder beside them, stays)."""
    for entry in cache_path.glob("*"):
        if entry.is_file():
            entry.unlink()


def own_assets(folder: Path) -> list[str]:
    """Return a build's content-hashed theme files (and their compressed copies), relative to the folder."""
    theme = folder / "theme"
    found = (path.relative_to(folder).as_posix() for path in theme.rglob("*") if path.is_file())
    return sorted(name for name in found if HASHED_ASSET.search(name))


def carry_over_assets(previous: Path, staging: Path) -> int:
    """Keep the previous build's own hashed theme files one build longer; return how many were kept.

    A reader who got a page just before the swap asks for its stylesheet and scripts just
    after: they must still be there. Their names are content hashes, so they never clash
    with the new build's. Only the previous build's own files are kept (a list beside the
    output folder says which), never older ones: the output does not grow build after build.
    """
    record = asset_record(previous)
    kept = 0
    if record.is_file() and previous.is_dir():
        for name in record.read_text(encoding="utf-8").split():
            source, target = previous / name, staging / name
            if HASHED_ASSET.search(name) and source.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
                kept += 1
    return kept


def asset_record(output: Path) -> Path:
    """Return the file beside the output folder that lists its build's own hashed theme files."""
    return output.with_name(f".{output.name}.assets")


def build(
    settings_file: Path,
    output_dir: Path,
    overrides: dict | None = None,
    postprocess=None,
    search: bool = True,
    carry_assets: bool = True,
    discard=shutil.rmtree,
    before_writing=None,
    checkpoint=None,
) -> float:
    """Build into a fresh folder and swap it in; raise BuildFailed and leave output_dir alone on any problem.

    With `search` (always, but in the benchmark's measurements), the site is indexed for search
    (tools/search_index.py) as the last step of the build, before `postprocess` (precompression).
    With `carry_assets`, the previous output's own hashed theme files stay one build longer
    (`carry_over_assets`), so that pages served just before the swap keep their assets.
    `discard` removes the previous output once the new one is in place, and the new one when the
    build fails. `before_writing` and
    `checkpoint` are `run_pelican`'s (the dev server's early pages, and its newer saves);
    `checkpoint` is also called before each step after Pelican's.
    """
    step = checkpoint or (lambda: None)
    from tools.search_index import SearchIndexFailed, index_site
    from transparency_stats.errors import StatsError

    output_dir = Path(output_dir).resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(output_dir.parent, output_dir.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", dir=output_dir.parent))
    started = time.perf_counter()
    try:
        try:
            problems = run_pelican(settings_file, staging, overrides, before_writing, checkpoint)
        except StatsError as error:
            problems = [str(error)]
        if problems:
            raise BuildFailed(list(dict.fromkeys(problems)))
        step()
        if search:
            try:
                index_site(staging, checkpoint)
            except SearchIndexFailed as error:  # named by the folder readers know, not the temporary one
                raise BuildFailed([str(error).replace(str(staging), display_path(output_dir, ROOT))]) from None
        step()
        if postprocess is not None:
            postprocess(staging)
        step()
        if carry_assets:
            own = own_assets(staging)
            carry_over_assets(output_dir, staging)
        staging.chmod(0o755)
        replace_dir(staging, output_dir, discard)
        if carry_assets:
            asset_record(output_dir).write_text("".join(f"{name}\n" for name in own), encoding="utf-8")
    except BaseException:
        if staging.exists():
            discard(staging)  # a long-lived builder removes it in the background
        raise
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m tools.sitebuild SETTINGS OUTPUT`."""
    from functools import partial

    from tools.postprocess import precompress

    args = argv if argv is not None else sys.argv[1:]
    settings_file = Path(args[0] if args else ROOT / "pelicanconf.py")
    output_dir = Path(args[1] if len(args) > 1 else ROOT / "output")
    try:
        seconds = build(
            settings_file, output_dir, postprocess=partial(precompress, cache_dir=ROOT / ".cache" / "precompressed")
        )
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        print(
            f"Build failed: {len(failure.problems)} problem(s); {display_path(output_dir, ROOT)}/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    print(f"Built {display_path(output_dir, ROOT)}/ in {seconds:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
