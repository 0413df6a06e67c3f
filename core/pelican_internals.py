"""Every use of Pelican's internals, in one place: when Pelican is upgraded, read this file.

Written against Pelican 4.12. The reader, the incremental writer and the preview stand on what
Pelican does inside its reader, writer and generators (rules of a private method, the signature
of Writer.write_file, the generators' lists, memo caches and output steps); they reach all of it
through the names below, never directly.
"""

import logging
import os

from pelican import signals
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED
from pelican.writers import FileOverwriteFailedError, Writer

logger = logging.getLogger(__name__)


# --- The Markdown reader -----------------------------------------------------------------------
def markdown_metadata(reader, meta: dict[str, list[str]], formatted: dict[str, str],
                      source_path: str) -> dict:
    """Pelican's metadata objects from the raw values of a Markdown source, by the rules of
    MarkdownReader._parse_metadata (the first of a repeated key that allows one value; a list
    for a repeated key that allows several), with the formatted fields already converted."""
    output = {}
    for name, values in meta.items():
        if name in formatted:
            output[name] = reader.process_metadata(name, formatted[name])
        elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
            if len(values) > 1:
                logger.warning("Duplicate definition of `%s` for %s. Using first one.",
                               name, source_path)
            output[name] = reader.process_metadata(name, values[0])
        elif len(values) > 1:
            output[name] = reader.process_metadata(name, values)
        else:
            output[name] = reader.process_metadata(name, values[0])
    return output


# --- The writer --------------------------------------------------------------------------------
# What Writer.write_file adds to the global context besides its keyword arguments, for
# `articles`/`dates` when it paginates them.
WRITER_KEYS = {"output_file", "localsiteurl"}
PAGINATION_SUFFIXES = ("_paginator", "_page", "_previous_page", "_next_page")


class TemplateWrappingWriter(Writer):
    """Pelican's writer, each page rendered through `wrap(template, context, own_keys)`, where
    `own_keys` are the names of the values this page has beyond the global context."""

    def wrap(self, template, context: dict, own_keys: set[str]):
        return template

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        paged = paginated if paginated is not None else {"articles", "dates"} & kwargs.keys()
        own_keys = WRITER_KEYS | kwargs.keys() | {
            key + suffix for key in paged for suffix in PAGINATION_SUFFIXES}
        return super().write_file(
            name, self.wrap(template, context, own_keys), context, relative_urls, paginated,
            template_name, override_output, url, **kwargs)


def written_files(writer) -> tuple[set[str], set[str]]:
    """The files `writer` has written and those it has overwritten, by which Pelican refuses to
    write a file twice (the sets themselves)."""
    return writer._written_files, writer._overridden_files


def refuse_second_write(path: str) -> None:
    """Pelican's refusal of a second write of one file, as its writer says it."""
    raise FileOverwriteFailedError(
        f'Failed to overwrite "{path}" as Pelican has already written to it previously '
        "(set `override=True` if intended)")


# --- The generators ----------------------------------------------------------------------------
# Lists of the generators that hold an edition's articles and pages (translations included).
CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def holds_contents(generator) -> bool:
    """True for the generators of articles and of pages."""
    return isinstance(generator, (ArticlesGenerator, PagesGenerator))


def edition_contents(generator) -> list[Content]:
    """The articles and pages a generator holds, with the other languages' versions of them."""
    if not holds_contents(generator):
        return []
    held = {}
    for name in CONTENT_LISTS:
        for content in getattr(generator, name, None) or []:
            for version in (content, *getattr(content, "translations", [])):
                held[id(version)] = version
    return list(held.values())


def freeze_urls(generators: list) -> None:
    """Each article's and page's address worked out once, when the model is made: Pelican works
    it out anew on every use (each card and link naming it), a tenth of rendering. It is kept
    where Pelican keeps an address given in advance, `override_url` (which a `URL:` line would
    set: the lint refuses those)."""
    for generator in generators:
        for content in edition_contents(generator):
            if not hasattr(content, "override_url"):
                content.override_url = content.url


def content_lists(generator) -> dict[str, list]:
    """The generator's lists of contents by name, to narrow and restore them."""
    return {name: getattr(generator, name) for name in CONTENT_LISTS
            if isinstance(getattr(generator, name, None), list)}


def read_source(generator, content: Content) -> Content:
    """`content`'s source read again as its generator read it, signals included."""
    if isinstance(generator, ArticlesGenerator):
        kind, preread, context = Article, signals.article_generator_preread, signals.article_generator_context
    else:
        kind, preread, context = Page, signals.page_generator_preread, signals.page_generator_context
    return generator.readers.read_file(
        base_path=generator.path, path=os.path.relpath(content.source_path, generator.path),
        content_class=kind, context=generator.context, preread_signal=preread,
        preread_sender=generator, context_signal=context, context_sender=generator)


def forget_rendered_text(content: Content | None = None) -> None:
    """Drop Pelican's memo of the rendered text and summary of `content` (of every content when
    None): it would serve the old text, and grow with every build of a long session."""
    for memo in (Content.get_content.cache, Content.get_summary.cache):
        if content is None:
            memo.clear()
            continue
        for key in [key for key in memo if key and key[0] is content]:
            del memo[key]


ATTACHING = ("{attach}", "|attach|")


def settle_attachments(contents: list[Content]) -> None:
    """Render now the text of the contents that attach a file: Pelican moves an attached file
    beside the content that attaches it when that text is first rendered (Static.attach_to),
    which must happen in the process that then writes the static files."""
    for content in contents:
        if any(marker in (content._content or "") for marker in ATTACHING):
            content.get_content(content.get_siteurl())


def write_feeds(generator, writer) -> None:
    """The generator's feeds, through `writer` (articles only)."""
    if isinstance(generator, ArticlesGenerator):
        generator.generate_feeds(writer)


def write_content_pages(generator, writer) -> None:
    """The generator's pages of articles or pages, through `writer`: Pelican's own code decides
    every page's template, context and address."""
    if isinstance(generator, ArticlesGenerator):
        generator.generate_pages(writer)
    else:
        generator.generate_output(writer)


# --- An edition's model, kept between processes (bantin/resume.py) -----------------------------
# What a generator of articles or pages made of the sources: its lists, and the context every
# generator and content of the edition shares.
MODEL_ATTRIBUTES = CONTENT_LISTS + ("dates", "categories", "tags", "authors", "related_posts",
                                    "period_archives", "context")


def generator_model(generator) -> dict:
    """The model a generator of articles or pages made, by attribute."""
    return {name: getattr(generator, name) for name in MODEL_ATTRIBUTES if hasattr(generator, name)}


def fresh_generators(pelican) -> list:
    """The generators of a Pelican run, made as Pelican.run makes them (signals included), with
    nothing read yet."""
    context = pelican.settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={},
                   localsiteurl=pelican.settings["SITEURL"])
    return [cls(context=context, settings=pelican.settings, path=pelican.path,
                theme=pelican.theme, output_path=pelican.output_path)
            for cls in pelican._get_generator_classes()]


def restore_model(generator, model: dict) -> None:
    """Give a fresh generator the model another process's generator made (generator_model)."""
    for name, value in model.items():
        setattr(generator, name, value)
