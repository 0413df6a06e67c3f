"""Interface catalogs (`invoke i18n`): extract the templates' strings with Babel into
theme/translations/messages.pot, merge them into each edition's messages.po, and check that every
catalog is complete and compiles. The build compiles the .po files itself (plugins/i18n/__init__.py)."""

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.errors import Finding
from plugins.i18n import catalog_path

METHOD_MAP = [("**.html", "jinja2")]
# Babel stamps this line on every run; a catalog that differs only here is left as it was.
_STAMP = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.M)
# Header fields Babel fills with placeholders ("FULL NAME <EMAIL@ADDRESS>"): left out.
_PLACEHOLDER_HEADER = re.compile(rb'^".*(EMAIL@ADDRESS|YEAR-MO-DA|LL@li\.org).*\\n"\n', re.M)


def template_catalog(settings: dict) -> Catalog:
    """Every gettext string of the theme's templates, with where it is used."""
    templates = Path(settings["THEME"]) / "templates"
    catalog = Catalog(project=settings["SITENAME"], charset="utf-8")
    messages = extract_from_dir(
        str(templates), method_map=METHOD_MAP, options_map={"**.html": jinja_options(settings)}
    )
    for filename, lineno, message, comments, context in messages:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def jinja_options(settings: dict) -> dict[str, str]:
    """The templates are read as the site's Jinja environment reads them (JINJA_ENVIRONMENT),
    in the words of Babel's Jinja extractor."""
    options = {key: str(value) for key, value in settings["JINJA_ENVIRONMENT"].items()
               if key != "extensions"}
    return {"extensions": ",".join(settings["JINJA_ENVIRONMENT"].get("extensions", [])), **options}


def update_catalogs(settings: dict) -> tuple[list[Path], list[Finding]]:
    """Write messages.pot, merge it into the catalog of every edition (creating a missing one),
    and report what is still untranslated, fuzzy or broken. Returns (files written, findings)."""
    template = template_catalog(settings)
    translations = Path(settings["THEME"]) / "translations"
    written = [path for path in [translations / "messages.pot"] if _write(path, template)]
    findings = []
    for lang in settings["EDITIONS"]:
        path = catalog_path(settings, lang)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=lang)
        else:
            catalog = Catalog(locale=lang, project=template.project, charset="utf-8")
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()  # a string no template uses is noise for translators
        if _write(path, catalog):
            written.append(path)
        findings += check_catalog(path, catalog)
    return written, findings


def check_catalog(path: Path, catalog: Catalog) -> list[Finding]:
    """Untranslated or fuzzy entries, placeholders that differ from the msgid, and compile errors."""
    findings, incomplete = [], set()
    for message in catalog:
        if not message.id:
            continue
        line = getattr(message, "lineno", None)
        shown = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            incomplete.add(message.id)
        if message.fuzzy:
            findings.append(Finding(str(path), line, "fuzzy-translation",
                                    f"Bản dịch cần xem lại (fuzzy): {shown!r}"))
        elif not all(strings):
            findings.append(Finding(str(path), line, "untranslated",
                                    f"Chưa dịch: {shown!r}"))
    for message, errors in catalog.check():
        for error in errors if message.id not in incomplete else ():
            findings.append(Finding(str(path), getattr(message, "lineno", None), "bad-translation",
                                    f"Bản dịch của {message.id!r} sai: {error}"))
    try:
        write_mo(io.BytesIO(), catalog, use_fuzzy=False)
    except Exception as error:  # the build would fail the same way
        findings.append(Finding(str(path), None, "catalog-compile",
                                f"Không biên dịch được danh mục: {error}"))
    return findings


def _write(path: Path, catalog: Catalog) -> bool:
    """Write a catalog unless only its date stamp would change; True when written."""
    output = io.BytesIO()
    write_po(output, catalog, width=100, sort_output=True, ignore_obsolete=True)
    new = _PLACEHOLDER_HEADER.sub(b"", output.getvalue())
    if path.exists() and _STAMP.sub(b"", path.read_bytes()) == _STAMP.sub(b"", new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True
