"""What publishing photos as verified copies costs, against hard links into the cache.

On the sample site's photos (derived into a temporary cache first), each published file is
written twice, as for the site's two editions, into a fresh folder, in two ways, several rounds,
best round kept:
- links: `os.link` from the cache entry (no bytes copied; the published file IS the cache file,
  so damage to the cache reaches the site);
- verified copies: what plugins/photos does: read the cache file, check its size and digest
  against the entry's record, write an independent file (`write_published`); the second time
  the same file is published in the build, a hard link to that first copy.
Run: `.venv/bin/python benchmarks/photo_publish.py`.
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bantin.build import load_settings  # noqa: E402
from plugins.photos import write_published  # noqa: E402
from plugins.photos.library import PhotoLibrary, referenced_photos  # noqa: E402

ROUNDS = 7


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="photo-publish-"))
    try:
        settings = load_settings(ROOT / "pelicanconf.py",
                                 {"PHOTO_CACHE_PATH": str(work / "cache")})
        content = Path(settings["PATH"])
        roots = [content / folder for folder in settings["ARTICLE_PATHS"]]
        library = PhotoLibrary(settings)
        library.prefetch(roots)
        photos = [library.photo(source.parent, source.name) for source in referenced_photos(roots)]
        files = [(photo, variant) for photo in photos if photo.derived
                 for variant in photo.derived.variants]
        size = sum(library.cache.file(p.key, v).stat().st_size for p, v in files)

        editions = ("vi", "en")

        def link(target: Path) -> None:
            for edition in editions:
                (target / edition).mkdir()
                for photo, variant in files:
                    os.link(library.cache.file(photo.key, variant),
                            target / edition / photo.file_name(variant))

        def verified_copy(target: Path) -> None:
            build = PhotoLibrary(settings)  # as a new build: entries are read and checked again
            for edition in editions:
                (target / edition).mkdir()
                for photo, variant in files:
                    published = target / edition / photo.file_name(variant)
                    earlier = build.earlier_copy(photo, variant)
                    if earlier is None:
                        data = build.published_bytes(photo, variant)
                        write_published(data, published, target)
                        build.remember_copy(photo, variant, published)
                    else:
                        write_published(earlier, published, target)

        best = {}
        for _ in range(ROUNDS):
            for name, publish in (("links", link), ("verified copies", verified_copy)):
                target = work / "out"
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                started = time.perf_counter()
                publish(target)
                elapsed = time.perf_counter() - started
                best[name] = min(best.get(name, elapsed), elapsed)
        print(f"{len(files)} files ({size / 1e6:.1f} MB) published twice, best of {ROUNDS} rounds:")
        for name, seconds in best.items():
            print(f"  {name:14} {seconds * 1000:7.1f} ms")
        extra = (best["verified copies"] - best["links"]) / len(files)
        print(f"  cost of verified copies: {extra * 1e6:.0f} µs more for each distinct file")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
