"""Scheduled articles: a source dated after now (core.clock) is not read into the edition until
its date, so nothing shows it (pages, lists, feeds, sitemap, search, its photos, its
translations' links). Pelican's own WITH_FUTURE_DATES stays on: it would read the real clock
and publish the article as a draft at DRAFT_URL, where anyone could find it.

The lint says when each held-back source will appear (`scheduled`, information only); CI
rebuilds every hour so that it appears on time without anyone pushing.
"""

from pelican import signals

from core.clock import is_scheduled, now


def hold_back(generator, metadata: dict) -> None:
    """Pelican skips a source whose status is 'skip' before making anything of it."""
    if generator.settings.get("SCHEDULED_PUBLISHING") and is_scheduled(
        metadata.get("date"), now(generator.settings)
    ):
        metadata["status"] = "skip"


def register() -> None:
    signals.article_generator_context.connect(hold_back)
    signals.page_generator_context.connect(hold_back)
