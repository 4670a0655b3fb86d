"""deploy/nginx.conf in Debian's nginx on loopback: headers per kind of path, encodings, 404, what is refused."""

from __future__ import annotations

import http.client
import re
from functools import partial
from pathlib import Path

import pytest

from site_helpers import ROOT
from tools import deploy, nginx, sitebuild
from tools.postprocess import precompress

pytestmark = pytest.mark.slow

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
REFUSE_FRAMING = f"{PAGE_POLICY}; frame-ancestors 'none'"
ALLOW_FRAMING = f"{PAGE_POLICY}; frame-ancestors *"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
OUTSIDE = "hors-du-site-a-ne-jamais-servir"


@pytest.fixture(scope="module")
def site(tmp_path_factory, compression_cache) -> Path:
    """The publish build with its .br/.gz copies; never served: a dotfile, a link out, a file beside."""
    base = tmp_path_factory.mktemp("nginx")
    output = base / "output"
    sitebuild.build(
        ROOT / "publishconf.py",
        output,
        overrides={"CACHE_PATH": str(base / "cache")},
        postprocess=partial(precompress, cache_dir=compression_cache),
    )
    (base / "secret.txt").write_text(OUTSIDE, encoding="utf-8")
    (output / ".env").write_text(OUTSIDE, encoding="utf-8")
    (output / "theme" / ".~tmp~").mkdir()
    (output / "theme" / ".~tmp~" / "site.css").write_text(OUTSIDE, encoding="utf-8")
    (output / "lien.txt").symlink_to(base / "secret.txt")
    return output


@pytest.fixture(scope="module")
def server(site):
    with nginx.NginxServer(site) as running:
        yield running
        assert "[emerg]" not in running.errors() and "[alert]" not in running.errors()


