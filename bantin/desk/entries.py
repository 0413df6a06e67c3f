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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from difflib import SequenceMatcher
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bantin.lint import KNOWN_NAMES, METADATA_LINE, SourceFile, parse_date, read_metadata
from bantin.vietnamese import nfc

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
class Header:
    """One key of a source's header: where it is (line indexes, continuation lines included)."""

    name: str  # as written
    value: str  # continuation lines joined by a space
    start: int
    end: int


@dataclass
class Source:
    bom: bool
    lines: list[str]  # header lines, with their endings
    keys: dict[str, Header] = field(default_factory=dict)  # lowercase key -> place
    separator: str = ""  # the blank line after the header, as written ("" when none)
    body: str = ""


def read_source(raw: bytes) -> Source:
    """Split a source file into header, separator and body, by the lint's reading of it."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    probe = SourceFile(Path("index.md"), "article")
    read_metadata(text, probe, "")
    lines = text.splitlines(keepends=True)
    if not probe.metadata:
        return Source(bom, [], body=text)
    end = next((index for index, line in enumerate(lines) if not line.strip()), len(lines))
    source = Source(bom, lines[:end], separator=lines[end] if end < len(lines) else "",
                    body="".join(lines[end + 1:]))
    for key, (number, value) in probe.metadata.items():
        start = number - 1
        stop = start + 1
        while stop < end and lines[stop].startswith(("    ", "\t")):
            stop += 1
        extra = [line.strip() for line in lines[start + 1:stop]]
        name = METADATA_LINE.match(lines[start].rstrip("\r\n"))["key"]
        source.keys[key] = Header(name, " ".join([value, *extra]).strip(), start, stop)
    return source


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
    data = {key: desk_value(key, place.value) for key, place in source.keys.items()}
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
    rewritten: dict[int, tuple[int, str]] = {}  # first line -> (line after, new line)
    for key, place in source.keys.items():
        if key in values and values[key] != header_value(key, desk_value(key, place.value), zone):
            line_end = line_ending(source.lines[place.start]) or ending
            rewritten[place.start] = (place.end, f"{place.name}: {values[key]}".rstrip() + line_end)
    added: dict[int, list[str]] = {}  # original line index -> new lines to put before it
    for key, value in values.items():
        if key not in source.keys and value:
            added.setdefault(insertion_point(key, source), []).append(
                f"{spelling(key)}: {value}{ending}")
    lines: list[str] = []
    index = 0
    while index <= len(source.lines):
        lines += added.get(index, [])
        if index == len(source.lines):
            break
        if index in rewritten:
            index, line = rewritten[index]
            lines.append(line)
            continue
        lines.append(source.lines[index])
        index += 1
    if lines and not line_ending(lines[-1]):
        lines[-1] += ending
    separator = (source.separator or ending) if lines else ""
    merged = merge_body(source.body, body, ending)
    return (("\ufeff" if source.bom else "") + "".join(lines) + separator + merged).encode()


def new_source(values: dict[str, str], body: str) -> bytes:
    """A new source in the project's order of keys (the lint's list), others after."""
    keys = sorted((key for key, value in values.items() if value),
                  key=lambda key: ORDER.get(key, len(ORDER)))
    header = "".join(f"{spelling(key)}: {values[key]}\n" for key in keys)
    text = "\n".join(nfc(line.rstrip("\r")) for line in body.split("\n")).rstrip("\n")
    return (header + "\n" + (text + "\n" if text else "")).encode()


def spelling(key: str) -> str:
    return SPELLING.get(key, key[:1].upper() + key[1:])


def insertion_point(key: str, source: Source) -> int:
    """Where a new key goes: before the first key the project writes after it, else last."""
    rank = ORDER.get(key, len(ORDER))
    later = [place.start for other, place in source.keys.items()
             if ORDER.get(other, len(ORDER)) > rank]
    return min(later) if later else len(source.lines)


def line_ending(line: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return ""


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
