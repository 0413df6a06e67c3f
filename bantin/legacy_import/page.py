"""What the importer reads out of one portal page, whatever its form (saved HTML or plain text).

The readers (sharepoint.py, plain_text.py) fill a LegacyPage; the writer turns it into an article
folder. Text is NFC, legacy TCVN3/VNI text is converted here, once, for both readers.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.errors import Finding
from core.legacy_encodings import convert_legacy, find_legacy_encoding
from core.vietnamese import nfc

# Zero-width characters the portal's rich-text editor left everywhere (not the soft hyphen:
# in TCVN3 text it is the letter ư).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
# Captions are short and read as a label, not as a sentence of the article.
CAPTION_MAX_LENGTH = 200
_SENTENCE_END = (".", "…", "!", "?", ":", ";")
# The portal names the field of a page: "Tin theo lĩnh vực Đoàn thanh niên".
FIELD_MENTION = re.compile(
    r"(?:Tin theo lĩnh vực|Lĩnh vực)\s*:?\s+(?P<field>[^\n|>]+)", re.IGNORECASE
)
_PHOTO_NAME = re.compile(r"[^\s/\\]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)", re.IGNORECASE)


@dataclass
class Text:
    """A block of the article body, already in Markdown; `plain` is its text for summaries."""

    markdown: str
    plain: str
    kind: str = "paragraph"  # paragraph, heading, list, table, quote, code, rule
    caption_like: bool = False  # styled as a caption (centred, italic) on the portal
    line: int | None = None


@dataclass
class Photo:
    """A photo of the body: where the page says it is, and what it shows."""

    reference: str  # the path or URL as written in the page
    alt: str = ""
    caption: str = ""
    line: int | None = None
    file: Path | None = None  # the file found on disk, if any
    name: str = ""  # its file name beside the article (set by the writer)
    reported: bool = False  # its file was found but refused, and that was reported


@dataclass
class LegacyPage:
    source: Path
    title: str = ""
    date: datetime | None = None
    field_name: str | None = None  # the portal's name of the field the page was filed under
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # the page's site paths on the old portal
    blocks: list[Text | Photo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def finding(self, line: int | None, code: str, message: str, severity="warning") -> None:
        self.findings.append(Finding(self.source, line, code, message, severity))

    def clean(self, text: str, line: int | None = None) -> str:
        """NFC text with spaces collapsed; TCVN3/VNI text converted, and reported for review."""
        text = normalize(text)
        encoding = self.legacy_encoding(text, line)
        return convert_legacy(text, encoding) if encoding else text

    def legacy_encoding(self, text: str, line: int | None) -> str | None:
        """The legacy encoding `text` was typed in, reported with the converted text to review."""
        encoding = find_legacy_encoding(text)
        if encoding:
            shown = convert_legacy(text, encoding).strip()[:60]
            self.finding(
                line,
                "legacy-encoding-converted",
                f"Chữ gõ bằng bảng mã {encoding} đã được chuyển sang Unicode, "
                f"cần đọc lại: «{shown}»",
            )
        return encoding


def normalize(text: str) -> str:
    """NFC, without the invisible characters, with runs of spaces made one."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", nfc(text)))


def quoted(text: str, limit: int = 120) -> str:
    """A piece of a page (an address, a file name) as a report shows it: on one line, short."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())[:limit]


def is_photo_name(text: str) -> bool:
    """'IMG_5760.jpg': a line of a plain-text copy that stood for a photo."""
    return _PHOTO_NAME.fullmatch(text.strip()) is not None


def reads_as_caption(block: Text) -> bool:
    """Whether the paragraph after a photo is its caption: styled as one, or short and not a
    sentence of the article."""
    if block.kind != "paragraph" or not block.plain or len(block.plain) > CAPTION_MAX_LENGTH:
        return False
    return block.caption_like or not block.plain.rstrip().endswith(_SENTENCE_END)


def attach_captions(blocks: list[Text | Photo]) -> list[Text | Photo]:
    """Move each caption paragraph into the photo it follows."""
    result: list[Text | Photo] = []
    for block in blocks:
        previous = result[-1] if result else None
        if (
            isinstance(block, Text)
            and isinstance(previous, Photo)
            and not previous.caption
            and reads_as_caption(block)
        ):
            previous.caption = block.plain.strip()
            continue
        result.append(block)
    return result
