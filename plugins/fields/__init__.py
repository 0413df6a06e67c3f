"""Fields (lĩnh vực): the site's categories, in the order and with the names set in FIELDS.

Editors file an article under the Vietnamese name; each edition shows the name in its own
language, so the English edition has /en/linh-vuc/youth-union/ for "Đoàn thanh niên". The ribbon
navigation lists the fields that have articles, in settings order (`ribbon_fields`).
"""

import logging

from pelican import signals
from pelican.urlwrappers import Category

from core.source import field_names

logger = logging.getLogger(__name__)


def translate_category(generator, metadata: dict) -> None:
    """Replace the written field by its name in the edition's language."""
    category = metadata.get("category")
    if category is None:
        return
    field = field_names(generator.settings).get(category.name.casefold())
    if field is None:
        logger.warning("Unknown field %r in %s", category.name, metadata.get("title", ""))
        return
    lang = generator.settings["DEFAULT_LANG"]
    name = field.get(lang, next(iter(field.values())))  # untranslated: the Vietnamese name
    metadata["category"] = Category(name, generator.settings)


def add_ribbon(generator) -> None:
    """`ribbon_fields`: the categories that have articles, in FIELDS order."""
    order = {name: position for position, name in enumerate(field_names(generator.settings))}
    present = [category for category, _ in generator.categories]
    generator.context["ribbon_fields"] = sorted(
        present, key=lambda category: order.get(category.name.casefold(), len(order))
    )


def register() -> None:
    signals.article_generator_context.connect(translate_category)
    signals.article_generator_finalized.connect(add_ribbon)
