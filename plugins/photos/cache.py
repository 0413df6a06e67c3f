"""Derived images kept between builds, keyed by the source's content and the settings.

An entry is a folder `<root>/<key[:2]>/<key>/` holding the published files (`800.webp`...) and
`photo.json` describing them with each file's size and digest, or the editor-facing error when
the photo cannot be published, so a broken photo is not decoded again either. Entries are written
to a temporary folder and renamed, so a build that is interrupted never leaves half an entry
behind. The cache is a convenience, not a source of truth: an entry whose description does not
parse or whose files differ from it (truncated, deleted, rewritten) is set aside whole and
derived again, and a file is checked against its digest before it is published.
"""

import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

from core.files import write_whole

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


def process_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class PhotoCache:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._found: dict[str, Derived | PhotoError] = {}
        self._records: dict[str, dict[str, dict]] = {}  # key -> file name -> size and digest

    def entry(self, key: str) -> Path:
        return self.root / key[:2] / key

    def file(self, key: str, variant: Variant) -> Path:
        return self.entry(key) / f"{variant.width}.{variant.extension}"

    def known_keys(self) -> dict[str, str]:
        try:
            keys = json.loads((self.root / KNOWN_KEYS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            return {}
        return keys

    def remember_keys(self, keys: dict[str, str]) -> None:
        """Write the known keys whole (a concurrent build's copy is as good; a cache that cannot
        be written only costs the hashing again, and its photos are reported when used)."""
        try:
            write_whole(self.root / KNOWN_KEYS, json.dumps(keys))
        except OSError:
            pass

    def remove_leftovers(self) -> None:
        """Delete what killed builds left: entries half written by a process that is gone, and
        damaged entries set aside but not yet deleted."""
        for leftover in self.root.glob("*/*.*-*"):
            _, _, rest = leftover.name.partition(".")
            kind, _, owner = rest.partition("-")
            if kind == "damaged" or (kind == "tmp" and not process_alive(owner.split("-")[0])):
                shutil.rmtree(leftover, ignore_errors=True)

    def lookup(self, key: str) -> Derived | PhotoError | None:
        """The cached result for `key`, or None when the photo still has to be derived (also when
        its entry was damaged: it is then set aside). A found entry is remembered by this cache
        object, which lives for one Pelican run."""
        if key not in self._found:
            result = self._read(key)
            if result is None:
                return None
            self._found[key] = result
        return self._found[key]

    def verified(self, key: str, variant: Variant) -> bytes | None:
        """The bytes of one derived file, only if they are those the entry recorded (size and
        digest); otherwise the entry is set aside and None returned, to be derived again."""
        if self.lookup(key) is None:
            return None
        name = self.file(key, variant).name
        record = self._records.get(key, {}).get(name)
        try:
            data = self.file(key, variant).read_bytes()
        except OSError:
            data = None
        if record is None or data is None or len(data) != record["size"] \
                or file_digest(data) != record["digest"]:
            self.discard(key)
            return None
        return data

    def discard(self, key: str) -> None:
        """Set a damaged entry aside (one rename: a concurrent build sees it whole or not at
        all) and delete it; forget what this run knew of it."""
        self._found.pop(key, None)
        self._records.pop(key, None)
        entry = self.entry(key)
        aside = entry.with_name(f"{key}.damaged-{uuid.uuid4().hex}")
        try:
            entry.rename(aside)
        except OSError:
            return  # already gone (another build set it aside)
        shutil.rmtree(aside, ignore_errors=True)

    def _read(self, key: str) -> Derived | PhotoError | None:
        try:
            text = (self.entry(key) / MANIFEST).read_text(encoding="utf-8")
        except FileNotFoundError:
            if self.entry(key).exists():  # a folder without its description
                self.discard(key)
            return None
        except (OSError, ValueError):
            self.discard(key)
            return None
        result = self._parse(key, text)
        if result is None:
            self.discard(key)
        return result

    def _parse(self, key: str, text: str) -> Derived | PhotoError | None:
        """The entry described by `text`, if the description is whole and its files have the
        recorded sizes (their digests are checked when they are published)."""
        try:
            manifest = json.loads(text)
            if "error" in manifest:
                return PhotoError(str(manifest["error"]["code"]), str(manifest["error"]["message"]))
            variants = tuple(Variant(**variant) for variant in manifest["variants"])
            records = {name: {"size": int(record["size"]), "digest": str(record["digest"])}
                       for name, record in manifest["files"].items()}
            derived = Derived(manifest["width"], manifest["height"], manifest["fallback"], variants)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        for variant in variants:
            record = records.get(self.file(key, variant).name)
            try:
                size = self.file(key, variant).stat().st_size
            except OSError:
                return None
            if record is None or size != record["size"]:
                return None
        if not variants:
            return None
        self._records[key] = records
        return derived

    def store(self, key: str, result: Derived | PhotoError, files: dict[Variant, bytes]) -> None:
        if isinstance(result, PhotoError):
            manifest = {"error": {"code": result.code, "message": result.message}}
        else:
            manifest = dataclasses.asdict(result)
            manifest["files"] = {
                f"{variant.width}.{variant.extension}": {"size": len(data),
                                                         "digest": file_digest(data)}
                for variant, data in files.items()
            }
        final = self.entry(key)
        staging = final.with_name(f"{key}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        staging.mkdir(parents=True)
        for variant, data in files.items():
            (staging / f"{variant.width}.{variant.extension}").write_bytes(data)
        (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        for _ in range(2):
            try:
                staging.rename(final)
                return
            except OSError:  # an entry is there: another build's (as good) or a damaged one
                if PhotoCache(self.root).lookup(key) is not None:
                    break
                # damaged: the lookup has set it aside; try once more
        shutil.rmtree(staging, ignore_errors=True)
