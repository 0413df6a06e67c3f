"""Article folders written from portal pages: index.md, photos beside it, and a manifest.

The manifest (`.legacy-import.json` in the articles folder) keeps, for each article written, the
SHA-256 of the index.md as written. A later import rewrites an article only while its file still
has that hash: an article an editor has changed since (or written by hand) is kept unless
`force` is given. A damaged manifest is reported and left as it is; without it every existing
article counts as edited, so nothing an editor wrote is lost.

Photos get names of a safe alphabet (the original when it is plain, else a slug of it with its
photo extension), distinct within the article; files are read only where paths.page_file allows
and written only inside the articles folder.
"""

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from core.errors import Finding
from core.files import write_whole
from core.header import read_header
from bantin.legacy_import.markdown import metadata_text, render_article
from bantin.legacy_import.page import LegacyPage, Photo, quoted
from bantin.legacy_import.paths import inside, page_file, url_path, writable
from core.placeholder import make_placeholder
from core.vietnamese import nfc, slugify

MANIFEST_NAME = ".legacy-import.json"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic"}
# Room for "-800.webp" and a clash number, far below the 255 bytes a file name may have.
PHOTO_NAME_MAX_LENGTH = 80


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
        self.entries: dict[str, dict] = {}
        self.damaged: Finding | None = None
        if not (self.path.exists() or self.path.is_symlink()):
            return
        try:
            if not writable(folder, self.path):
                raise ValueError("a link")
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(entries, dict) or not all(
                isinstance(entry, dict)
                and isinstance(entry.get("sha256"), str)
                and isinstance(entry.get("placeholders", []), list)
                for entry in entries.values()
            ):
                raise ValueError("not a manifest")
        except (OSError, ValueError) as error:  # JSONDecodeError and UnicodeDecodeError too
            self.damaged = Finding(
                self.path,
                getattr(error, "lineno", None),
                "legacy-manifest-damaged",
                "Tệp ghi các bài đã nhập bị hỏng nên không dùng và không ghi lại; các bài đã có "
                "được giữ nguyên. Xoá tệp này rồi nhập lại để cập nhật các bài đã nhập.",
                "error",
            )
            return
        self.entries = entries

    def written(self, key: str) -> str | None:
        return self.entries.get(key, {}).get("sha256")

    def placeholders(self, key: str) -> list[str]:
        return self.entries.get(key, {}).get("placeholders", [])

    def record(self, key: str, source: Path, text: str, placeholders: list[str]) -> None:
        if self.damaged:
            return
        self.entries[key] = {
            "source": source.name,
            "sha256": _digest(text),
            "placeholders": sorted(placeholders),
        }
        # Written whole: an interrupted import leaves the previous manifest as it was.
        write_whole(self.path,
                    json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def photo_problem(path: Path) -> tuple[str, str] | None:
    """Why a photo's file cannot be copied (code, message), if it cannot: a page's folder may
    hold files that are no image, or that cannot be read."""
    try:
        file = path.open("rb")
    except OSError as error:
        return "legacy-unreadable", f"không đọc được ({error.strerror})"
    with file:
        try:
            with Image.open(file) as image:
                if image.format:
                    return None
        except Exception:  # Pillow raises many kinds of error for a file that is no image
            pass
    return "legacy-not-a-photo", "không phải ảnh"


def _photo_name(reference: str, taken: set[str]) -> str:
    """A file name that Markdown, URLs and every file system take as it is: the original when
    it is plain, else a slug of it, with its photo extension (.jpg when it has none)."""
    name = Path(url_path(reference) or "").name
    suffix = Path(name).suffix.lower()
    if not (
        _SAFE_NAME.fullmatch(name)
        and suffix in PHOTO_SUFFIXES
        and len(name) <= PHOTO_NAME_MAX_LENGTH
    ):
        suffix = suffix if suffix in PHOTO_SUFFIXES else ".jpg"
        stem = slugify(Path(name).stem if suffix == Path(name).suffix.lower() else name)
        limit = PHOTO_NAME_MAX_LENGTH - len(suffix)
        if len(stem) > limit:
            stem = stem[: limit + 1].rsplit("-", 1)[0][:limit]
        name = f"{stem or 'anh'}{suffix}"
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{Path(name).stem}-{number}{Path(name).suffix}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _metadata(article: Path) -> dict[str, str]:
    """The metadata header of an index.md (core/header.py)."""
    try:
        text = article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # the lint reports such a file; it is no match here
        return {}
    return {key: nfc(value) for key, (_, value) in read_header(text).values.items()}


def existing_article(into: Path, page: LegacyPage) -> tuple[Path, str] | None:
    """The article of that year with the page's title (whatever its folder is called): the same
    page imported again, from another copy, or written by hand before the import."""
    for article in sorted((into / f"{page.date:%Y}").glob("*/index.md")):
        metadata = _metadata(article)
        if metadata.get("title") in (nfc(page.title), metadata_text(nfc(page.title))):
            return article.parent, metadata.get("slug") or article.parent.name
    return None


def locate_photos(page: LegacyPage) -> None:
    """Name each photo and find its file; a photo whose reference leads outside the page's
    folder is reported and left out of the article, its file never read."""
    taken: set[str] = set()
    kept: list = []
    for block in page.blocks:
        if isinstance(block, Photo):
            block.file, outside = page_file(page.source, block.reference)
            if outside:
                page.finding(
                    block.line,
                    "legacy-outside-path",
                    f"Ảnh «{quoted(block.reference)}» không trỏ tới một tệp trong thư mục của "
                    "trang đã lưu (hay thư mục _files của nó) nên đã bỏ qua, không đọc tệp đó.",
                )
                continue
            block.name = _photo_name(block.reference, taken)
            if block.file is not None and (problem := photo_problem(block.file)):
                code, reason = problem
                page.finding(
                    block.line,
                    code,
                    f"Tệp ảnh «{quoted(block.reference)}» {reason} nên không chép vào bài; "
                    "đã đặt ảnh thay thế.",
                )
                block.file, block.reported = None, True
        kept.append(block)
    page.blocks = kept


def write_article(
    page: LegacyPage, into: Path, slug: str, category: str, manifest: Manifest, force: bool
) -> Outcome:
    outcome = Outcome(page.source, findings=page.findings)
    folder, slug = existing_article(into, page) or (into / f"{page.date:%Y}" / slug, slug)
    article = folder / "index.md"
    outcome.article = article
    if inside(into, folder) is None or not writable(into, article):
        page.finding(
            None,
            "legacy-outside-path",
            f"Không ghi {article}: thư mục hay tệp đó là liên kết ra ngoài thư mục bài viết.",
            "error",
        )
        outcome.status = "error"
        return outcome
    locate_photos(page)
    photos = [block for block in page.blocks if isinstance(block, Photo)]
    text = render_article(page, slug, category)
    key = article.relative_to(into).parent.as_posix()

    if article.exists():
        current = article.read_text(encoding="utf-8", errors="replace")
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
        if not writable(into, target):
            page.finding(
                photo.line,
                "legacy-outside-path",
                f"Không ghi ảnh {target}: đó là liên kết ra ngoài thư mục bài viết.",
            )
            continue
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
        if photo.reported:
            continue
        page.finding(
            photo.line,
            "legacy-photo-placeholder",
            f"Không tìm thấy tệp ảnh {quoted(photo.reference)}; đã đặt ảnh thay thế có ghi chú "
            f"{target.name}, cần thay bằng ảnh thật.",
        )
    if outcome.status != "unchanged":
        article.write_text(text, encoding="utf-8")
    manifest.record(key, page.source, text, placeholders)
    return outcome
