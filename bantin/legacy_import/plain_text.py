"""Plain-text copies of portal pages, as a reader selected and copied them.

One line is one paragraph. The portal's chrome comes first ("Skip Ribbon Commands"), then the
title, the line naming the field ("Tin theo lĩnh vực Đoàn thanh niên"), the title again at the
head of the article, and the text; a photo is its file name alone on a line, its caption on the
next line.
"""

import re
from pathlib import Path

from core.legacy_encodings import find_legacy_encoding
from bantin.legacy_import.addresses import file_name_alias
from bantin.legacy_import.dates import find_date
from bantin.legacy_import.markdown import escape
from bantin.legacy_import.page import (
    FIELD_MENTION,
    LegacyPage,
    Photo,
    Text,
    attach_captions,
    is_photo_name,
)

# The skip links of the SharePoint 2010/2013 master pages; other lines before the title are
# dropped too, and reported.
CHROME_LINES = {"skip ribbon commands", "skip to main content"}
# The title is repeated at the head of the article, within the first lines of the copy.
_TITLE_REPEAT_WITHIN = 6
_BULLET = re.compile(r"^[•·▪◦●\-–+]\s+")
_DATE_SEARCH_PARAGRAPHS = 3


def decode(page: LegacyPage, raw: bytes) -> str | None:
    """The text of a copy: UTF-8, or bytes of an 8-bit legacy encoding read as Windows-1252 (the
    TCVN3/VNI conversion then recovers the letters)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\ufffd" in text or find_legacy_encoding(text) is None:
        page.finding(
            None,
            "legacy-unreadable",
            "Tệp không phải văn bản UTF-8 hay TCVN3/VNI; không đọc được.",
            "error",
        )
        return None
    return text


def read_text_page(path: Path) -> LegacyPage:
    page = LegacyPage(source=path)
    text = decode(page, path.read_bytes())
    if text is None:
        return page
    lines = [
        (number, page.clean(line, number).strip())
        for number, line in enumerate(text.splitlines(), start=1)
    ]
    lines = [(number, line) for number, line in lines if line]
    content = [(n, line) for n, line in lines if line.casefold() not in CHROME_LINES]
    if not content:
        page.finding(None, "legacy-no-body", "Trang không có nội dung bài viết.", "error")
        return page

    # The article starts where the title appears the second time; before it: title and field.
    texts = [line for _, line in content]
    head = texts[:_TITLE_REPEAT_WITHIN]
    title_index = next(
        (index for index, line in enumerate(head) if line in head[index + 1 :]), None
    )
    if title_index is None:
        page.title, body_start = texts[0], 1
    else:
        page.title = texts[title_index]
        body_start = texts.index(page.title, title_index + 1) + 1
    for number, line in content[:body_start]:
        if line == page.title:
            continue
        if match := FIELD_MENTION.fullmatch(line):
            page.field_name = match["field"].strip()
        else:
            page.finding(
                number,
                "legacy-dropped-line",
                f"Dòng đứng trước bài viết, đã bỏ như một phần khung trang: «{line[:60]}»",
            )

    blocks: list[Text | Photo] = []
    for number, line in content[body_start:]:
        if is_photo_name(line):
            blocks.append(Photo(reference=line, line=number))
        elif _BULLET.match(line):
            item = _BULLET.sub("", line)
            if blocks and isinstance(blocks[-1], Text) and blocks[-1].kind == "list":
                blocks[-1].markdown += f"\n- {escape(item)}"
                blocks[-1].plain += f"\n{item}"
            else:
                blocks.append(Text(f"- {escape(item)}", item, kind="list", line=number))
        else:
            blocks.append(Text(escape(line), line, line=number))
    page.blocks = attach_captions(blocks)
    page.aliases = [alias] if (alias := file_name_alias(path)) else []
    if not any(isinstance(block, Text) for block in page.blocks):
        page.finding(None, "legacy-no-body", "Trang không có nội dung bài viết.", "error")

    paragraphs = [block for block in page.blocks if isinstance(block, Text)]
    for block in paragraphs[:_DATE_SEARCH_PARAGRAPHS]:
        if found := find_date(block.plain):
            page.date = found[0]
            break
    return page
