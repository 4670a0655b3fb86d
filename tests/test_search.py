"""Search (Pagefind) in Chromium: what it finds and how, on the demo site and on a fresh publish build with a draft.

The sites are served by Debian's nginx with deploy/nginx.conf (tools/nginx.py), which sends the
strict policy everywhere, 'wasm-unsafe-eval' added for /recherche/ and /pagefind/ only.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from browser import AXE, open_page
from site_helpers import build, soup
from tools import search_index
from tools.nginx import free_port, serving

SEARCH = "/recherche/"


def header(url: str, name: str) -> str:
    """Return one header of a GET of `url` (an error status included: its headers count too)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.headers.get(name, "")
    except urllib.error.HTTPError as error:
        return error.headers.get(name, "")


PLATFORM_POST = "/2016/02/une-plateforme-pour-agir/"  # the only page saying « cotisation »
METRIC = "/transparence/youtube.subscribers/"
CHARTING_POST = "/2017/01/reseaux-et-mouvements/"  # charts youtube.subscribers


@pytest.fixture(scope="module")
def site_url(dev_site):
    with serving(dev_site) as url:
        yield url


@pytest.fixture
def open_(browser):
    opened = []

    def opener(**options):
        opened.append(open_page(browser, **options))
        return opened[-1]

    yield opener
    for page in opened:
        page.close()


def wait_for_answer(page, term: str) -> None:
    """Wait until the search page has announced its answer to `term` (results written, count said)."""
    page.wait_for_function(
        """(term) => {
            const status = document.querySelector("[data-search-status]");
            const list = document.querySelector("[data-search-results]");
            return status && status.textContent.includes(term) && !list.hasAttribute("aria-busy");
        }""",
        arg=f"«\u00a0{term}\u00a0»",
    )


def results(page) -> list[str]:
    """Return the paths of the results shown, in order."""
    return [urlsplit(href).path for href in page.eval_on_selector_all(".search-result a", "as => as.map(a => a.href)")]


def search(recorded, base: str, term: str) -> list[str]:
    """Open the search page at ?q=term and return the result paths once they are announced."""
    recorded.goto(f"{base}{SEARCH}?q={quote(term)}")
    wait_for_answer(recorded.page, term)
    return results(recorded.page)


# --- What it finds --------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_word_of_one_posts_body_finds_that_post_first(open_, site_url):
    page = open_()
    found = search(page, site_url, "cotisation")
    assert found[:1] == [PLATFORM_POST], found
    status = page.page.locator("[data-search-status]")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"{len(found)} résultat{'s' if len(found) > 1 else ''} pour «\u00a0cotisation\u00a0»."
    first = page.page.locator(".search-result").first
    assert first.locator("mark").first.inner_text().lower().startswith("cotisation")
    assert re.fullmatch(r"10 février 2016 · Campagne numérique", first.locator(".search-result__meta").inner_text())
    assert page.problems() == [] and page.csp_violations() == [] and page.requests_leaving(site_url) == []


@pytest.mark.browser
def test_a_metrics_label_finds_its_page_first_then_the_posts_charting_it(open_, site_url):
    page = open_()
    found = search(page, site_url, "abonnés youtube")
    assert found[0] == METRIC, found
    assert CHARTING_POST in found, found
    first = page.page.locator(".search-result").first
    assert first.locator(".search-result__meta").inner_text() == "Chiffres YouTube"


@pytest.mark.browser
@pytest.mark.parametrize("term", ["distribuerons", "cotiserons"])
def test_an_inflected_french_form_finds_the_base_form(open_, site_url, dev_site, term):
    """The page says « distributions » and « cotisation »: only French stemming joins these verb forms to them.

    (Pagefind 1.5 also matches near spellings: « cotisations » or « imprimera » are found with no
    stemmer at all, and « cotiserons » with the English one; « distribuerons » needs French.)
    """
    text = (dev_site / PLATFORM_POST.strip("/") / "index.html").read_text(encoding="utf-8")
    assert term not in text
    assert search(open_(), site_url, term)[:1] == [PLATFORM_POST]