def get(server, path: str, encoding: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send one raw GET (the path exactly as given) and return status, headers (lower-case names) and body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def first(site: Path, pattern: str) -> str:
    """Return the URL path of the first file of the build matching `pattern` (a glob under the root)."""
    found = sorted(site.glob(pattern))
    assert found, pattern
    return "/" + found[0].relative_to(site).as_posix()


def test_the_config_is_the_repository_file_with_only_the_marked_lines_changed(tmp_path):
    text = nginx.SITE_CONFIG.read_text(encoding="utf-8")
    local = nginx.local_server_block(tmp_path, 8080)
    assert "types {\n" not in text.split("server {", 1)[1].split("location", 1)[0]  # no MIME map replaced
    kept = [line for line in text.splitlines() if not nginx.CHANGE_LINE.match(line)]
    assert kept == [line for line in local.splitlines() if "127.0.0.1:8080" not in line and str(tmp_path) not in line]
    assert "listen 127.0.0.1:8080;" in local and f'root "{tmp_path}";' in local and "ssl_" not in local
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/nginx.conf" in readme and "```nginx" not in readme  # README points at the file, holds no copy


@pytest.mark.parametrize(
    ("kind", "pattern", "policy", "cache"),
    [
        ("home page", "index.html", REFUSE_FRAMING, "no-cache"),
        ("post", "2017/01/reseaux-et-mouvements/index.html", REFUSE_FRAMING, "no-cache"),
        ("data page", "transparence/index.html", REFUSE_FRAMING, "no-cache"),
        ("chart embed", "transparence/graphique/*/index.html", ALLOW_FRAMING, "no-cache"),
        ("chart image, SVG", "**/*.svg", SVG_POLICY, None),
        ("share card, PNG", "transparence/graphique/*.png", ALLOW_FRAMING, "no-cache"),
        ("hashed CSS", "theme/css/site.*.css", REFUSE_FRAMING, deploy.A_YEAR),
        ("hashed JS", "theme/js/charts.*.js", REFUSE_FRAMING, deploy.A_YEAR),
        ("hashed SVG favicon", "theme/images/favicon.*.svg", SVG_POLICY, deploy.A_YEAR),
        ("unhashed copy under /theme/", "theme/css/site.css", REFUSE_FRAMING, "no-cache"),
        ("CSV download", "**/*.csv", REFUSE_FRAMING, "no-cache"),
        ("Atom feed", "flux/tous.atom.xml", REFUSE_FRAMING, "no-cache"),
    ],
)
def test_each_kind_of_path_gets_its_policy_cache_and_type(server, site, kind, pattern, policy, cache):
    path = first(site, pattern)
    url = path.removesuffix("index.html")
    status, headers, _ = get(server, url)
    assert status == 200, (kind, url)
    assert headers["content-security-policy"] == policy, (kind, url)
    key = path.lstrip("/")
    assert headers["cache-control"] == (cache or deploy.cache_control(key)), (kind, url)
    assert headers["content-type"] == deploy.content_type(key), (kind, url)
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == (
        "strict-origin-when-cross-origin"
    )


PAGEFIND_DATA = re.compile(r"pagefind/(?:.+\.pf_(?:fragment|index|meta|filter)|.+\.pagefind)")


def test_every_file_of_the_build_has_its_type_with_charset_on_text_and_the_cache_the_deploy_gives(server, site):
    seen = {}
    for key, _ in deploy.site_files(site).items():
        if key in (".env", "lien.txt"):
            continue
        status, headers, _ = get(server, "/" + key)
        assert status == 200, key
        assert headers["content-type"] == deploy.content_type(key), key
        assert headers["cache-control"] == deploy.cache_control(key), key
        if headers["content-type"] == "application/octet-stream":
            # Only Pagefind's index files: gzip data its script decompresses itself, sent as they are.
            assert PAGEFIND_DATA.fullmatch(key), key
            assert "content-encoding" not in headers, key
        seen[headers["content-type"]] = key
    texts = [kind for kind in seen if kind.startswith("text/") or kind.endswith(("+xml", "/json", "/javascript"))]
    assert texts and all(kind.endswith("; charset=utf-8") for kind in texts), seen
    assert {"text/html; charset=utf-8", "text/csv; charset=utf-8", "application/atom+xml; charset=utf-8"} <= set(seen)


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        ("br", "br"),
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        (None, None),
        ("identity", None),
        ("br;q=0, gzip", "gzip"),
    ],
)
def test_precompressed_copies_brotli_when_asked_gzip_otherwise_identity_for_neither(server, site, accepted, expected):
    for pattern in ("index.html", "theme/css/site.*.css", "transparence/donnees/observations.json"):
        path = first(site, pattern)
        status, headers, body = get(server, path, accepted)
        assert status == 200
        assert headers.get("content-encoding") == expected, (path, accepted)
        assert headers["vary"] == "Accept-Encoding", (path, accepted)
        suffix = {"br": ".br", "gzip": ".gz", None: ""}[expected]
        assert body == (site / (path.lstrip("/") + suffix)).read_bytes(), (path, accepted)
        assert headers["content-type"] == deploy.content_type(path.lstrip("/"))


def test_a_file_without_copies_is_sent_as_it_is_without_vary(server, site):
    path = first(site, "**/*.png")
    status, headers, body = get(server, path, "gzip, br")
    assert status == 200 and "content-encoding" not in headers and "vary" not in headers
    assert body == (site / path.lstrip("/")).read_bytes()


@pytest.mark.parametrize("path", ["/nulle-part/", "/2017/01/nulle-part.html", "/theme/css/site.0000000000.css"])
def test_a_missing_path_gets_the_sites_404_page_revalidated(server, site, path):
    status, headers, body = get(server, path)
    assert status == 404
    assert body == (site / "404.html").read_bytes()
    assert headers["content-type"] == "text/html; charset=utf-8" and headers["cache-control"] == "no-cache"
    assert headers["content-security-policy"] == REFUSE_FRAMING


@pytest.mark.parametrize("path", ["/theme/", "/theme/css/", "/transparence/graphique/"])
def test_no_folder_is_listed(server, site, path):
    status, _, body = get(server, path)
    assert status == 404 and body == (site / "404.html").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/theme/..%2f..%2fsecret.txt",
        "/theme/%2e%2e/%2e%2e/secret.txt",
        "/lien.txt",
        "/.env",
        "/theme/.~tmp~/site.css",
        "/%2eenv",
    ],
)
def test_nothing_outside_the_root_no_dotfile_no_symbolic_link(server, path):
    status, _, body = get(server, path)
    assert status in (400, 404), (path, status)
    assert OUTSIDE.encode() not in body, path


def test_the_home_page_is_html_for_a_browser_with_nosniff(server):
    """The README's old block replaced nginx's MIME map: the home page went out as text/plain with nosniff."""
    status, headers, body = get(server, "/", "gzip, deflate, br")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"


def test_nginx_refuses_a_marked_line_it_does_not_know(tmp_path):
    text = nginx.SITE_CONFIG.read_text(encoding="utf-8").replace("server_tokens off;", "access_log off;  # CHANGE")
    with pytest.raises(nginx.NginxFailed, match=re.escape("access_log off;")):
        nginx.local_server_block(tmp_path, 8080, text)
