"""The metadata header of a source file: the `Key: value` lines before the first blank line.

Read, written and rewritten here only, so that the lint, the import, `invoke new` and the
editing desk agree with Pelican's Markdown reader on where the header ends and what a line says.
"""

import re
from dataclasses import dataclass, field

METADATA_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*):\s*(?P<value>.*)$")
CONTINUATION = ("    ", "\t")  # a line that carries on the previous value


@dataclass
class Header:
    """What a header says: key (lower case) -> (line number, value); `malformed` and
    `repeated` hold the numbers of lines that are not `Key: value` or name a key again, and
    `names` the keys as written. `starts` is False when the first line is no metadata line."""

    values: dict[str, tuple[int, str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    malformed: list[int] = field(default_factory=list)
    repeated: list[int] = field(default_factory=list)
    starts: bool = True

    def value(self, key: str) -> str:
        return self.values.get(key, (0, ""))[1]


def read_header(text: str) -> Header:
    """The header of `text`, line numbers counted from 1."""
    header = Header()
    lines = text.splitlines()
    if not lines or not METADATA_LINE.match(lines[0]):
        header.starts = False
        return header
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            break
        if line.startswith(CONTINUATION):
            continue
        match = METADATA_LINE.match(line)
        if match is None:
            header.malformed.append(number)
            continue
        key = match["key"].lower()
        if key in header.values:
            header.repeated.append(number)
            continue
        header.values[key] = (number, match["value"].strip())
        header.names[key] = match["key"]
    return header


def header_text(values: list[tuple[str, str]]) -> str:
    """A header from (name, value) pairs, ending with the blank line that separates it from the
    text; an empty value is written as the bare name, for the editor to fill in."""
    return "".join(f"{name}: {value}".rstrip() + "\n" for name, value in values) + "\n"


def rewrite_header(text: str, values: dict[str, str]) -> str:
    """`text` with its header given `values` (names as written, e.g. "Title"): a line whose
    value changed is rewritten in place (with it the continuation lines of the old value), a new
    key is added at the end of the header with the file's own line ending, every other line
    (unknown keys, continuations, order, the text below) is kept as it was."""
    lines = text.splitlines(keepends=True)
    end = 0
    while end < len(lines) and lines[end].strip():
        end += 1
    if not read_header(text).starts:
        end = 0
    pending = {name.lower(): (name, value) for name, value in values.items()}
    newline = next((line[len(line.rstrip("\r\n")):] for line in lines[:end]
                    if line.endswith("\n")), "\n")
    head = []
    index = 0
    while index < end:
        line = lines[index]
        stop = index + 1
        while stop < end and lines[stop].startswith(CONTINUATION):
            stop += 1
        match = METADATA_LINE.match(line.rstrip("\r\n"))
        key = match["key"].lower() if match and not line.startswith(CONTINUATION) else None
        written = " ".join(part.strip() for part in lines[index:stop]).partition(":")[2].strip()
        if key in pending and pending[key][1] != written:
            ending = line[len(line.rstrip("\r\n")):] or newline
            head.append(f"{match['key']}: {pending.pop(key)[1]}".rstrip() + ending)
        else:
            pending.pop(key, None)
            head += lines[index:stop]
        index = stop
    if head and not head[-1].endswith("\n"):
        head[-1] += newline
    head += [f"{name}: {value}".rstrip() + newline for name, value in pending.values()]
    rest = lines[end:]
    if not end:
        rest = [newline, *rest] if rest else [newline]
    return "".join(head + rest)
