"""The code part of every cache key: a cache filled by other code must not be trusted.

Used by the reader's cache, the lint's text checks and the incremental pages' fingerprints.
"""

import hashlib
import os
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The project's own Python code, by layer: what a preview watches and a cache key hashes.
CODE_FOLDERS = tuple(ROOT / name for name in ("core", "plugins", "bantin"))
# Folders inside them that hold no code of the project: bytecode, and the desk's npm packages
# (tens of thousands of files, a walk of seconds on every build).
NOT_CODE = {"__pycache__", "node_modules"}


def code_fingerprint(settings: dict) -> str:
    """Hash of the project's Python code and the versions of CODE_FINGERPRINT_LIBRARIES."""
    return _code_fingerprint(tuple(settings["CODE_FINGERPRINT_LIBRARIES"]))


@lru_cache(maxsize=4)
def _code_fingerprint(libraries: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(path for folder in CODE_FOLDERS for path in code_files(folder)
                       if path.suffix == ".py"):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(repr([version(name) for name in libraries]).encode())
    return digest.hexdigest()


def code_files(root: Path):
    """Every file under `root`, but in NOT_CODE folders."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in NOT_CODE]
        for name in names:
            yield Path(folder, name)
