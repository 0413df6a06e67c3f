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
    value changed is rewritten in place, a new key is added at the end of the header, every other
    line (unknown keys, continuations, order, the text below) is kept as it was."""
    lines = text.splitlines(keepends=True)
    end = 0
    while end < len(lines) and lines[end].strip():
        end += 1
    if not read_header(text).starts:
        end = 0
    pending = {name.lower(): (name, value) for name, value in values.items()}
    head = []
    for line in lines[:end]:
        match = METADATA_LINE.match(line.rstrip("\r\n"))
        key = match["key"].lower() if match and not line.startswith(CONTINUATION) else None
        if key in pending:
            _, value = pending.pop(key)
            if value != match["value"].strip():
                newline = line[len(line.rstrip("\r\n")):] or "\n"
                line = f"{match['key']}: {value}{newline}"
        head.append(line)
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    head += [f"{name}: {value}\n" for name, value in pending.values()]
    rest = lines[end:]
    if not end:
        rest = ["\n", *rest] if rest else ["\n"]
    return "".join(head + rest)
