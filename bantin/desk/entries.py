"""The desk's one translation between the project's files and what the CMS edits.

On disk an article is a `Key: value` header, a blank line and the Markdown body (the lint's
reader, `bantin.lint.read_metadata`, says which lines are the header); the CMS edits YAML front
matter with lowercase keys. `to_desk` gives the CMS the header as YAML (tags as a list, the date
as "YYYY-MM-DD HH:mm" in the site's time zone) and the body untouched; `from_desk` writes the
CMS's text back against the file as it was, so that an unchanged entry is the same bytes and an
edit changes only its own lines: a header line is rewritten only when its value changed, keys the
CMS does not send and lines it cannot show stay where they were, the body keeps its line endings,
its last newline and every unchanged line as written.

File names: the CMS names every language `<name>.<lang>.md`; the project keeps the default
edition's text in `<name>.md` (index.md) and the others in `<name>.<lang>.md` (index.en.md).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from difflib import SequenceMatcher
from zoneinfo import ZoneInfo

import yaml

from bantin.lint import KNOWN_NAMES, parse_date
from core.header import CONTINUATION, METADATA_LINE, header_text, read_header, rewrite_header
from core.vietnamese import nfc

SUFFIX = ".md"
DELIMITER = "---"
ISO_UTC = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$")
ISO_LOCAL = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2})(?::\d{2})?$")
ORDER = {name.lower(): position for position, name in enumerate(KNOWN_NAMES)}
SPELLING = {name.lower(): name for name in KNOWN_NAMES}


class EntryError(ValueError):
    """Text from the CMS that cannot become a source file; the message is for editors."""


# --- File names ---------------------------------------------------------------------------------
def disk_name(name: str, editions: list[str]) -> str:
    """`index.vi.md` -> `index.md` (default edition); other names as they are."""
    default = f".{editions[0]}{SUFFIX}"
    return name[: -len(default)] + SUFFIX if name.endswith(default) else name


def desk_name(name: str, editions: list[str]) -> str | None:
    """`index.md` -> `index.vi.md`, `index.en.md` as it is; None for a name the CMS could not
    tell from another (`index.vi.md` on disk would read as index.md)."""
    if not name.endswith(SUFFIX):
        return name
    stem = name[: -len(SUFFIX)]
    lang = stem.rsplit(".", 1)[1] if "." in stem else ""
    if lang == editions[0]:
        return None
    if lang in editions:
        return name
    return f"{stem}.{editions[0]}{SUFFIX}"


# --- The project's header -----------------------------------------------------------------------
@dataclass
class Source:
    """A source file cut where core/header.py ends its header: the header with its blank line,
    each key's value (continuation lines joined by a space), names as written, and the body."""

    bom: bool
    head: str
    values: dict[str, str]
    names: dict[str, str]
    body: str
    closed: bool = True  # the header ends with its blank line (False: it runs to the end)


def read_source(raw: bytes) -> Source:
    text = raw.decode("utf-8-sig")
    header = read_header(text)
    lines = text.splitlines(keepends=True)
    if not header.starts:
        return Source(raw.startswith(b"\xef\xbb\xbf"), "", {}, {}, text)
    end = next((index for index, line in enumerate(lines) if not line.strip()), len(lines))
    values = {}
    for key, (number, value) in header.values.items():
        stop = number
        while stop < end and lines[stop].startswith(CONTINUATION):
            stop += 1
        values[key] = " ".join([value, *(line.strip() for line in lines[number:stop])]).strip()
    return Source(raw.startswith(b"\xef\xbb\xbf"), "".join(lines[:end + 1]), values,
                  header.names, "".join(lines[end + 1:]), end < len(lines))


def desk_value(key: str, value: str):
    """A header value as the CMS edits it."""
    if key == "tags":
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    if key == "date":
        parsed = parse_date(value)
        return f"{parsed:%Y-%m-%d %H:%M}" if parsed else value
    return value


def header_value(key: str, value, zone: ZoneInfo) -> str:
    """A value from the CMS as one header line holds it (NFC, no line breaks)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(header_value(key, item, zone) for item in value
                         if header_value(key, item, zone))
    if isinstance(value, dict):
        raise EntryError(f"Thông tin '{key}' phải là chữ hoặc danh sách, không phải một bảng")
    text = nfc(" ".join(str(value).split()))
    if key == "date":
        utc = ISO_UTC.match(text)
        local = ISO_LOCAL.match(text)
        if utc:
            moment = datetime.fromisoformat(f"{utc[1]}T{utc[2]}").replace(tzinfo=timezone.utc)
            return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"
        if local:
            return f"{local[1]} {int(local[2].split(':')[0]):02d}:{local[2].split(':')[1]}"
    return text


# --- What the CMS reads and writes ---------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """YAML with every scalar a string but null: a title "No" or a tag "2021" stays text, as the
    CMS (YAML 1.2) meant it."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def to_desk(raw: bytes) -> str:
    """A source file as the CMS reads it: YAML front matter, then the body as written."""
    source = read_source(raw)
    data = {key: desk_value(key, value) for key, value in source.values.items()}
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9) if data else ""
    return f"{DELIMITER}\n{front}{DELIMITER}\n{source.body}"


