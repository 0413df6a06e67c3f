"""Settings for publishing: everything in pelicanconf.py, plus the public address and strictness."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: E402,F401,F403

# The public address, e.g. https://doankhoi.example.vn (no trailing slash).
SITEURL = os.environ.get("BANTIN_SITEURL", "https://doankhoi-hanam.github.io")
RELATIVE_URLS = False
STRICT = True
PRECOMPRESS = True
# Releases kept on an rsync target (the current one included), for `invoke rollback`.
DEPLOY_KEEP_RELEASES = 3
