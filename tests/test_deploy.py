"""The deploys for real: to SeaweedFS's S3 gateway with rclone, and with rsync to Debian's sshd, all on loopback.

Two builds of a project copy: A, then B with a restyled theme (new hashed CSS, so every page
changes), one post removed and one added. Deploys are killed at random moments (seeded,
bounded in number); what is checked is what a reader would get, never how long it took.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from site_helpers import build, invoke
from test_site import SITE_URL
from tools import deploy, nginx
from tools.s3server import SeaweedS3

pytestmark = pytest.mark.slow

RCLONE = str(deploy.RCLONE)
KILLS = 6  # interrupted deploys, bounded
SEED = 17
NEW_POST = """Title: Un billet de plus
Date: 2017-01-20 09:00
Category: Campagne numérique
Tags: plateforme
Slug: un-billet-de-plus
Summary: Un billet ajouté entre deux déploiements.

Un billet ajouté entre deux déploiements, pour que le second ait des pages nouvelles.
"""


@pytest.fixture(scope="module")
def builds(new_project, tmp_path_factory) -> dict[str, Path]:
    """Build A and build B of one project copy (publish settings, with their .br/.gz copies), kept apart."""
    project = new_project("deploy")
    kept = tmp_path_factory.mktemp("builds")
    shutil.copytree(build(project, "publishconf.py"), kept / "a")
    css = project / "theme" / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* build B */\n", encoding="utf-8")
    (project / "content" / "posts" / "2016-02-10-une-plateforme-pour-agir.md").unlink()
    (project / "content" / "posts" / "2017-01-20-un-billet-de-plus.md").write_text(NEW_POST, encoding="utf-8")
    shutil.copytree(build(project, "publishconf.py"), kept / "b")
    return {"a": kept / "a", "b": kept / "b", "project": project}


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """SeaweedFS on loopback, and the rclone remote `site` pointing at it (environment variables, the rclone way)."""
    with SeaweedS3(tmp_path_factory.mktemp("seaweedfs")) as server, pytest.MonkeyPatch.context() as patch:
        for name, value in server.rclone_env("site").items():
            patch.setenv(name, value)
        patch.setenv("RCLONE_CONFIG", os.devnull)  # no user config file is read
        yield server


def listing(remote: str) -> dict[str, dict]:
    """Return the remote's objects with their MD5 and metadata (Content-Type, Cache-Control), by key."""
    result = subprocess.run(
        [RCLONE, "lsjson", "-R", "--files-only", "--hash", "--hash-type", "md5", "--metadata", remote],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 3:
        return {}
    assert result.returncode == 0, result.stderr
    return {item["Path"]: item for item in json.loads(result.stdout)}


def download(remote: str, folder: Path) -> Path:
    """Copy the bucket as it is to `folder`, to read what a reader would get."""
    shutil.rmtree(folder, ignore_errors=True)
    result = subprocess.run([RCLONE, "copy", remote, str(folder)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return folder


REFERENCE = re.compile(r'(?:href|src)="([^"#]+)|srcset="([^"]+)"|<loc>([^<]+)</loc>')


def references(key: str, text: str) -> set[str]:
    """Return the site keys a page (or the sitemap) points to: links, scripts, styles, images, downloads."""
    base = f"{SITE_URL}/{key}"
    found = set()
    for href, srcset, loc in REFERENCE.findall(text):
        urls = [href] if href else [loc] if loc else [part.split()[0] for part in srcset.split(",") if part.strip()]
        for url in urls:
            absolute = urljoin(base, url.strip())
            if not absolute.startswith(SITE_URL + "/"):
                continue  # another site
            path = unquote(urlsplit(absolute).path).lstrip("/")
            found.add(path + "index.html" if path.endswith("/") or not path else path)
    return found


def broken_pages(folder: Path) -> list[str]:
    """Return what is broken in a copy of the bucket, as a reader would meet it.

    Every page must find every file it uses (styles, scripts, images, downloads); every page
    reachable from the home page through links, and every page the sitemap lists, must exist.
    """
    keys = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    problems = []
    links = {}
    for key in sorted(k for k in keys if k.endswith(".html")):
        targets = references(key, (folder / key).read_text(encoding="utf-8"))
        links[key] = {t for t in targets if t.endswith(".html")}
        problems += [f"{key} uses missing {t}" for t in sorted(targets - keys) if not t.endswith(".html")]
    seen, todo = set(), ["index.html"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        if page not in keys:
            problems.append(f"a reader following links from the home page reaches missing {page}")
            continue
        todo += sorted(links.get(page, ()))
    if "sitemap.xml" in keys:
        listed = references("sitemap.xml", (folder / "sitemap.xml").read_text(encoding="utf-8"))
        problems += [f"sitemap.xml lists missing {t}" for t in sorted(listed - keys)]
    return problems


def assert_bucket_holds(remote: str, site: Path) -> None:
    """Every built file (not the .br/.gz copies) is an object with the same MD5, and nothing else is."""
    objects = listing(remote)
    files = deploy.site_files(site)
    assert set(objects) == set(files)
    for key, path in files.items():
        assert objects[key]["Hashes"]["md5"] == deploy.md5(path), key


def test_a_deploy_lands_every_file_with_nginxs_type_and_cache_and_a_second_sends_nothing(s3, builds, tmp_path):
    remote = "site:blog/lands"
    done = deploy.s3(builds["a"], remote, log=lambda line: None)
    files = deploy.site_files(builds["a"])
    assert done.sent == len(files) == len(done.uploads) and not done.deletions
    assert not any(key.endswith((".br", ".gz")) for key in listing(remote))
    assert_bucket_holds(remote, builds["a"])
    objects = listing(remote)
    with nginx.NginxServer(builds["a"]) as server:  # the same headers as the real server gives each path
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for key in files:
            connection.request("HEAD", "/" + key)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, key
            metadata = objects[key]["Metadata"]
            assert metadata["content-type"] == response.getheader("Content-Type"), key
            assert metadata["cache-control"] == response.getheader("Cache-Control"), key
        connection.close()
    again = deploy.s3(builds["a"], remote, log=lambda line: None)
    assert (again.sent, again.uploads, again.deletions, again.unchanged) == (0, [], [], len(files))
    assert listing(remote) == objects, "the second deploy changed no object, not even its time"


def test_dry_run_lists_what_would_be_uploaded_and_deleted_and_changes_nothing(s3, builds):
    remote = "site:blog/dryrun"
    deploy.s3(builds["a"], remote, log=lambda line: None)
    before = listing(remote)
    lines = []
    todo = deploy.s3(builds["b"], remote, dry_run=True, log=lines.append)
    assert listing(remote) == before
    old_css = next(k for k in before if re.fullmatch(r"theme/css/site\.[0-9a-f]{10}\.css", k))
    new_css = next(
        k
        for k in deploy.site_files(builds["b"])
        if re.fullmatch(r"theme/css/site\.[0-9a-f]{10}\.css", k) and k != old_css
    )
    assert f"upload (assets): {new_css}" in lines
    # Build B keeps build A's stylesheet one build longer (tools/sitebuild.carry_over_assets): not deleted yet.
    assert f"delete: {old_css}" not in lines and old_css in deploy.site_files(builds["b"])
    assert "upload (new pages): 2017/01/un-billet-de-plus/index.html" in lines
    assert "delete: 2016/02/une-plateforme-pour-agir/index.html" in lines
    assert "upload (changed pages): index.html" in lines
    assert lines[-1] == todo.summary() and todo.sent == 0
    phases = [phase for phase, _ in todo.uploads]
    assert phases == sorted(phases), "assets, then new pages, then changed pages, then feeds"
    assert [deploy.is_page(k) for k in todo.deletions] == sorted(
        (deploy.is_page(k) for k in todo.deletions), reverse=True
    )


def test_a_deploy_deleting_too_much_is_refused_unless_forced(s3, builds, tmp_path):
    remote = "site:blog/refuse"
    deploy.s3(builds["a"], remote, log=lambda line: None)
    before = listing(remote)
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "index.html").write_text("<!DOCTYPE html><title>Autre chose</title>", encoding="utf-8")
    with pytest.raises(deploy.DeployFailed, match=r"would delete \d+ of the \d+ objects .* --force"):
        deploy.s3(wrong, remote, log=lambda line: None)
    assert listing(remote) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(deploy.DeployFailed, match="holds no file"):
        deploy.s3(empty, remote, force=True, log=lambda line: None)
    assert listing(remote) == before
    forced = deploy.s3(wrong, remote, force=True, log=lambda line: None)
    assert set(listing(remote)) == {"index.html"} and len(forced.deletions) == len(before) - 1


def test_deploys_killed_at_random_moments_never_break_a_page_and_the_next_one_completes(s3, builds, tmp_path):
    """Each deploy is killed at a step of its work (each upload or deletion batch in turn, from a random one),
    a random fraction of a second into it: what it has done decides where, never the machine's speed."""
    remote = "site:blog/killed"
    deploy.s3(builds["a"], remote, log=lambda line: None)
    chance = random.Random(SEED)
    offset = chance.randrange(100)
    interrupted = attempt = 0
    while interrupted < KILLS and attempt < 3 * KILLS:  # a deploy that ended before its kill is not counted
        target = builds["b" if attempt % 2 == 0 else "a"]
        attempt += 1
        todo = deploy.plan(target, deploy.remote_listing(remote))
        steps = len(deploy.upload_groups(todo.uploads)) + len(deploy.deletion_batches(todo.deletions))
        kill_at = 1 + (attempt - 1 + offset) % steps  # every step in turn, from a random one
        command = [sys.executable, "-m", "tools.deploy", "s3", str(target), remote]
        process = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        started = 0
        for line in process.stdout:
            started += line.startswith(("uploading ", "deleting "))
            if started == kill_at:
                time.sleep(chance.uniform(0, 0.3))  # somewhere inside that step
                break
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it may end between the two calls
                os.killpg(process.pid, signal.SIGKILL)  # the deploy and its rclone, at once
            interrupted += process.wait() == -signal.SIGKILL
        process.wait()
        process.stdout.close()
        snapshot = download(remote, tmp_path / f"bucket-{attempt}")
        assert broken_pages(snapshot) == [], f"after attempt {attempt}, killed at step {kill_at} of {steps}"
    assert interrupted == KILLS, f"only {interrupted} of {attempt} deploys were cut short"
    final = subprocess.run(
        [sys.executable, "-m", "tools.deploy", "s3", str(builds["b"]), remote], capture_output=True, text=True
    )
    assert final.returncode == 0, final.stderr
    assert_bucket_holds(remote, builds["b"])
    assert broken_pages(download(remote, tmp_path / "bucket-final")) == []


def test_the_page_checker_sees_a_page_without_its_style(builds, tmp_path):
    """The check above must be able to fail: a copy of build B without its hashed CSS is broken."""
    copy = shutil.copytree(builds["b"], tmp_path / "b")
    for css in copy.glob("theme/css/site.*.css"):
        css.unlink()
    (copy / "2017" / "01" / "un-billet-de-plus" / "index.html").unlink()
    problems = broken_pages(copy)
    assert any("uses missing theme/css/site." in p for p in problems)
    assert any("reaches missing 2017/01/un-billet-de-plus/index.html" in p for p in problems)
    assert any("sitemap.xml lists missing 2017/01/un-billet-de-plus/index.html" in p for p in problems)


def test_invoke_publish_to_s3_dry_run_lists_then_deploys_then_finds_nothing_to_do(s3, builds):
    project = builds["project"]
    env = {"DEPLOY_METHOD": "s3", "DEPLOY_S3_REMOTE": "site:blog/publish"}
    dry = invoke(project, "publish", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    files = deploy.site_files(project / "output")
    assert "upload (new pages): index.html" in dry.stdout.splitlines()
    assert f"{len(files)} to upload, 0 to delete, 0 unchanged" in dry.stdout and listing("site:blog/publish") == {}
    done = invoke(project, "publish", env=env)
    assert done.returncode == 0, done.stderr
    assert f"{len(files)} object(s) uploaded, 0 deleted, 0 unchanged" in done.stdout
    assert_bucket_holds("site:blog/publish", project / "output")
    again = invoke(project, "publish", "--dry-run", env=env)
    assert f"0 to upload, 0 to delete, {len(files)} unchanged" in again.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEPLOY_METHOD": "s3", "DEPLOY_MAX_DELETE_SHARE": "beaucoup"}, "DEPLOY_MAX_DELETE_SHARE 'beaucoup'"),
        ({"DEPLOY_METHOD": "s3", "DEPLOY_S3_REMOTE": "blog"}, "DEPLOY_S3_REMOTE 'blog' is not an rclone remote"),
        ({"DEPLOY_METHOD": "ftp"}, "unknown DEPLOY_METHOD 'ftp'"),
    ],
)
def test_a_wrong_deploy_setting_is_one_line_before_any_build(builds, env, message):
    result = invoke(builds["project"], "publish", "--dry-run", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        next(line for line in result.stderr.splitlines() if message in line)
    ]
    assert "Built" not in result.stdout


# --- rsync over ssh, to Debian's sshd on loopback -------------------------------------------------


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """Debian's sshd on a free loopback port, in the foreground, with a host key and a user key made here."""
    folder = tmp_path_factory.mktemp("sshd")
    for name in ("host", "user"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True, capture_output=True
        )
    (folder / "authorized_keys").write_text((folder / "user.pub").read_text())
    port = nginx.free_port()
    (folder / "sshd_config").write_text(
        f"ListenAddress 127.0.0.1:{port}\n"
        f"HostKey {folder / 'host'}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\n"
        f"PidFile {folder / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        "PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n"
    )
    host_key = (folder / "host.pub").read_text().split()
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(
            mode=0o755, exist_ok=True
        )  # sshd's privilege separation folder, as Debian's unit makes it
    process = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-e", "-f", str(folder / "sshd_config")],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "sshd.log").open("wb"),
    )
    ssh = (
        f"ssh -p {port} -i {folder / 'user'} -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes "
        f"-o UserKnownHostsFile={folder / 'known_hosts'} -o StrictHostKeyChecking=yes"
    )
    try:
        for _ in range(200):
            probe = subprocess.run([*ssh.split(), "127.0.0.1", "true"], capture_output=True, timeout=30)
            if probe.returncode == 0:
                break
            assert process.poll() is None, (folder / "sshd.log").read_text()
            time.sleep(0.1)
        else:
            pytest.fail(f"sshd did not accept the test's key: {(folder / 'sshd.log').read_text()}")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("RSYNC_RSH", ssh)
            yield f"{os.environ.get('USER') or 'root'}@127.0.0.1"
    finally:
        process.terminate()
        process.wait(timeout=30)


def tree(folder: Path, skip_dot: bool = False) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes, leaving out dot-named ones (rsync's .~tmp~) when asked."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not (skip_dot and any(part.startswith(".") for part in p.relative_to(folder).parts))
    }


def test_rsync_deploy_lands_the_whole_site_precompressed_copies_included(sshd, builds, tmp_path):
    remote = tmp_path / "srv-blog"
    remote.mkdir()
    deploy.rsync(f"{sshd}:{remote}", builds["a"])
    assert tree(remote) == tree(builds["a"])
    deploy.rsync(f"{sshd}:{remote}", builds["b"])
    assert tree(remote) == tree(builds["b"]), "stale files deleted, new ones in place"


def test_a_killed_rsync_deploy_leaves_the_previous_site_whole_and_the_next_one_lands(sshd, builds, tmp_path):
    remote = tmp_path / "srv-blog"
    remote.mkdir()
    deploy.rsync(f"{sshd}:{remote}", builds["a"])
    big = shutil.copytree(builds["b"], tmp_path / "b")
    (big / "transparence" / "donnees" / "archive.bin").write_bytes(random.Random(SEED).randbytes(3_000_000))
    command = deploy.rsync_command(f"{sshd}:{remote}", big, options=["--bwlimit=400"])  # slow enough to catch
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(3000):  # until the first new file waits in a .~tmp~ folder, half-way through
            if any(remote.rglob(".~tmp~/*")) or process.poll() is not None:
                break
            time.sleep(0.01)
        assert process.poll() is None, "rsync finished before it could be interrupted"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert any(part == ".~tmp~" for p in remote.rglob("*") for part in p.parts), "it was killed half-way"
    assert tree(remote, skip_dot=True) == tree(builds["a"]), "the previous site, whole"
    with nginx.NginxServer(remote) as server:  # and nginx serves none of the half-sent files
        import urllib.error
        import urllib.request

        stray = next(p for p in remote.rglob("*") if p.is_file() and ".~tmp~" in p.parts)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}/{stray.relative_to(remote).as_posix()}", timeout=30)
        assert refused.value.code == 404
    deploy.rsync(f"{sshd}:{remote}", builds["b"])
    assert tree(remote) == tree(builds["b"])
