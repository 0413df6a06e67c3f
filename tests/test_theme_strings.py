"""Every interface string of the templates goes through gettext and is translated in each
catalog; the templates themselves hold no visible text."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "theme" / "templates"
CATALOGS = sorted((ROOT / "theme" / "translations").glob("*/LC_MESSAGES/messages.po"))
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}


def template_msgids() -> set:
    messages = extract_from_dir(
        str(TEMPLATES), method_map=[("**.html", "jinja2")], options_map={"**.html": JINJA_OPTIONS}
    )
    return {message for _, _, message, _, _ in messages}


def visible_text(template: str) -> str:
    """What a template shows that does not come from a Jinja expression or gettext."""
    text = re.sub(r"\{%-? trans .*?endtrans -?%\}", " ", template, flags=re.S)
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>|[\w-]+=\"[^\"]*\"", " ", text)  # tags, attributes built by macros
    return re.sub(r"&\w+;", " ", text)


def test_catalogs_exist_for_vi_and_en():
    assert {path.parts[-3] for path in CATALOGS} >= {"vi", "en"}


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_show_no_text_outside_gettext(template):
    source = template.read_text(encoding="utf-8")
    assert not re.search(r"\w", visible_text(source)), f"{template.name}: untranslated text"
    attributes = re.findall(r'(?:aria-label|alt|title|placeholder)="([^"{]+)"', source)
    assert not attributes, f"{template.name}: untranslated attribute text {attributes}"


@pytest.mark.parametrize("catalog_path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_translates_every_template_string(catalog_path):
    with catalog_path.open("rb") as source:
        catalog = read_po(source)
    for msgid in template_msgids():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        assert message is not None, f"{catalog_path}: missing {key!r}"
        assert not message.fuzzy, f"{catalog_path}: fuzzy {key!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{catalog_path}: untranslated {key!r}"
