"""Derived images kept between builds, keyed by the source's content and the settings.

An entry is a folder `<root>/<key[:2]>/<key>/` holding the published files (`800.webp`...) and
`photo.json` describing them, or the editor-facing error when the photo cannot be published, so a
broken photo is not decoded again either. Entries are written to a temporary folder and renamed,
so a build that is interrupted never leaves half an entry behind.
"""

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

from .derive import Derived, PhotoError, PhotoSettings, Variant

# Part of every key: raise it when a change of code changes the published pixels.
PIPELINE_VERSION = 4
MANIFEST = "photo.json"
# File version (path, size, modification time, inode, settings) -> key, so unchanged photos are
# not read again to be hashed.
KNOWN_KEYS = "keys.json"


def cache_key(source: Path, settings: PhotoSettings) -> str:
    """Hash of the photo's bytes, the settings and the pipeline version."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr((PIPELINE_VERSION, dataclasses.astuple(settings))).encode())
    with open(source, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PhotoCache:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._found: dict[str, Derived | PhotoError] = {}

    def entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def file(self, key: str, variant: Variant) -> Path:
        return self.entry(key) / f"{variant.width}.{variant.extension}"

    def known_keys(self) -> dict[str, str]:
        try:
            return json.loads((self.root / KNOWN_KEYS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def remember_keys(self, keys: dict[str, str]) -> None:
        """Write the known keys whole (a concurrent build's copy is as good)."""
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f"{KNOWN_KEYS}.tmp-{os.getpid()}"
        partial.write_text(json.dumps(keys), encoding="utf-8")
        partial.replace(self.root / KNOWN_KEYS)

    def lookup(self, key: str) -> Derived | PhotoError | None:
        """The cached result for `key`, or None when the photo still has to be derived. A found
        entry is remembered by this cache object, which lives for one Pelican run."""
        if key not in self._found:
            result = self._read(key)
            if result is None:
                return None
            self._found[key] = result
        return self._found[key]

    def _read(self, key: str) -> Derived | PhotoError | None:
        try:
            manifest = json.loads((self.entry(key) / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if "error" in manifest:
            return PhotoError(manifest["error"]["code"], manifest["error"]["message"])
        variants = tuple(Variant(**variant) for variant in manifest["variants"])
        if not all(self.file(key, variant).is_file() for variant in variants):
            shutil.rmtree(self.entry(key), ignore_errors=True)  # damaged: derive it again
            return None
        return Derived(manifest["width"], manifest["height"], manifest["fallback"], variants)

    def store(self, key: str, result: Derived | PhotoError, files: dict[Variant, bytes]) -> None:
        if isinstance(result, PhotoError):
            manifest = {"error": {"code": result.code, "message": result.message}}
        else:
            manifest = dataclasses.asdict(result)
        final = self.entry(key)
        staging = final.with_name(f"{key}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for variant, data in files.items():
            (staging / f"{variant.width}.{variant.extension}").write_bytes(data)
        (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        try:
            staging.rename(final)
        except OSError:  # another build stored the same photo first: theirs is as good
            shutil.rmtree(staging, ignore_errors=True)