@pytest.mark.browser
def test_a_filter_narrows_the_results(open_, site_url):
    page = open_()
    everything = search(page, site_url, "campagne")
    view = page.page
    view.locator("[data-search-filters-box] > summary").click()
    box = view.get_by_role("checkbox", name=re.compile(r"^Campagne numérique \(\d+\)$"))
    box.check()
    view.wait_for_function(
        "n => document.querySelectorAll('.search-result').length < n && "
        "!document.querySelector('[data-search-results]').hasAttribute('aria-busy') && "
        "document.querySelector('[data-search-status]').textContent.includes('campagne')",
        arg=len(everything),
    )
    narrowed = results(view)
    metas = view.locator(".search-result__meta").all_inner_texts()
    assert 0 < len(narrowed) < len(everything)
    assert all(meta.endswith("· Campagne numérique") for meta in metas), metas
    assert set(narrowed) < set(everything)


@pytest.mark.browser
def test_the_header_form_sends_q_to_the_search_page_which_runs_it(open_, site_url):
    page = open_()
    page.goto(site_url + CHARTING_POST)
    field = page.page.get_by_role("searchbox", name="Rechercher sur le site")
    field.fill("cotisation")
    field.press("Enter")
    page.page.wait_for_url(re.compile(r"/recherche/\?q=cotisation$"))
    wait_for_answer(page.page, "cotisation")
    assert results(page.page)[:1] == [PLATFORM_POST]
    assert page.page.get_by_role("searchbox", name=re.compile("^Chercher")).input_value() == "cotisation"


@pytest.mark.browser
def test_typing_searches_and_the_keyboard_reaches_every_result(open_, site_url):
    page = open_()
    page.goto(site_url + SEARCH)
    view = page.page
    view.wait_for_selector("[data-search-app]:not([hidden])")
    field = view.get_by_role("searchbox", name=re.compile("^Chercher"))
    field.focus()
    view.keyboard.type("abonnés youtube")
    wait_for_answer(view, "abonnés youtube")
    assert view.evaluate("location.search") == "?q=abonn%C3%A9s+youtube"  # shareable
    target = results(view)[0]
    for _ in range(12):  # the button, the sort, the filters' summary, then the results
        view.keyboard.press("Tab")
        if view.evaluate("document.activeElement.closest('.search-result') !== null"):
            break
    assert urlsplit(view.evaluate("document.activeElement.href")).path == target
    view.keyboard.press("Enter")
    view.wait_for_url(re.compile(re.escape(target) + "$"))


@pytest.mark.browser
def test_without_javascript_the_page_says_so_and_links_the_archives(open_, site_url):
    page = open_(java_script_enabled=False)
    page.goto(site_url + SEARCH + "?q=cotisation")
    view = page.page
    notice = view.locator(".search-noscript")
    assert notice.is_visible() and "JavaScript" in notice.inner_text()
    links = {a.inner_text(): urlsplit(a.get_attribute("href")).path for a in notice.locator("a").all()}
    expected = {"les archives": "/archives/", "les catégories": "/categories/", "les étiquettes": "/etiquettes/"}
    assert expected.items() <= links.items()
    assert view.locator("[data-search-app]").is_hidden()


# --- The policy: strict everywhere, WebAssembly on the search page alone --------------------------


@pytest.mark.slow
@pytest.mark.parametrize("which", ["dev_site", "publish_site"])
def test_wasm_unsafe_eval_only_on_the_search_page(which, request):
    site: Path = request.getfixturevalue(which)
    allowing = []
    for page in sorted(site.rglob("*.html")):
        policy = soup(page).find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy is not None, page
        content = policy["content"]
        assert "'unsafe-inline'" not in content and "'unsafe-eval'" not in content, page
        if "'wasm-unsafe-eval'" in content:
            allowing.append(page.relative_to(site).as_posix())
    assert allowing == ["recherche/index.html"]
    paths = ("/", "/archives/", SEARCH, "/pagefind/pagefind-worker.js", "/transparence/graphique/x/")
    with serving(site) as url:  # nginx's real responses, deploy/nginx.conf's policy per path
        policies = {path: header(url + path, "Content-Security-Policy") for path in paths}
    wasm = [path for path, policy in policies.items() if "'wasm-unsafe-eval'" in policy]
    assert wasm == [SEARCH, "/pagefind/pagefind-worker.js"]
    assert not (site / "pagefind" / "pagefind-ui.css").exists()  # its data: icon would break img-src


