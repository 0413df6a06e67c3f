"""Feed-level metadata of the Atom feeds, set as Pelican makes each feed.

Pelican gives every feed of an edition the same `<id>` and `rel="alternate"` (the edition's home)
and no language. RFC 4287 wants each feed's id unique and permanent, and a news reader shows the
alternate link as "the website" of the feed, so:
- the id of a feed is its own address (`rel="self"`), unique per feed and as lasting as it;
- a field's feed links to the field's page, the edition's feed to the edition's home;
- `xml:lang` on `<feed>` is the edition's language;
- entry titles lose the no-break space the no-widow rule puts before the last word, which is for
  headings on a page, not for the text a reader sees in a list of news.
Links and photos inside entries are made absolute after the build (plugins/feeds/absolute.py).
"""

from pelican import signals

NO_BREAK_SPACE = "\u00a0"


def complete_feed(context: dict, feed) -> None:
    """Give `feed` (a feedgenerator Atom1Feed) its own id, its page and its language."""
    metadata = feed.feed
    metadata["id"] = metadata["feed_url"]
    metadata["language"] = context["DEFAULT_LANG"]
    pattern = context.get("CATEGORY_FEED_ATOM")
    for category, _ in context.get("categories", []) if pattern else []:
        if metadata["feed_url"].endswith("/" + pattern.format(slug=category.slug)):
            metadata["link"] = f"{context['SITEURL']}/{category.url}"
            break
    for item in feed.items:
        item["title"] = item["title"].replace(NO_BREAK_SPACE, " ")


def register() -> None:
    signals.feed_generated.connect(complete_feed)
