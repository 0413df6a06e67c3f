"""What the search index needs from each page, written by the templates themselves.

Pagefind folds tone marks but not đ/Đ, so a reader typing "doan" would miss "Đoàn". Every indexed
page therefore carries, in a `hidden` paragraph at a low Pagefind weight, the accent-free spelling
of its words that contain đ (`search_folded_words`): "doan" then finds "Đoàn", and the exact
spelling still ranks first. Hidden elements are neither shown nor read by screen readers; Pagefind
reads them from the HTML. The index itself is built by plugins/search/index.py.
"""

import functools
import re
from urllib.parse import urlsplit

from markupsafe import Markup
from pelican import signals

from core.vietnamese import strip_accents

WORDS_WITH_D = re.compile(r"\w*[đĐ]\w*")


def search_folded_words(html: str) -> str:
    """The accent-free forms of the words with đ/Đ in `html`, once each, in order."""
    text = Markup(html).striptags()
    return " ".join(dict.fromkeys(map(folded, WORDS_WITH_D.findall(text))))


@functools.lru_cache(maxsize=16384)  # the same few thousand words, on every article's page
def folded(word: str) -> str:
    return strip_accents(word).lower()


def site_path(url: str) -> str:
    """The path of a URL: result photos load from the site being searched (CSP img-src 'self')."""
    return urlsplit(url).path


def srcset_paths(srcset: str) -> str:
    """A `srcset` whose addresses are paths (site_path), for the same reason."""
    return ", ".join(" ".join([site_path(url), *rest]) for url, *rest in
                     (candidate.split() for candidate in srcset.split(",") if candidate.strip()))


def add_filters(generator) -> None:
    generator.env.filters["search_folded_words"] = search_folded_words
    generator.env.filters["site_path"] = site_path
    generator.env.filters["srcset_paths"] = srcset_paths


def register() -> None:
    signals.generator_init.connect(add_filters)
