"""Development settings: `invoke build` uses these, `publishconf.py` extends them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "Équipe numérique de la campagne"
SITENAME = "L'Avenir en commun — le blog de campagne"
SITE_DESCRIPTION = (
    "Le blog de la campagne présidentielle 2017 : nos idées, nos actions, "
    "et nos chiffres d'audience publiés en toute transparence."
)
SITEURL = ""
PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
THEME = str(ROOT / "theme")
THEME_STATIC_DIR = "theme"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
DEFAULT_DATE = None
DEFAULT_PAGINATION = 4
SUMMARY_MAX_LENGTH = 55
SUMMARY_END_SUFFIX = " …"

# Posts are read from anywhere under content/ except pages/ (Pelican's own convention), so a
# post saved in the wrong folder is published, not dropped; a file no generator takes fails
# the build (plugins/campaign_site/checks.py).
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages", "images"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
IGNORE_FILES = [".*", "*~", "#*#"]
# Drafts (Status: draft) and hidden posts: shown here, marked and listed at /brouillons/;
# publishconf.py leaves them out of the published site.
CAMPAIGN_SITE_DRAFTS = "preview"

# Pelican skips a broken post and goes on; our build runner (tools/sitebuild.py)
# turns every warning or error into a failed build instead.
DELETE_OUTPUT_DIRECTORY = False  # builds go to a fresh folder, swapped in on success
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = str(ROOT / ".cache" / "pelican")
CONTENT_CACHING_LAYER = "reader"
# Not gzipped: the cache is written on every build, and compressing it was 0.1 s of each save
# in `invoke livereload` on a 1 000-post site (4 MB on disk instead of 1 MB).
GZIP_CACHE = False

# Clean URLs. Pagination lives under the list's own folder (`…/page/2/`), so
# page 2 of tag `a1` can never collide with tag `a12` (Pelican's default
# `{name}{number}.html` does).
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = "brouillons/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
CATEGORY_URL = "categorie/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "etiquette/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "etiquettes/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
AUTHOR_URL = "auteur/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_URL = "auteurs/"
AUTHORS_SAVE_AS = AUTHORS_URL + "index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "404", "robots", "search"]
# The search page (theme/templates/search.html); every page's header form sends ?q= to it.
SEARCH_URL = "recherche/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
# robots.txt is a theme template (theme/templates/robots.txt), so it renders for any content folder.
TEMPLATE_EXTENSIONS = [".html", ".txt"]
ROBOTS_SAVE_AS = ROBOTS_URL = "robots.txt"
SLUGIFY_SOURCE = "basename"


def newest_first(article):
    """Order articles newest first, and posts of the same date by slug, so ties never depend on file order."""
    return (-article.date.timestamp(), article.slug)


ARTICLE_ORDER_BY = newest_first

# Feeds are for the published site only (publishconf.py).
FEED_DOMAIN = None
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None

# Autoescape everything templates print; Markdown output is marked |safe explicitly.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.smarty": {
            "smart_angled_quotes": True,
            "substitutions": {
                "left-angle-quote": "«&nbsp;",
                "right-angle-quote": "&nbsp;»",
            },
        },
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Installed packages (pyproject.toml; bootstrap.py installs the project), so no PLUGIN_PATHS.
PLUGINS = ["campaign_site", "transparency_stats", "pelican.plugins.sitemap"]

SITEMAP = {
    "format": "xml",
    # Chart embeds (transparence/graphique/<id>/) are for other sites' frames, marked noindex.
    "exclude": [r"^page/", r"/page/", r"^404\.html$", r"^robots\.txt$", r"^transparence/graphique/"],
}

TRANSPARENCY_STATS_PATH = str(ROOT / "stats")
TRANSPARENCY_STATS_PAGE_URL = "transparence/"

# Share links and the footer.
SHARE_MASTODON_INSTANCE = "https://mastodon.social"
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False
