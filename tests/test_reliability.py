"""Nothing lost: killed or failed builds keep output/, sources stay read-only, publish refuses bad builds."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_helpers import COMPRESSION_CACHE, ROOT, digests, invoke, run_build


def sources(project: Path) -> dict[str, str]:
    """Digest of everything a build must only read."""
    found = {}
    for name in ("content", "stats", "theme", "plugins"):
        found.update({f"{name}/{k}": v for k, v in digests(project / name).items()})
    for name in ("pelicanconf.py", "publishconf.py"):
        found[name] = hashlib.sha256((project / name).read_bytes()).hexdigest()
    return found


@pytest.fixture()
def project(new_project) -> Path:
    """A fresh copy of the project, not built."""
    return new_project("site")


@pytest.fixture()
def built_project(project) -> Path:
    """A copy of the project with a good output/ built once."""
    result = invoke(project, "build")
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.slow
def test_a_build_killed_half_way_leaves_output_as_it_was(built_project):
    project = built_project
    # A build killed while it writes its compression cache could leave a torn entry there:
    # this copy gets a private copy of the cache, so the session's shared one stays whole.
    cache = project / COMPRESSION_CACHE
    shared = cache.resolve()
    cache.unlink()
    shutil.copytree(shared, cache)
    before = digests(project / "output")
    (project / "content" / "posts" / "2016-02-10-une-plateforme-pour-agir.md").write_text(
        "Title: Nouveau titre\nDate: 2016-02-10\nCategory: Essais\nSlug: une-plateforme-pour-agir\n\nTexte.\n",
        encoding="utf-8",
    )
    process = subprocess.Popen([sys.executable, "-m", "tools.sitebuild", "pelicanconf.py", "output"], cwd=project)
    deadline = time.time() + 120
    while not list(project.glob(".output.build-*/index.html")) and time.time() < deadline:
        time.sleep(0.01)  # wait until the build is writing pages
    assert process.poll() is None, "the build finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert digests(project / "output") == before
    # The next build cleans the killed build's leftovers and succeeds.
    result = invoke(project, "build")
    assert result.returncode == 0, result.stderr
    assert not list(project.glob(".output.build-*"))
    assert (
        "Nouveau titre" in (project / "output" / "2016" / "02" / "une-plateforme-pour-agir" / "index.html").read_text()
    )


@pytest.mark.slow
def test_build_preview_and_rebuild_never_touch_the_sources(project):
    before = sources(project)
    for task in ("build", "preview", "rebuild"):
        result = invoke(project, task)
        assert result.returncode == 0, f"{task}: {result.stderr}"
    assert sources(project) == before


@pytest.mark.slow
def test_new_snapshot_task_never_overwrites_a_snapshot(project):
    existing = project / "stats" / "snapshots" / "2017-01-05-bilan.yaml"
    original = existing.read_bytes()
    result = invoke(project, "snapshot", "--date", "2017-01-05", "--name", "2017-01-05-bilan")
    assert result.returncode == 1
    assert "already exists" in result.stderr and "\n" not in result.stderr.strip()
    assert existing.read_bytes() == original
    created = invoke(project, "snapshot", "--date", "2017-02-01")
    assert created.returncode == 0, created.stderr
    new = project / "stats" / "snapshots" / "2017-02-01.yaml"
    assert new.is_file() and "date: 2017-02-01" in new.read_text(encoding="utf-8")


def make_git_repo(project: Path) -> None:
    """Turn the project copy into a git repository with one commit."""
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    (project / ".gitignore").write_bytes((ROOT / ".gitignore").read_bytes())
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "site"]):
        subprocess.run(["git", *command], cwd=project, check=True, env={**os.environ, **env})


@pytest.mark.slow
def test_publish_refuses_to_deploy_a_failed_build(built_project):
    """With a good output/ from an earlier build at hand, a failed build still deploys nothing."""
    project = built_project
    make_git_repo(project)
    (project / "content" / "posts" / "zz.md").write_text("Title: x\nDate: 2017-13-45\n\nTexte.\n", encoding="utf-8")
    result = invoke(project, "publish", env={"DEPLOY_METHOD": "gh-pages", "DEPLOY_GH_PAGES_PUSH": "0"})
    assert result.returncode == 1
    assert "content/posts/zz.md:2:1:" in result.stderr
    branches = subprocess.run(
        ["git", "branch", "--list", "gh-pages"], cwd=project, capture_output=True, text=True
    ).stdout
    assert branches.strip() == ""


@pytest.mark.slow
def test_publish_to_gh_pages_commits_the_whole_site(project):
    make_git_repo(project)
    env = {
        "DEPLOY_METHOD": "gh-pages",
        "DEPLOY_GH_PAGES_PUSH": "0",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
    }
    result = invoke(project, "publish", env=env)
    assert result.returncode == 0, result.stderr
    files = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=project, capture_output=True, text=True
    ).stdout.split()
    assert "index.html" in files and "transparence/index.html" in files
    assert len(files) == len(digests(project / "output"))
    log = subprocess.run(["git", "log", "--format=%s", "gh-pages"], cwd=project, capture_output=True, text=True).stdout
    assert log.splitlines() == ["Publish the site"], "one publish, one commit"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True).stdout
    assert status.strip() == "", "publishing must not touch the working tree"


def test_jinja_autoescaping_is_on_for_the_theme():
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert settings["JINJA_ENVIRONMENT"]["autoescape"] is True
    unsafe = [
        f"{p.name}: {m.group(0)}"
        for p in (ROOT / "theme" / "templates").glob("*.html")
        for m in re.finditer(r"\{\{[^}]*\|\s*safe[^}]*\}\}", p.read_text(encoding="utf-8"))
        if not re.search(r"\b(article|page)\.(content|summary)\|safe", m.group(0))
    ]
    assert unsafe == [], "only Markdown output may be marked safe"


CACHE_PICKLE_OF_GONE_CODE = b"cmodule_of_an_older_version\nThing\n."  # an object from a module that no longer exists


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cache_bytes", "notice"),
    [
        (CACHE_PICKLE_OF_GONE_CODE, "The content cache was written by older code: the build starts afresh."),
        # Written gzipped (GZIP_CACHE was on before this site turned it off): Pelican cannot unpickle it.
        (
            gzip.compress(CACHE_PICKLE_OF_GONE_CODE),
            "The content cache was written differently: the build reads every post afresh.",
        ),
    ],
    ids=["older-code", "gzipped"],
)
def test_a_content_cache_written_by_older_code_is_rebuilt_not_a_crash(built_project, cache_bytes, notice):
    """After an update that moved code or changed the cache's settings, the build reads every post afresh."""
    caches = [path for path in (built_project / ".cache" / "pelican").glob("*") if path.is_file()]
    assert caches, "the first build wrote no content cache"
    for cache in caches:
        cache.write_bytes(cache_bytes)
    result = run_build(built_project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert notice in result.stderr
    assert (built_project / "output" / "2017" / "01" / "reseaux-et-mouvements" / "index.html").is_file()


def test_a_swap_keeps_the_previous_builds_own_assets_one_build_longer(tmp_path):
    """Pages served just before a swap still find their hashed assets; older ones go, so output never grows."""
    from tools.sitebuild import asset_record, carry_over_assets, own_assets

    output = tmp_path / "output"

    def build_with(css: str) -> None:  # what sitebuild.build does around the swap, with one stylesheet
        staging = tmp_path / f"staging-{css}"
        (staging / "theme" / "css").mkdir(parents=True)
        (staging / "theme" / "css" / f"site.{css}.css").write_text(css)
        (staging / "theme" / "css" / "site.css").write_text(css)  # the unhashed copy: never carried over
        own = own_assets(staging)
        carry_over_assets(output, staging)
        shutil.rmtree(output, ignore_errors=True)
        staging.rename(output)
        asset_record(output).write_text("".join(f"{name}\n" for name in own))

    def stylesheets() -> list[str]:
        return sorted(p.name for p in (output / "theme" / "css").iterdir())

    build_with("aaaaaaaaaa")
    assert stylesheets() == ["site.aaaaaaaaaa.css", "site.css"]
    build_with("bbbbbbbbbb")
    assert stylesheets() == ["site.aaaaaaaaaa.css", "site.bbbbbbbbbb.css", "site.css"]
    build_with("cccccccccc")
    assert stylesheets() == ["site.bbbbbbbbbb.css", "site.cccccccccc.css", "site.css"]
    build_with("cccccccccc")
    assert stylesheets() == ["site.cccccccccc.css", "site.css"]


def test_stale_builds_and_other_processes_trash_are_removed_but_not_this_process_trash(tmp_path):
    """livereload's worker removes folders in the background: the next build must not remove them under it."""
    import os

    from tools.sitebuild import remove_stale_builds, trash_folder

    output = tmp_path / "output"
    mine = trash_folder(output)
    others = [tmp_path / ".output.trash-1-abc", tmp_path / ".output.build-xyz"]
    for folder in [mine, *others]:
        (folder / "page").mkdir(parents=True)
    assert mine.name.startswith(f".output.trash-{os.getpid()}-")
    remove_stale_builds(tmp_path, "output")
    assert mine.is_dir() and not any(folder.exists() for folder in others)
