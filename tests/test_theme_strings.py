"""The templates hold no visible text of their own: every interface string goes through
gettext (whether each catalog translates them all is checked by `invoke i18n`'s tests)."""

import re

import pytest

from conftest import ROOT

TEMPLATES = ROOT / "theme" / "templates"


def visible_text(template: str) -> str:
    """What a template shows that does not come from a Jinja expression or gettext."""
    text = re.sub(r"\{%-? trans .*?endtrans -?%\}", " ", template, flags=re.S)
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>|[\w-]+=\"[^\"]*\"", " ", text)  # tags, attributes built by macros
    return re.sub(r"&\w+;", " ", text)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_show_no_text_outside_gettext(template):
    source = template.read_text(encoding="utf-8")
    assert not re.search(r"\w", visible_text(source)), f"{template.name}: untranslated text"
    attributes = re.findall(r'(?:aria-label|alt|title|placeholder)="([^"{]+)"', source)
    assert not attributes, f"{template.name}: untranslated attribute text {attributes}"
