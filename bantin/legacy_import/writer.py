"""Article folders written from portal pages: index.md, photos beside it, and a manifest.

The manifest (`.legacy-import.json` in the articles folder) keeps, for each article written, the
SHA-256 of the index.md as written. A later import rewrites an article only while its file still
has that hash: an article an editor has changed since (or written by hand) is kept unless
`force` is given.
"""

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bantin.errors import Finding
from bantin.legacy_import.markdown import render_article
from bantin.legacy_import.page import LegacyPage, Photo
from bantin.placeholder import make_placeholder
from bantin.vietnamese import nfc, slugify

MANIFEST_NAME = ".legacy-import.json"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass
class Outcome:
    """What became of one page: the article file and how it was written."""

    source: Path
    article: Path | None = None
    status: str = "error"  # new, updated, unchanged, kept, replaced, error
    photos: int = 0
    placeholders: int = 0
    findings: list[Finding] = field(default_factory=list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Manifest:
    def __init__(self, folder: Path):
        self.path = folder / MANIFEST_NAME
        self.entries: dict[str, dict] = (
            json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        )

    def written(self, key: str) -> str | None:
        return self.entries.get(key, {}).get("sha256")

    def placeholders(self, key: str) -> list[str]:
        return self.entries.get(key, {}).get("placeholders", [])

    def record(self, key: str, source: Path, text: str, placeholders: list[str]) -> None:
        self.entries[key] = {
            "source": source.name,
            "sha256": _digest(text),
            "placeholders": sorted(placeholders),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )


def find_photo(page: LegacyPage, reference: str) -> Path | None:
    """The photo file a page refers to: by its path from the saved page, else by its name in the
    page's folder or the `<page>_files` folder a browser saves beside it."""
    relative = unquote(urlsplit(reference).path)
    name = Path(relative).name
    folder = page.source.parent
    candidates = [
        folder / relative.lstrip("/"),
        folder / name,
        folder / f"{page.source.stem}_files" / name,
    ]
    return next((path for path in candidates if path.is_file()), None)


def _photo_name(reference: str, taken: set[str]) -> str:
    """A file name that Markdown and URLs take as it is: the original when it is plain."""
    name = Path(unquote(urlsplit(reference).path)).name
    if not _SAFE_NAME.fullmatch(name):
        stem, suffix = Path(name).stem, Path(name).suffix.lower()
        name = f"{slugify(stem) or 'anh'}{suffix}"
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{Path(name).stem}-{number}{Path(name).suffix}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _metadata(article: Path) -> dict[str, str]:
    """The metadata lines at the head of an index.md."""
    metadata = {}
    for line in article.read_text(encoding="utf-8").splitlines():
        name, colon, value = line.partition(":")
        if not colon or not line.strip():
            break
        metadata[name.strip().lower()] = nfc(value.strip())
    return metadata


def existing_article(into: Path, page: LegacyPage) -> tuple[Path, str] | None:
    """The article of that year with the page's title (whatever its folder is called): the same
    page imported again, from another copy, or written by hand before the import."""
    for article in sorted((into / f"{page.date:%Y}").glob("*/index.md")):
        metadata = _metadata(article)
        if metadata.get("title") == nfc(page.title):
            return article.parent, metadata.get("slug") or article.parent.name
    return None


def write_article(
    page: LegacyPage, into: Path, slug: str, category: str, manifest: Manifest, force: bool
) -> Outcome:
    outcome = Outcome(page.source, findings=page.findings)
    folder, slug = existing_article(into, page) or (into / f"{page.date:%Y}" / slug, slug)
    article = folder / "index.md"
    outcome.article = article
    photos = [block for block in page.blocks if isinstance(block, Photo)]
    taken: set[str] = set()
    for photo in photos:
        photo.name = _photo_name(photo.reference, taken)
        photo.file = find_photo(page, photo.reference)
    text = render_article(page, slug, category)
    key = article.relative_to(into).parent.as_posix()

    if article.exists():
        current = article.read_text(encoding="utf-8")
        if current == text:
            outcome.status = "unchanged"
        elif _digest(current) == manifest.written(key):
            outcome.status = "updated"
        elif force:
            outcome.status = "replaced"
        else:
            outcome.status = "kept"
            page.finding(
                None,
                "legacy-kept-edited",
                f"Bài {article} đã được sửa sau lần nhập trước (hoặc do biên tập viên viết); "
                "giữ nguyên. Dùng --force để ghi đè.",
            )
            return outcome
    else:
        outcome.status = "new"

    folder.mkdir(parents=True, exist_ok=True)
    placeholders = []
    for seed, photo in enumerate(photos):
        target = folder / photo.name
        outcome.photos += 1
        if not (photo.caption or photo.alt):
            page.finding(
                photo.line,
                "legacy-photo-no-caption",
                f"Ảnh {photo.name} không có chú thích; cần viết mô tả ảnh (alt) trong bài.",
            )
        # A photo already beside the article is kept, unless it is a placeholder of ours.
        replaceable = not target.exists() or photo.name in manifest.placeholders(key)
        if photo.file is not None:
            if replaceable:
                shutil.copyfile(photo.file, target)
            continue
        if not replaceable:
            continue
        if not target.exists():
            make_placeholder(target, photo.caption or photo.alt, seed=seed)
        placeholders.append(photo.name)
        outcome.placeholders += 1
        page.finding(
            photo.line,
            "legacy-photo-placeholder",
            f"Không tìm thấy tệp ảnh {photo.reference}; đã đặt ảnh thay thế có ghi chú "
            f"{target.name}, cần thay bằng ảnh thật.",
        )
    if outcome.status != "unchanged":
        article.write_text(text, encoding="utf-8")
    manifest.record(key, page.source, text, placeholders)
    return outcome
