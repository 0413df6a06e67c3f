"""Files written whole or not at all, and the cache store built on that.

A build, a preview and a publish may run side by side, and any of them may be stopped: a reader
of one of these files sees the old version or the new one, never half of one.
"""

import hashlib
import os
import pickle
import threading
from pathlib import Path
from typing import NamedTuple


def write_whole(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` through a file of its own beside it, renamed over
    `path` once complete; a leftover of that name, or a link, is never written through."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    partial.unlink(missing_ok=True)
    partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    partial.replace(path)


class FileStat(NamedTuple):
    """What a walk of a site learns of one file without reading it."""

    size: int
    modified: int  # st_mtime_ns
    inode: int


def site_listing(folder: Path) -> dict[str, FileStat]:
    """Every file under `folder` (links not followed), by `/`-separated relative name, sorted:
    one walk, which the site checks, the build's stamps and the sizes all read."""
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
                    stat = entry.stat(follow_symlinks=False)
                    files[prefix + entry.name] = FileStat(stat.st_size, stat.st_mtime_ns,
                                                          stat.st_ino)
            except OSError:
                continue
    return dict(sorted(files.items()))


def listing_state(files: dict[str, FileStat]) -> str:
    """A digest of a site_listing: each file's name, size and modification time (a site
    restored from CI's cache keeps them; its inodes are new, so they are left out)."""
    digest = hashlib.blake2b(digest_size=20)
    for name, stat in files.items():
        digest.update(f"{name}\0{stat.size}\0{stat.modified}\0".encode())
    return digest.hexdigest()


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
