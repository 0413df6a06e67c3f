"""`invoke bench-photos`: the photo pipeline against a plain Pillow loop, on 6 MP camera-size JPEGs.

Both produce the same files (every width of PHOTO_WIDTHS in WebP and JPEG at the configured
qualities) in the same run, alternated over a few rounds, the best time of each kept. The naive
loop opens each photo, resizes the full image to each width and saves: one core, full decode,
every resize from the full image. Then the pipeline runs again
on the same photos with a warm cache, as a second build does, and that time is compared with the
first. Exit status 1 when a target is missed.
"""

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bantin.build import load_settings  # noqa: E402
from plugins.photos.cache import PhotoCache, cache_key  # noqa: E402
from plugins.photos.derive import PhotoSettings, target_widths  # noqa: E402
from plugins.photos.library import photo_settings  # noqa: E402
from plugins.photos.pipeline import derive_missing  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "photos"
SIZE = (3000, 2000)  # 6 MP, a typical phone photo of a few years ago
TARGET_SPEEDUP = 2.0
TARGET_CACHED_FRACTION = 0.05


def camera_like_photo(path: Path, seed: int) -> Path:
    """A 6 MP JPEG with the texture of a photo (shapes, soft edges, sensor grain): a flat
    gradient would compress and encode unrealistically fast."""
    rnd = random.Random(seed)
    width, height = SIZE
    small = (width // 16, height // 16)
    channels = [Image.linear_gradient("L").resize(small).rotate(rnd.randrange(360)) for _ in "RGB"]
    noise = Image.effect_noise(small, 60).convert("RGB")
    base = Image.blend(Image.merge("RGB", channels), noise, 0.3)
    base = base.resize(SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(base)
    for _ in range(60):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(20, width // 6)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randrange(256) for _ in "RGB"))
    base = base.filter(ImageFilter.GaussianBlur(2))
    photo = Image.blend(base, Image.effect_noise(SIZE, 12).convert("RGB"), 0.12)
    photo.save(path, "JPEG", quality=92)
    return path


def sample_photos(count: int) -> list[Path]:
    WORK.mkdir(parents=True, exist_ok=True)
    return [
        path if path.exists() else camera_like_photo(path, seed)
        for seed, path in enumerate(WORK / f"photo-{index:02}.jpg" for index in range(count))
    ]


def naive(photos: list[Path], settings: PhotoSettings, output: Path) -> None:
    """What one would write first: open, turn upright, resize the full image to each width, save."""
    for source in photos:
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
        for width in target_widths(image.width, settings.widths):
            height = round(image.height * width / image.width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            stem = output / f"{source.stem}-{width}"
            resized.save(f"{stem}.webp", quality=settings.webp_quality, method=settings.webp_method)
            resized.save(f"{stem}.jpg", quality=settings.jpeg_quality, optimize=True,
                         progressive=True)


def pipeline(photos: list[Path], settings: PhotoSettings, cache: PhotoCache, output: Path) -> None:
    """What a build does: hash, derive what the cache lacks on every core, copy into the site."""
    keys = {cache_key(source, settings): source for source in photos}
    missing = {key: source for key, source in keys.items() if cache.lookup(key) is None}
    derive_missing(missing, settings, cache, progress=False)
    for key, source in keys.items():
        for variant in cache.lookup(key).variants:
            target = output / f"{source.stem}-{variant.width}.{variant.extension}"
            shutil.copyfile(cache.file(key, variant), target)


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main(count: int = 16, rounds: int = 3) -> int:
    settings = photo_settings(load_settings(ROOT / "pelicanconf.py"))
    print(f"Preparing {count} photos of {SIZE[0]}x{SIZE[1]} in {WORK.relative_to(ROOT)}/ ...")
    photos = sample_photos(count)
    times: dict[str, list[float]] = {"naive": [], "first": [], "cached": []}
    for _ in range(rounds):  # alternated, best of each: other work on the machine skews less
        with tempfile.TemporaryDirectory() as scratch:
            folders = {name: Path(scratch) / name for name in (*times, "cache")}
            for folder in folders.values():
                folder.mkdir()
            cache = PhotoCache(folders["cache"])
            times["naive"].append(timed(naive, photos, settings, folders["naive"]))
            times["first"].append(timed(pipeline, photos, settings, cache, folders["first"]))
            times["cached"].append(timed(pipeline, photos, settings, cache, folders["cached"]))
            outputs = {name: sorted(p.name for p in folders[name].iterdir()) for name in times}
            assert outputs["naive"] == outputs["first"] == outputs["cached"], "different outputs"
            files = len(outputs["first"])
    naive_time, first_time, cached_time = (min(times[name]) for name in times)
    load, cores = os.getloadavg()[0], os.cpu_count()
    if load > cores:
        print(f"Note: load average {load:.1f} on {cores} cores: other work shared the machine, "
              "so the parallel figures are low; run again when it is idle.")
    speedup = naive_time / first_time
    fraction = cached_time / first_time
    widths = ", ".join(map(str, settings.widths))
    print(f"{count} photos -> {files} files (widths {widths}; WebP q{settings.webp_quality}, "
          f"JPEG q{settings.jpeg_quality}); best of {rounds} rounds")
    print(f"naive Pillow loop : {naive_time:6.2f} s  {count / naive_time:6.2f} images/s")
    print(f"pipeline          : {first_time:6.2f} s  {count / first_time:6.2f} images/s")
    print(f"speed-up          : {speedup:.2f}x (target at least {TARGET_SPEEDUP:.0f}x)  "
          + ("met" if speedup >= TARGET_SPEEDUP else "MISSED"))
    print(f"cached second run : {cached_time:6.3f} s  = {fraction:.1%} of the first "
          f"(target under {TARGET_CACHED_FRACTION:.0%})  "
          + ("met" if fraction < TARGET_CACHED_FRACTION else "MISSED"))
    return 0 if speedup >= TARGET_SPEEDUP and fraction < TARGET_CACHED_FRACTION else 1


if __name__ == "__main__":
    sys.exit(main(*map(int, sys.argv[1:])))
