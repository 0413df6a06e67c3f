"""Files written whole or not at all, and the cache store built on that.

A build, a preview and a publish may run side by side, and any of them may be stopped: a reader
of one of these files sees the old version or the new one, never half of one.
"""

import os
import pickle
import threading
from pathlib import Path


def write_whole(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` through a file of its own beside it, renamed over
    `path` once complete; a leftover of that name, or a link, is never written through."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    partial.unlink(missing_ok=True)
    partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    partial.replace(path)


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
