"""What a page hands to those who show it elsewhere: browser tabs, social networks, search engines.

The no-widow rule (typography) joins a title's last two words with a no-break space, which is right
in a heading on the page and wrong in a `<title>`, an `og:title` or a JSON-LD headline, where
another program lays the text out. `plain` gives the text without markup and with ordinary spaces;
`shorten` cuts it at a word, with an ellipsis, for the places that have a length limit (the
JSON-LD headline, the breadcrumb). `share_image` is the article's photo at the width social
networks expect (`share_photo`, plugins/photos), or the site's own share image (SHARE_IMAGE: the
organisation's logo on its colour, 1200x630) for an article without a photo, so that a shared link never shows up bare.
`share_link` fills in the plain share links under an article.
"""

from urllib.parse import quote

from markupsafe import Markup
from pelican import signals

NO_BREAK_SPACE = "\u00a0"
ELLIPSIS = "…"


def plain(html: str) -> str:
    """`html` as plain text, tags and entities resolved, no-break spaces made ordinary spaces."""
    return " ".join(Markup(str(html)).striptags().replace(NO_BREAK_SPACE, " ").split())


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut after a whole word and ended by an ellipsis."""
    text = plain(text)
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS) + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head[:-1]  # one long word: cut inside it
    return cut.rstrip(" ,;:.–-") + ELLIPSIS


def share_link(pattern: str, url: str, title: str) -> str:
    """A share address of SHARE_LINKS (or `mailto:`) with `{url}` and `{title}` filled in, each
    percent-encoded whole, as a query string value must be."""
    return pattern.format(url=quote(url, safe=""), title=quote(plain(title), safe=""))


def fallback_image(settings: dict) -> dict:
    """The site's share image as an article's `share_photo` looks: url, width, height, alt."""
    image = settings["SHARE_IMAGE"]
    return {"url": image["url"], "width": image["width"], "height": image["height"],
            "alt": settings["SITE_ORGANISATION"]}


def add_filters(generator) -> None:
    fallback = fallback_image(generator.settings)
    generator.env.filters["plain"] = plain
    generator.env.filters["shorten"] = shorten
    generator.env.filters["share_link"] = share_link
    generator.env.filters["share_image"] = lambda article: getattr(article, "share_photo", None) or fallback


def register() -> None:
    signals.generator_init.connect(add_filters)
