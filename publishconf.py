"""Publish settings: absolute URLs and feeds on top of `pelicanconf.py`."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITE_URL", "https://blog.example-campagne.fr")
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "flux/tous.atom.xml"
FEED_ALL_RSS = "flux/tous.rss.xml"
CATEGORY_FEED_ATOM = "flux/categorie/{slug}.atom.xml"
CATEGORY_FEED_RSS = "flux/categorie/{slug}.rss.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

# Where `invoke publish` deploys: one place. "rsync" pushes to RSYNC_TARGET over
# ssh; "gh-pages" commits the output to that branch of this repository.
DEPLOY_METHOD = os.environ.get("DEPLOY_METHOD", "rsync")
DEPLOY_RSYNC_TARGET = os.environ.get("DEPLOY_RSYNC_TARGET", "campagne@blog.example-campagne.fr:/srv/blog")
DEPLOY_GH_PAGES_BRANCH = "gh-pages"
DEPLOY_GH_PAGES_PUSH = os.environ.get("DEPLOY_GH_PAGES_PUSH", "1") != "0"