@pytest.mark.browser
def test_the_search_page_under_its_header_policy_violates_nothing(open_, site_url):
    page = open_()
    response = page.goto(f"{site_url}{SEARCH}?q=abonn%C3%A9s")
    assert "'wasm-unsafe-eval'" in response.headers["content-security-policy"]
    wait_for_answer(page.page, "abonnés")
    page.settle()
    worker = [url for url in page.requests if url.endswith("/pagefind/pagefind-worker.js")]
    assert worker, "Pagefind ran without its Web Worker"
    assert page.csp_violations() == [] and page.reported_csp == []
    assert page.problems() == []
    assert page.requests_leaving(site_url) == []


# --- A fresh site, built for publishing, with a draft ---------------------------------------------

PUBLISHED = "Title: Le quetzalcoatlisme\nDate: 2017-02-01 09:00\nCategory: Essais\nTags: essai\nSlug: essai\n\n"
DRAFT = "Title: Un brouillon\nDate: 2017-02-02 09:00\nCategory: Essais\nStatus: draft\nSlug: brouillon\n\n"


def index_texts(site: Path) -> dict[str, bytes]:
    """Return every file of the search index, Pagefind's gzipped pf_* files decompressed."""
    texts = {}
    for path in sorted((site / search_index.BUNDLE).rglob("*")):
        if path.is_file() and not path.name.endswith((".gz", ".br")):
            data = path.read_bytes()
            texts[path.relative_to(site).as_posix()] = gzip.decompress(data) if ".pf_" in path.name else data
    return texts


@pytest.mark.slow
@pytest.mark.browser
def test_a_fresh_publish_build_finds_its_posts_and_never_a_draft(new_project, open_):
    project = new_project("search")
    posts = project / "content" / "posts"
    (posts / "essai.md").write_text(PUBLISHED + "Le mot quetzalcoatlisme n'est écrit que dans ce billet.\n")
    (posts / "brouillon.md").write_text(DRAFT + "Le mot xylophonistes n'est écrit que dans ce brouillon.\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    site = build(project, "publishconf.py", env={"SITE_URL": url})
    texts = index_texts(site)
    assert any(name.endswith(".pf_index") for name in texts) and any(".pf_fragment" in name for name in texts)
    assert any(b"quetzalcoatl" in data for data in texts.values())  # the index is read: a published word is there
    assert [name for name, data in texts.items() if b"xylophon" in data or b"brouillon" in data] == []
    with serving(site, port):
        page = open_()
        assert search(page, url, "quetzalcoatlisme")[:1] == ["/2017/02/essai/"]
        assert search(page, url, "xylophonistes") == []
        assert page.page.locator("[data-search-status]").inner_text().startswith("Aucun résultat")
        assert "/brouillons/brouillon/" not in search(page, url, "brouillon")
        # The demo's other cases hold on this publish build too (absolute URLs, precompressed files).
        assert search(page, url, "abonnés youtube")[0] == METRIC
        assert search(page, url, "distribuerons")[:1] == [PLATFORM_POST]
        page.goto(url + "/2017/02/essai/")
        field = page.page.get_by_role("searchbox", name="Rechercher sur le site")
        field.fill("quetzalcoatlisme")
        field.press("Enter")
        page.page.wait_for_url(re.compile(r"/recherche/\?q=quetzalcoatlisme$"))
        wait_for_answer(page.page, "quetzalcoatlisme")
        assert results(page.page) == ["/2017/02/essai/"]
        assert page.csp_violations() == [] and page.problems() == []
    # Development builds show drafts, but search never indexes them there either (README, "Search").
    site = build(project, "pelicanconf.py")
    assert (site / "brouillons" / "brouillon" / "index.html").is_file()
    assert [name for name, data in index_texts(site).items() if b"xylophon" in data] == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_at_all_on_the_search_page(open_, site_url, scheme):
    """Not even a minor or moderate rule: results, filters opened, a filter checked."""
    page = open_(bypass_csp=True, color_scheme=scheme)  # axe is injected inline
    search(page, site_url, "campagne")
    page.page.locator("[data-search-filters-box] > summary").click()
    page.page.locator(".search-filter input").first.check()
    page.page.wait_for_selector("[data-search-results]:not([aria-busy]) .search-result")
    page.page.add_script_tag(path=str(AXE))
    violations = page.page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    lines = [f"{v['id']} ({v['impact']}): {n['html'][:160]}" for v in violations for n in v["nodes"]]
    assert lines == [], "\n".join(lines)