def parse_desk(text: str) -> tuple[dict, str]:
    """The CMS's text: its front matter (keys lowercased) and its body."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != DELIMITER:
        return {}, text
    closing = next((index for index in range(1, len(lines)) if lines[index].strip() == DELIMITER),
                   None)
    if closing is None:
        raise EntryError("Phần thông tin bài viết không có dòng '---' kết thúc")
    try:
        data = yaml.load("".join(lines[1:closing]), Loader=_Loader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", 0) + 2
        raise EntryError(f"Phần thông tin bài viết không đọc được ở dòng {line}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EntryError("Phần thông tin bài viết phải là các dòng 'tên: giá trị'")
    for key in data:
        if not isinstance(key, str) or not METADATA_LINE.match(f"{key}: "):
            raise EntryError(f"Tên thông tin '{str(key)[:40]}' không dùng được: chỉ gồm chữ "
                             "không dấu, số, gạch ngang")
    return {key.lower(): value for key, value in data.items()}, "".join(lines[closing + 1:])


def from_desk(text: str, original: bytes | None, zone: ZoneInfo,
              defaults: dict[str, str] | None = None) -> bytes:
    """The source file for the CMS's `text`, written against `original` (None for a new file);
    `defaults` are header values a new file gets when the CMS sends none (its Slug)."""
    data, body = parse_desk(text)
    values = {key: header_value(key, value, zone) for key, value in data.items()}
    if original is None:
        for key, value in (defaults or {}).items():
            if not values.get(key):
                values[key] = value
        return new_source(values, body)
    source = read_source(original)
    ending = newline_of(original.decode("utf-8-sig"))
    changed = {}
    for key, value in values.items():
        if key in source.values:
            if value != header_value(key, desk_value(key, source.values[key]), zone):
                changed[source.names[key]] = value
        elif value:
            changed[spelling(key)] = value
    head = rewrite_header(source.head, changed) if changed else source.head
    merged = merge_body(source.body, body, ending)
    if merged and head and not source.closed:
        head += ending  # a header that ran to the end of the file, now with text below it
    return (("\ufeff" if source.bom else "") + head + merged).encode()


def new_source(values: dict[str, str], body: str) -> bytes:
    """A new source in the project's order of keys (the lint's list), others after."""
    keys = sorted((key for key, value in values.items() if value),
                  key=lambda key: ORDER.get(key, len(ORDER)))
    text = "\n".join(nfc(line.rstrip("\r")) for line in body.split("\n")).rstrip("\n")
    return (header_text([(spelling(key), values[key]) for key in keys])
            + (text + "\n" if text else "")).encode()


def spelling(key: str) -> str:
    return SPELLING.get(key, key[:1].upper() + key[1:])


def newline_of(text: str) -> str:
    """The file's own line ending: CRLF when most lines end so, else LF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 > text.count("\n") else "\n"


def body_lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def merge_body(original: str, edited: str, ending: str) -> str:
    """The edited body with every unchanged line as it was written (ending included), changed
    lines in NFC with the file's line ending, and the original's last newline (or its absence)."""
    old = body_lines(original)
    new = body_lines(edited)
    old_keys = [line.rstrip("\n").rstrip("\r") for line in old]
    new_keys = [line.rstrip("\n").rstrip("\r") for line in new]
    while old_keys and new_keys and not new_keys[-1] and old_keys[-1]:
        new_keys.pop()  # the CMS may end the text with newlines the file did not have
    while old_keys and new_keys and not old_keys[-1] and new_keys == old_keys[:-1]:
        new_keys.append("")
    if old_keys == new_keys:
        return original
    merged = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            merged += old[old_start:old_end]
        else:
            merged += [nfc(line) + ending for line in new_keys[new_start:new_end]]
    if merged and not merged[-1].endswith(("\n", "\r")):
        merged[-1] += ending
    if original and not original.endswith("\n") and merged:
        merged[-1] = merged[-1].rstrip("\r\n")
    return "".join(merged)
