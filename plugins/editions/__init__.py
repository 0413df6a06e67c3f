"""Editions: one site per language of EDITIONS, the default at / and the others under /<lang>/.

`bantin.build` runs Pelican once per edition with `edition_overrides()`. Every run reads the
sources of all languages, so each article and page knows its translations; this plugin then
- gives a source with no `Lang:` the language its name says (`index.en.md`, through Pelican's
  FILENAME_METADATA), else the default edition's (not the edition being built),
- links the versions of one article by its folder, and of one page by its folder and name
  (`gioi-thieu.en.md` beside `gioi-thieu.md`), whatever their Slug,
- lists in an edition only the articles and pages written in its language (the documented
  policy: an untranslated article is absent from the other editions),
- offers templates `language_links()`: for the page being rendered, one entry per edition with
  the address of the same content there, or of that edition's home when there is none.

Addresses in other editions come from `EDITION_URLS` (every edition's SITEURL and *_URL
patterns), which the build computes once from the settings and hands to every run.
"""

import functools
import os
from collections import defaultdict
from pathlib import Path

from babel import Locale
from jinja2 import pass_context
from pelican import signals
from pelican.urlwrappers import Category

from core.editions import edition_folder, translation_key
from core.source import field_names


def edition_urls(settings: dict) -> dict[str, dict]:
    """Every edition's SITEURL and URL settings, from the default edition's settings."""
    urls = {}
    for lang in settings["EDITIONS"]:
        own = {key: value for key, value in settings.items() if key.endswith("_URL")}
        own.update(
            (key, value)
            for key, value in settings["EDITION_SETTINGS"].get(lang, {}).items()
            if key.endswith("_URL")
        )
        folder = edition_folder(settings, lang)
        own["SITEURL"] = settings["SITEURL"] + ("/" + folder if folder else "")
        urls[lang] = own
    return urls


def edition_overrides(settings: dict, lang: str, output: Path) -> dict:
    """Pelican settings overrides that build the `lang` edition into its folder of `output`.

    Each `X_URL` of EDITION_SETTINGS also sets `X_SAVE_AS` to `X_URL + "index.html"` (clean
    directory URLs) and, for articles, pages and drafts, the translation's `X_LANG_URL`.
    """
    overrides = dict(settings["EDITION_SETTINGS"].get(lang, {}))
    for key, value in list(overrides.items()):
        if key.endswith("_URL"):
            overrides.setdefault(key[: -len("URL")] + "SAVE_AS", value + "index.html")
            if key in ("ARTICLE_URL", "PAGE_URL", "DRAFT_URL"):
                overrides.setdefault(key.replace("_URL", "_LANG_URL"), value)
    folder = edition_folder(settings, lang)
    urls = edition_urls(settings)
    overrides.update(
        DEFAULT_LANG=lang,
        SITEURL=urls[lang]["SITEURL"],
        OUTPUT_PATH=str(output / folder),
        EDITION_URLS=urls,
    )
    return overrides


