"""The search index, a post-build step: Pagefind run on each edition, offline, by its own binary.

Pagefind folds tone marks but not đ/Đ, so a reader typing "doan" would miss "Đoàn". Pagefind
reads a copy of each edition's pages in which every indexed page (marked `data-pagefind-body` by
the templates) gains, at a low weight, the accent-free spelling of its words that contain đ: "doan"
then finds "Đoàn", and the exact spelling still outranks it. The search script asks for the typed
query first and its folded form second (theme/static/js/search.js). The published pages stay as
they are; only the index (`<edition>/pagefind/`) is added to the site.

The copy also gives Pagefind what a result shows: the field as a filter, the date as the page
writes it, and the card photo from the page's Open Graph tags.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from pagefind_bin import get_executable

from bantin.errors import Finding
from bantin.vietnamese import strip_accents
from plugins.editions import edition_folder

BUNDLE_DIR = "pagefind"
# Pagefind's ready-made interfaces: the search page has its own (theme/static/js/search.js).
UNUSED_BUNDLE_FILES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
                       "pagefind-highlight.js")
# Pagefind's default weight is 1 (headings more): the folded spelling counts for less than the
# page's own words, so exact matches rank first.
FOLDED_WEIGHT = 0.5
WORDS_WITH_D = re.compile(r"\w*[đĐ]\w*")


def index_search(output: Path, settings: dict) -> list[Finding]:
    """Write each edition's search index into `<edition folder>/pagefind/`."""
    folders = {lang: Path(output) / edition_folder(settings, lang) for lang in settings["EDITIONS"]}
    findings = []
    for lang, folder in folders.items():
        others = [other for other in folders.values() if folder in other.parents]
        with tempfile.TemporaryDirectory(prefix="bantin-search-") as copy:
            if copy_for_index(folder, Path(copy), skip=others):  # an edition with no page yet
                findings += run_pagefind(Path(copy), folder / BUNDLE_DIR, lang)
    return findings


def copy_for_index(edition: Path, copy: Path, skip: list[Path]) -> int:
    """Copy the edition's indexed pages into `copy`, prepared for Pagefind; how many."""
    copied = 0
    for page in edition.rglob("*.html"):
        if any(folder in page.parents for folder in skip):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        body = soup.find(attrs={"data-pagefind-body": True})
        if body is None:
            continue
        prepare_page(soup, body)
        target = copy / page.relative_to(edition)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(soup), encoding="utf-8")
        copied += 1
    return copied


def prepare_page(soup: BeautifulSoup, body) -> None:
    """Add the folded words, the field filter, the date, the summary and the photo to the
    indexed element."""
    text = body.get_text(" ")
    words = dict.fromkeys(strip_accents(word).lower() for word in WORDS_WITH_D.findall(text))
    if words:
        folded = soup.new_tag("p", attrs={"data-pagefind-weight": str(FOLDED_WEIGHT)})
        folded.string = " ".join(words)
        body.append(folded)
    section = soup.find("meta", attrs={"property": "article:section"})
    if section and section.get("content"):
        body.append(soup.new_tag("span", attrs={
            "data-pagefind-filter": "field[data-value]", "data-value": section["content"]}))
        body.append(soup.new_tag("span", attrs={
            "data-pagefind-meta": "field[data-value]", "data-value": section["content"]}))
    time = body.find("time", attrs={"datetime": True})
    if time:
        body.append(soup.new_tag("span", attrs={
            "data-pagefind-meta": "date[data-value], datetime[data-datetime]",
            "data-value": time.get_text(" ", strip=True), "data-datetime": time["datetime"]}))
    description = soup.find("meta", attrs={"name": "description"})
    if description and description.get("content"):  # shown when only folded words matched
        body.append(soup.new_tag("span", attrs={
            "data-pagefind-meta": "description[data-value]", "data-value": description["content"]}))
    image = soup.find("meta", attrs={"property": "og:image"})
    if image and image.get("content"):
        # The path only: the result must load from the site being searched (CSP img-src 'self').
        body.append(soup.new_tag("img", attrs={
            "data-pagefind-meta": "image[src]", "src": urlsplit(image["content"]).path, "alt": ""}))


def run_pagefind(copy: Path, bundle: Path, lang: str) -> list[Finding]:
    """Index `copy` into `bundle` with the bundled binary (no network); failures as findings."""
    shutil.rmtree(bundle, ignore_errors=True)
    command = [str(get_executable()), "--site", str(copy), "--output-path", str(bundle),
               "--force-language", lang, "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (bundle / "pagefind.js").exists():
        detail = " ".join((result.stderr or result.stdout).split())[:300]
        return [Finding("pagefind", None, "search-index-failed",
                        f"không tạo được chỉ mục tìm kiếm ({lang}): {detail}")]
    for pattern in UNUSED_BUNDLE_FILES:
        for unused in bundle.glob(pattern):
            unused.unlink()
    return []
