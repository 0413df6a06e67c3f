"""Files written whole or not at all, the cache store built on that, and a site's files as a
walk sees them (with what was learnt of them, kept by file).

A build, a preview and a publish may run side by side, and any of them may be stopped: a reader
of one of these files sees the old version or the new one, never half of one.
"""

import hashlib
import json
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple


def write_whole(path: Path, data: bytes | str | Iterable[str]) -> None:
    """Write `data` (text as UTF-8; or text in pieces, never whole in memory) to `path` through
    a file of its own beside it, renamed over `path` once complete; a leftover of that name, or
    a link, is never written through."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    partial.unlink(missing_ok=True)
    if isinstance(data, (bytes, str)):
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    else:
        try:
            with open(partial, "w", encoding="utf-8") as file:
                file.writelines(data)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(path)


class FileStat(NamedTuple):
    """What a walk of a site learns of one file without reading it."""

    size: int
    modified: int  # st_mtime_ns
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> "FileStat":
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def site_listing(folder: Path) -> dict[str, FileStat]:
    """Every file under `folder` (links not followed), by `/`-separated relative name, sorted:
    one walk, which the site checks (links, sizes, pages' digests) all read."""
    files = {}
    folders = [("", str(folder))]
    while folders:
        prefix, current = folders.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    files[prefix + entry.name] = FileStat.of(entry.stat(follow_symlinks=False))
            except OSError:
                continue
    return dict(sorted(files.items()))


class FileMemo:
    """What was learnt from the bytes of a site's files (a page's digest, its part of the search
    index), kept in one sealed JSON file by each file as a walk sees it (FileStat: size,
    modification time, inode): a file that is the same one as last time is not read again. A
    publication after an edit builds its site as hard links to the last one, so only the files
    it wrote are read. A file modified less than RACY_NS before the memo was opened is not kept
    (written again within the same tick of the file system's clock, it would look the same); one
    rewritten in place with its size and time put back would be missed, as by the build's own
    stamps (bantin/unchanged.py). Damaged, the file counts as absent; not written, nothing is
    lost but time."""

    RACY_NS = 2_000_000_000

    def __init__(self, path: Path | None):
        self.path = path
        self.opened = time.time_ns()
        self.known: dict[str, list] = {}
        self.kept: dict[str, list] = {}
        try:
            sealed, payload = json.loads(path.read_text(encoding="utf-8"))
            if sealed == hashlib.blake2b(payload.encode(), digest_size=20).hexdigest():
                known = json.loads(payload)
                self.known = known if isinstance(known, dict) else {}
        except (AttributeError, OSError, ValueError, TypeError):
            self.known = {}

    def get(self, name: str, stat: FileStat, learn: Callable[[], object],
            valid: Callable[[object], bool]):
        """What `learn()` says of file `name` (with this `stat`), or what it said last time when
        the file is the same one and what was kept is `valid`."""
        seen = f"{stat.size}:{stat.modified}:{stat.inode}"
        known = self.known.get(name)
        if isinstance(known, list) and len(known) == 2 and known[0] == seen \
                and valid(known[1]):
            value = known[1]
        else:
            value = learn()
        if stat.modified < self.opened - self.RACY_NS:
            self.kept[name] = [seen, value]
        return value

    def save(self) -> None:
        """Keep what this walk learnt, in place of the last one's; a refused write changes
        nothing."""
        if self.path is None:
            return
        payload = json.dumps(self.kept, ensure_ascii=False)
        seal = hashlib.blake2b(payload.encode(), digest_size=20).hexdigest()
        try:
            write_whole(self.path, json.dumps([seal, payload]))
        except OSError:
            return


class CacheStore:
    """Values kept between builds under `root`, one file per key (in folders by the key's first
    two characters). A value that cannot be read whole counts as absent: the work is done again."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def has(self, key: str) -> bool:
        return self.entry(key).is_file()

    def load(self, key: str):
        try:
            with open(self.entry(key), "rb") as entry:
                return pickle.load(entry)
        except Exception:  # unpickling can raise almost anything from a damaged byte stream
            return None

    def store(self, key: str, value) -> None:
        write_whole(self.entry(key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