@functools.lru_cache(maxsize=None)  # a handful of languages, named on every page
def language_name(lang: str) -> str:
    """A language named in itself: 'Tiếng Việt', 'English', 'Français'."""
    name = Locale.parse(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


def default_language(generator, metadata: dict) -> None:
    """A source with no `Lang:` and no language in its name is in the default edition's language,
    whichever edition runs."""
    metadata.setdefault("lang", generator.settings["EDITIONS"][0])


def _in_edition(items: list, lang: str) -> list:
    return [item for item in items if item.lang == lang]


def _link_translations(items: list, kind: str) -> None:
    """Each version of an article or page gets the others as translations. (Pelican's own
    grouping, turned off by *_TRANSLATION_ID = None, groups by Slug and warns in every edition
    that lacks a version, such as a third language.)"""
    versions = defaultdict(list)
    keys = {}
    for item in items:
        keys[id(item)] = translation_key(item.source_path, kind, item.settings)
        versions[keys[id(item)]].append(item)
    for item in items:
        item.translations = [other for other in versions[keys[id(item)]] if other is not item]


def _keep_edition(generator, kinds: tuple[str, ...]) -> None:
    lang = generator.settings["DEFAULT_LANG"]
    source_kind = "page" if generator.__class__.__name__ == "PagesGenerator" else "article"
    for kind in kinds:
        items = getattr(generator, kind)
        _link_translations(items, source_kind)
        setattr(generator, kind, _in_edition(items, lang))


def keep_edition_articles(generator) -> None:
    """Only the edition's language is listed, paged, filed and archived; before dropping the
    other languages, note which fields each edition has (for the field pages' equivalents)."""
    generator.context["edition_field_urls"] = field_urls(generator.articles, generator.settings)
    _keep_edition(generator, ("articles", "hidden_articles", "drafts"))


def keep_edition_pages(generator) -> None:
    _keep_edition(generator, ("pages", "hidden_pages", "draft_pages"))
    generator.context.update(
        pages=generator.pages, hidden_pages=generator.hidden_pages, draft_pages=generator.draft_pages
    )


def field_urls(articles: list, settings: dict) -> dict[str, dict[str, str]]:
    """Field name in this edition -> {lang: address of that field's page in the lang edition},
    for the editions that have published articles in it."""
    fields = field_names(settings)
    default = settings["EDITIONS"][0]
    urls: dict[str, dict[str, str]] = {}
    for article in articles:
        field = fields.get(getattr(article, "category", None) and article.category.name.casefold())
        if field is None or article.lang not in settings["EDITION_URLS"]:
            continue
        own = settings["EDITION_URLS"][article.lang]
        slug = Category(field.get(article.lang, field[default]), settings).slug
        here = field.get(settings["DEFAULT_LANG"], field[default])
        urls.setdefault(here, {})[article.lang] = (
            own["SITEURL"] + "/" + own["CATEGORY_URL"].format(slug=slug)
        )
    return urls


def _content_url(content, urls: dict) -> str:
    kind = "ARTICLE" if content.__class__.__name__ == "Article" else "PAGE"
    return urls["SITEURL"] + "/" + urls[f"{kind}_URL"].format(**content.url_format)


def equivalents(context) -> dict[str, str]:
    """lang -> address of the page being rendered in that edition, where it has one."""
    editions = context["EDITION_URLS"]
    content = context.get("article") or context.get("page")
    if content is not None and hasattr(content, "translations"):
        return {version.lang: _content_url(version, editions[version.lang])
                for version in [content, *content.translations] if version.lang in editions}
    if "articles_page" in context and context["articles_page"].number > 1:
        return {}  # later pages of a list differ between editions
    if context.get("category") is not None:
        return context["edition_field_urls"].get(context["category"].name, {})
    # A page of DIRECT_TEMPLATES (home, archives, search...) is at its <NAME>_URL; Pelican names
    # it (page_name) by its <NAME>_SAVE_AS without the extension.
    for template in context["DIRECT_TEMPLATES"]:
        save_as = context.get(template.upper() + "_SAVE_AS") or f"{template}.html"
        if context.get("page_name") == os.path.splitext(save_as)[0]:
            key = template.upper() + "_URL"
            return {lang: urls["SITEURL"] + "/" + urls[key]
                    for lang, urls in editions.items() if key in urls}
    return {}


@pass_context
def language_links(context) -> list[dict]:
    """For the language switcher and hreflang links: one dict per edition, in EDITIONS order,
    {"lang", "name" (in itself), "url", "current", "equivalent" (same content, not a home)}.
    Empty when the site has a single edition."""
    urls = context["EDITION_URLS"]
    if len(urls) < 2:
        return []
    equivalents_here = equivalents(context)
    links = []
    for lang, own in urls.items():
        equivalent = lang in equivalents_here
        links.append({
            "lang": lang,
            "name": language_name(lang),
            "url": equivalents_here[lang] if equivalent else own["SITEURL"] + "/" + own["INDEX_URL"],
            "current": lang == context["DEFAULT_LANG"],
            "equivalent": equivalent and len(equivalents_here) > 1,
        })
    return links


def add_globals(generator) -> None:
    generator.settings.setdefault("EDITION_URLS", edition_urls(generator.settings))
    generator.context.setdefault("EDITION_URLS", generator.settings["EDITION_URLS"])
    generator.env.globals["language_links"] = language_links


def register() -> None:
    signals.article_generator_context.connect(default_language)
    signals.page_generator_context.connect(default_language)
    signals.article_generator_pretaxonomy.connect(keep_edition_articles)
    signals.page_generator_finalized.connect(keep_edition_pages)
    signals.generator_init.connect(add_globals)
