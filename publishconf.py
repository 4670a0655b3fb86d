"""Publish settings: absolute URLs and feeds on top of `pelicanconf.py`."""

import os
from pathlib import Path

from pelican.settings import get_settings_from_file

# Start from the development settings, read from the file beside this one the way Pelican reads
# any settings file: no sys.path edit, and never a `pelicanconf` module left in sys.modules by
# another project's build in the same process.
globals().update(get_settings_from_file(str(Path(__file__).with_name("pelicanconf.py"))))

SITEURL = os.environ.get("SITE_URL", "https://blog.example-campagne.fr")
RELATIVE_URLS = False
# Drafts and hidden posts never reach the published site.
CAMPAIGN_SITE_DRAFTS = "omit"

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "flux/tous.atom.xml"
FEED_ALL_RSS = "flux/tous.rss.xml"
CATEGORY_FEED_ATOM = "flux/categorie/{slug}.atom.xml"
CATEGORY_FEED_RSS = "flux/categorie/{slug}.rss.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

# Where `invoke publish` deploys: one place. "rsync" pushes to DEPLOY_RSYNC_TARGET over
# ssh (served by nginx with deploy/nginx.conf); "s3" copies to S3-compatible object storage
# with rclone; "gh-pages" commits the output to that branch of this repository.
DEPLOY_METHOD = os.environ.get("DEPLOY_METHOD", "rsync")
DEPLOY_RSYNC_TARGET = os.environ.get("DEPLOY_RSYNC_TARGET", "campagne@blog.example-campagne.fr:/srv/blog")
# More rsync options, like --bwlimit=2000 on a slow uplink (ssh options: the RSYNC_RSH variable).
DEPLOY_RSYNC_OPTIONS = os.environ.get("DEPLOY_RSYNC_OPTIONS", "")
# An rclone remote and bucket (path): the remote is configured the rclone way, in rclone's config
# file or by RCLONE_CONFIG_SITE_TYPE=s3, RCLONE_CONFIG_SITE_PROVIDER, …_ENDPOINT, …_ACCESS_KEY_ID,
# …_SECRET_ACCESS_KEY in the environment. Never put a key in this file.
DEPLOY_S3_REMOTE = os.environ.get("DEPLOY_S3_REMOTE", "site:blog")
# A deploy that would delete more than this share of the remote's files (a wrong remote, a
# broken build) stops unless `invoke publish --force`.
DEPLOY_MAX_DELETE_SHARE = os.environ.get("DEPLOY_MAX_DELETE_SHARE", "0.25")
DEPLOY_GH_PAGES_BRANCH = "gh-pages"
DEPLOY_GH_PAGES_PUSH = os.environ.get("DEPLOY_GH_PAGES_PUSH", "1") != "0"
