"""Settings of Bản tin for previews on an editor's machine. publishconf.py builds on these.

Every setting of the project lives here (or in publishconf.py); the code only reads them.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # the slug rule below comes from the project's own code
    sys.path.insert(0, str(ROOT))
from core.vietnamese import SLUG_REGEX_SUBSTITUTIONS as SLUG_RULE  # noqa: E402

# --- Site -------------------------------------------------------------------------------------
SITENAME = "Bản tin Đoàn Khối các cơ quan tỉnh"
SITE_ORGANISATION = "Đoàn Khối các cơ quan tỉnh Hà Nam"
# The site's <meta name="description"> where a page has no summary of its own.
SITE_DESCRIPTION = ("Tin hoạt động của Đảng, Đoàn thanh niên, Công đoàn, Nữ công, Cựu chiến binh "
                    "và văn hóa - thể thao trong Khối các cơ quan tỉnh Hà Nam.")
SITEURL = ""
RELATIVE_URLS = False
DEFAULT_LANG = "vi"
# The footer's block, as Vietnamese public bodies' sites carry it (theme partials/footer.html): the
# governing body ("Cơ quan chủ quản"), address, telephone (a tel: link, spaces left out), email, and
# who answers for the content ("Chịu trách nhiệm nội dung"); the English edition's in
# EDITION_SETTINGS. A key left out or empty is not shown. The copyright line names
# SITE_ORGANISATION and the years of the articles.
SITE_PUBLISHER = {
    "parent_body": "Đảng ủy Khối các cơ quan tỉnh Hà Nam",
    "address": ("Tầng 3, trụ sở Đảng ủy Khối các cơ quan tỉnh, số 12 đường Lê Hoàn, phường Quang "
                "Trung, thành phố Phủ Lý, tỉnh Hà Nam"),
    "telephone": "0226 3852 000",
    "email": "lienhe@doankhoi.example.vn",
    "responsible": "Đinh Đức Trung, Bí thư Đoàn Khối các cơ quan tỉnh",
}
# The picture social networks show for an article without a photo of its own (plugins/sharing):
# the organisation's logo on its colour, at the 1200x630 pixels they expect; its text alternative
# is SITE_ORGANISATION. A file of content/images/.
SHARE_IMAGE = {"url": "images/share.png", "width": 1200, "height": 630}
# Plain share links under each article (theme partials/share.html), with {url} and {title}
# URL-encoded; no script of theirs is loaded. Phones that have a share sheet (Web Share API, which
# lists Zalo, Messenger, ...) get it instead; an email link and "copy the link" are always there.
# Zalo documents no share address of its own; this is the one its apps and site answer.
SHARE_LINKS = [
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("Zalo", "https://zalo.me/share?url={url}"),
]
# og:locale of each edition: Open Graph wants language_TERRITORY (sharing sites assume en_US).
OG_LOCALES = {"vi": "vi_VN", "en": "en_GB"}
# Languages of the site, the default first; each has its own edition: the default at /, the others
# under /<lang>/ (plugins/editions). A new language needs a line here, its EDITION_SETTINGS and a
# catalog theme/translations/<lang>/LC_MESSAGES/messages.po; the templates stay as they are.
EDITIONS = ["vi", "en"]
# What differs in an edition. Each X_URL also sets X_SAVE_AS to X_URL + "index.html".
EDITION_SETTINGS = {
    "en": {
        "SITENAME": "Bulletin of the Youth Union of the Hà Nam Provincial Agencies Bloc",
        "SITE_ORGANISATION": "Youth Union of the Hà Nam Provincial Agencies Bloc",
        "SITE_DESCRIPTION": ("News of the Party, the Youth Union, the trade unions, women's affairs, "
                             "veterans, culture and sports in the provincial agencies of Hà Nam."),
        "ARTICLE_URL": "news/{date:%Y}/{slug}/",
        "DRAFT_URL": "drafts/{slug}/",
        "CATEGORY_URL": "fields/{slug}/",
        "CATEGORIES_URL": "fields/",
        "TAG_URL": "tags/{slug}/",
        "TAGS_URL": "tags/",
        "AUTHOR_URL": "authors/{slug}/",
        "ARCHIVES_URL": "archives/",
        "YEAR_ARCHIVE_URL": "archives/{date:%Y}/",
        "MONTH_ARCHIVE_URL": "archives/{date:%Y}/{date:%m}/",
        "SEARCH_URL": "search/",
        "SITE_PUBLISHER": {
            "parent_body": "Party Committee of the Hà Nam Provincial Agencies Bloc",
            "address": ("3rd floor, Party Committee of the Provincial Agencies Bloc, 12 Lê Hoàn "
                        "street, Quang Trung ward, Phủ Lý city, Hà Nam province, Vietnam"),
            "telephone": "+84 226 3852 000",
            "email": "lienhe@doankhoi.example.vn",
            "responsible": "Đinh Đức Trung, Secretary of the Bloc Youth Union",
        },
        "PAGINATION_PATTERNS": (
            (1, "{url}", "{save_as}"),
            (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
        ),
    },
}
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"

# Babel date patterns per language. CLDR's short pattern for vi is d/M/yy, which nobody here writes.
LONG_DATE_PATTERNS = {"vi": "EEEE, dd/MM/yyyy", "en": "EEEE, d MMMM yyyy"}

# --- Fields (categories), in ribbon order ----------------------------------------------------------
# Editors write the Vietnamese name in `Category:`; the English edition shows the English one.
FIELDS = [
    {"vi": "Xây dựng Đảng", "en": "Party Building"},
    {"vi": "Đoàn thanh niên", "en": "Youth Union"},
    {"vi": "Công đoàn", "en": "Trade Union"},
    {"vi": "Nữ công", "en": "Women's Affairs"},
    {"vi": "Cựu chiến binh", "en": "Veterans"},
    {"vi": "Văn hóa - Thể thao", "en": "Culture and Sports"},
]

# The old portal's field names ("Tin theo lĩnh vực <name>") -> the Vietnamese name of a FIELDS
# entry, for `invoke import-legacy`. Matched without regard to case or accents; a page filed
# under a name missing here is reported and not imported.
LEGACY_FIELD_MAP = {
    "Xây dựng Đảng": "Xây dựng Đảng",
    "Công tác Đảng": "Xây dựng Đảng",
    "Đoàn thanh niên": "Đoàn thanh niên",
    "Công tác Đoàn": "Đoàn thanh niên",
    "Công đoàn": "Công đoàn",
    "Nữ công": "Nữ công",
    "Cựu chiến binh": "Cựu chiến binh",
    "Văn hóa - Thể thao": "Văn hóa - Thể thao",
    "Văn hóa, thể thao": "Văn hóa - Thể thao",
}

# --- Content --------------------------------------------------------------------------------------
PATH = str(ROOT / "content")
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Photos are found by the article reader (plugins/photos) next to index.md, not as static files.
ARTICLE_EXCLUDES = []
READERS = {"html": None, "rst": None}  # Markdown only: one authoring format for editors
DEFAULT_METADATA = {}
# A source larger than this is refused by the lint (a pasted document, not an article).
MAX_SOURCE_BYTES = 2_000_000
# A translation lies beside the article (index.en.md beside index.md; gioi-thieu.en.md beside
# gioi-thieu.md): the language in its name is its Lang unless it writes one, and plugins/editions
# links the versions by folder and name, whatever their Slug (Pelican's own linking, by Slug,
# warns in every edition that lacks one version).
FILENAME_METADATA = r".*\.(?P<lang>" + "|".join(EDITIONS) + r")$"
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
# Scheduled articles: a source dated after now (core.clock: the real time, or BANTIN_NOW) waits
# for its date (plugins/schedule); the lint says when it will appear, CI rebuilds every hour.
SCHEDULED_PUBLISHING = True
# Pelican's own handling of future dates reads the real clock and would publish such an article as
# a draft; plugins/schedule holds it back instead, so Pelican takes every date as it comes.
WITH_FUTURE_DATES = True

# Clean directory URLs: /tin/2021/hoi-nghi-.../ and never .html.
ARTICLE_URL = "tin/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ""  # each edition writes its own language only
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = ""
DRAFT_URL = "nhap/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
DRAFT_LANG_SAVE_AS = ""
CATEGORY_URL = "linh-vuc/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_URL = "linh-vuc/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_URL = "the/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_SAVE_AS = ""
ARCHIVES_URL = "luu-tru/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "luu-tru/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "luu-tru/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
INDEX_URL = ""  # the home page is the site root, for canonical URLs and page 1 links
INDEX_SAVE_AS = "index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)
DEFAULT_PAGINATION = 10
# The lists that grow with the archive are paged, so that no page outgrows SIZE_BUDGETS: the home
# page, fields, tags, authors and month archives (None: DEFAULT_PAGINATION items a page). Year
# pages list their months instead, and the archives page the years (plugins/archives).
PAGINATED_TEMPLATES = {"index": None, "category": None, "tag": None, "author": None,
                       "period_archives": None}


def newest_first(article):
    """Newest first; articles dated the same minute by slug, so that every build lists them in
    the same order (Pelican reads the sources in no fixed order)."""
    return (-article.date.timestamp(), article.slug)


ARTICLE_ORDER_BY = newest_first
SLUGIFY_SOURCE = "title"
# One slug rule (core.vietnamese.slugify) for every address: articles and pages without a Slug,
# fields, tags and authors.
SLUG_REGEX_SUBSTITUTIONS = SLUG_RULE
CATEGORY_REGEX_SUBSTITUTIONS = SLUG_RULE
TAG_REGEX_SUBSTITUTIONS = SLUG_RULE
AUTHOR_REGEX_SUBSTITUTIONS = SLUG_RULE

# Atom feeds: the whole edition and each field (autodiscovery in partials/meta.html). Photos in
# the entries get absolute URLs after the build (plugins/feeds/absolute.py). FEED_ATOM, not FEED_ALL_ATOM:
# Pelican adds every translation to the latter, so an edition's feed would mix languages.
FEED_ATOM = "feeds/all.atom.xml"
FEED_MAX_ITEMS = 30  # the newest; the archive pages hold the rest
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
# The Slug of the page (content/pages, hidden from the menus) that explains news readers to
# readers; each field page links to it beside its feed.
FEED_HELP_SLUG = "theo-doi-tin"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# --- Markdown -------------------------------------------------------------------------------------
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},  # curly quotes and dashes, right for Vietnamese
    },
    "output_format": "html5",
}
# Typography by typogrify: curly quotes, dashes, no widowed last word. plugins/reader applies it
# (READER_TYPOGRIFY) so that it is cached with the rest of the conversion; Pelican's own step,
# which would run on every article at every build, stays off.
TYPOGRIFY = False
READER_TYPOGRIFY = True
# typogrify's `caps` only knows ASCII capitals and would style "HĐND" unlike "UBND".
TYPOGRIFY_IGNORE_TAGS = ["pre", "code"]
TYPOGRIFY_OMIT_FILTERS = ["caps"]

# --- Theme ----------------------------------------------------------------------------------------
THEME = str(ROOT / "theme")
THEME_STATIC_DIR = "theme"
# The theme's CSS, JS and icons are published once for every edition, minified and under names
# that carry a hash of their content (plugins/assets), from these theme folders; Pelican's own
# unhashed copy into every edition is off.
ASSET_PATHS = ["static"]
THEME_STATIC_PATHS = []
# 404.html is the page static hosts serve for unknown addresses.
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "404", "search"]
# The search page (theme/templates/search.html); its index is built by plugins/search/index.py.
SEARCH_URL = "tim-kiem/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"
# Templates are read once per build (every build, the preview session's included, makes its
# own environment): without auto_reload each page's includes are not checked on disk again.
JINJA_ENVIRONMENT = {"extensions": ["jinja2.ext.i18n"], "trim_blocks": True, "lstrip_blocks": True,
                     "auto_reload": False}

# --- Plugins (listed explicitly: Pelican would otherwise load every installed one) ------------------
PLUGIN_PATHS = [str(ROOT)]
PLUGINS = [
    "plugins.reader",
    "plugins.schedule",
    "plugins.fields",
    "plugins.dates",
    "plugins.i18n",
    "plugins.editions",
    "plugins.redirects",
    "plugins.photos",
    "plugins.assets",
    "plugins.search",
    "plugins.feeds",
    "plugins.sharing",
    "plugins.sitemap",
    "plugins.incremental",
    "plugins.archives",
]

# --- Photos (plugins/photos) -----------------------------------------------------------------------
# Published widths in pixels (never upscaled): phones at 1x/2x, the article column at 2x.
PHOTO_WIDTHS = [480, 800, 1200, 1600]
# Qualities chosen by measurement on real photos (README.md, "Photos").
PHOTO_WEBP_QUALITY = 80
PHOTO_JPEG_QUALITY = 80
PHOTO_WEBP_METHOD = 4  # libwebp effort 0-6: 4 is its default balance of size and speed
# The width of an article photo's <img src>, for browsers that do not read srcset.
PHOTO_DEFAULT_WIDTH = 800
# How wide photos are shown: the article column is at most 40em (theme/static/css).
PHOTO_SIZES = "(min-width: 48em) 40em, 100vw"
# Smaller widths made for an article's card photo only (the thumbnail in lists and search
# results: 6.5rem on a phone, so 160-320 px at 1.5x-3x), added to its srcset in cards.
PHOTO_CARD_WIDTHS = [160, 240, 320]
# Open Graph and JSON-LD give social networks and search engines the article's photo at this
# width (or its widest below): 1200 px is what Facebook, Zalo and Google ask for.
PHOTO_SHARE_WIDTH = 1200
# How wide a card's photo is shown in each layout of theme/static/css/site.css, as `sizes`, so
# that a phone downloads the width it shows (checked at 390, 768 and 1280 px by
# tests/browser/test_card_images.py). "list": field, tag and archive lists and search results
# (6.5rem, 12rem from 40em); "compact": the related list after an article (beside it from
# 64em); "grid": the home page's three columns from 48em in a container of at most 70rem;
# "lead": the home page's newest story; "columns": a field page's two columns from 64em.
CARD_IMAGE_SIZES = {
    "list": "(min-width: 40em) 12rem, 6.5rem",
    "compact": "(min-width: 64em) 5.5rem, (min-width: 40em) 12rem, 6.5rem",
    "grid": "(min-width: 70rem) 21rem, (min-width: 48em) calc((100vw - 7rem) / 3), "
            "(min-width: 40em) 12rem, 6.5rem",
    "lead": "(min-width: 70rem) 39rem, (min-width: 48em) calc((100vw - 5rem) * .6), "
            "(min-width: 40em) calc(100vw - 3rem), calc(100vw - 2rem)",
    "columns": "(min-width: 70rem) 32.25rem, (min-width: 64em) calc((100vw - 5.5rem) / 2), "
               "(min-width: 40em) 12rem, 6.5rem",
}
# Larger images are refused as likely decompression bombs (a 12 MP phone photo is far below).
PHOTO_MAX_PIXELS = 60_000_000
# Originals (with their EXIF location and camera serial) stay off the site unless this is set.
PHOTO_PUBLISH_ORIGINALS = False
PHOTO_CACHE_PATH = str(ROOT / "cache" / "photos")

# --- Editing desk (/admin/ of `invoke livereload`, bantin/desk) -----------------------------------
# Largest request the desk takes: an article saved with its new photos (sent base64, a third
# larger than the files); below tornado's own limit of 100 MB.
DESK_MAX_REQUEST_BYTES = 96_000_000
# The git host of the desk published online at /admin/ (bantin/desk/online.py), e.g.
# {"name": "github", "repo": "doankhoi/bantin", "base_url": "https://auth.example.vn"} or
# {"name": "gitlab", "repo": "doankhoi/bantin", "auth_type": "pkce", "app_id": "..."} or
# {"name": "forgejo", "repo": "doankhoi/bantin", "base_url": "https://git.example.vn",
#  "api_root": "https://git.example.vn/api/v1", "app_id": "..."} (README: Editing desk).
# None: the desk exists only in the preview, and /admin/ is never published.
DESK_BACKEND = None

# --- Build ----------------------------------------------------------------------------------------
OUTPUT_PATH = str(ROOT / "output")
CACHE_PATH = str(ROOT / "cache" / "pelican")
DELETE_OUTPUT_DIRECTORY = False  # the build writes to a fresh staging folder and swaps it in
# Precompressed .gz/.br copies of text files, for static hosting: publishing makes them.
PRECOMPRESS = False
# Strict mode: any warning or error fails the build and output/ keeps the last good site.
STRICT = False
# The libraries whose versions are part of every cache key (core/fingerprint.py): a cache filled
# by another version of one of them is not trusted.
CODE_FINGERPRINT_LIBRARIES = ["pelican", "markdown", "typogrify", "smartypants", "pillow"]
# A figure's image has an empty alt on purpose when its caption already describes it
# (plugins/reader/figures): a screen reader must not read the same text twice.
LOG_FILTER = [
    (30, "Empty alt attribute for image %s in %s"),
    (30, "Other images have empty alt attributes"),
    # Previews have no SITEURL, so their feeds hold site-relative links; publishconf.py sets one.
    (30, "Feeds generated without SITEURL or FEED_DOMAIN set properly may not be valid"),
]

# --- Publishing checks and hosting ----------------------------------------------------------------
# Largest size, in bytes, of one published file, by suffix (bantin/site_checks): readers are mostly
# on phones over slow connections. "default" covers every other suffix.
SIZE_BUDGETS = {
    "html": 100_000,
    "css": 50_000,
    "js": 200_000,  # Pagefind's search interface is 120-175 kB
    "svg": 50_000,
    "jpg": 500_000,
    "jpeg": 500_000,
    "png": 500_000,
    "webp": 500_000,
    "avif": 500_000,
    "default": 1_000_000,
    # Every file of the desk published at /admin/ (DESK_BACKEND): the CMS's own bundle, loaded by
    # editors, never by readers.
    "desk": 6_000_000,
}
# One policy for the templates' <meta http-equiv> tag and the _headers file (bantin/headers):
# nothing inline, nothing from another origin. 'wasm-unsafe-eval' lets the search page run
# Pagefind's WebAssembly (no JavaScript eval).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'"
)
# Directives browsers obey only from a header (from a meta tag they are ignored, with a console
# error): added to the policy in _headers alone.
CONTENT_SECURITY_POLICY_HEADER_ONLY = "frame-ancestors 'none'"
# The other security headers of every path in _headers, for hosts that read one.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# The preview (invoke livereload) adds one inline script that reloads the page on save.
LIVERELOAD_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
)
