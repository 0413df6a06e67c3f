"""Honest stand-ins for photos that are not available: real JPEGs that say what they are.

Used for the sample content (whose original photos were never published with the text), by the
legacy importer when a page names a photo file it cannot find, and by the benchmarks.

The picture is a calm, out-of-focus scene (sky, hills and ground, or the warm lights of a hall)
so that a page with stand-ins looks like a page with photos, not like a broken one; the JPEG's
comment and a discreet corner mark say it is a sample. A placeholder also names its file.
Everything is drawn with Pillow and decided by `seed`, so the same call writes the same file.
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Fonts with Vietnamese glyphs, when the machine has one; Pillow's own font has none.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)

SAMPLE_MARK = ("Ảnh mẫu", "Sample photo")  # with and without Vietnamese glyphs
PLACEHOLDER_LABEL = ("Ảnh thay thế", "Placeholder photo")

# Natural palettes: (sky top, sky at the horizon, far hills, near hills, ground, lights).
OUTDOOR = (
    ((92, 139, 186), (214, 224, 226), (128, 150, 160), (74, 104, 86), (96, 122, 70), (255, 244, 214)),
    ((70, 96, 140), (238, 196, 160), (120, 112, 130), (70, 78, 82), (88, 92, 60), (255, 214, 160)),
    ((150, 168, 180), (224, 226, 220), (150, 160, 158), (98, 116, 100), (120, 128, 96), (250, 248, 236)),
    ((104, 150, 196), (200, 220, 230), (110, 140, 120), (60, 96, 60), (120, 140, 70), (255, 250, 220)),
)
# Halls: (wall above, wall below, floor, lights).
INDOOR = (
    ((58, 46, 40), (150, 120, 92), (92, 60, 48), (255, 214, 150)),
    ((40, 48, 60), (140, 132, 120), (70, 56, 52), (255, 232, 190)),
    ((70, 52, 44), (190, 160, 120), (112, 78, 60), (255, 200, 130)),
)

WORK_WIDTH = 480  # drawn small and soft, then enlarged: a photo's blur for nothing


def _font(size: int) -> tuple[ImageFont.FreeTypeFont, bool]:
    """A font and whether it can draw Vietnamese."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size), True
    return ImageFont.load_default(size=size), False


def _vertical(size: tuple[int, int], top: tuple, bottom: tuple, start: float = 0, end: float = 1):
    """A top-to-bottom blend of two colours between the fractions `start` and `end` of the height."""
    width, height = size
    ramp = Image.linear_gradient("L").resize((1, 256))
    mask = Image.new("L", (1, height), 0)
    first, last = int(start * height), max(int(start * height) + 1, int(end * height))
    mask.paste(ramp.resize((1, last - first)), (0, first))
    mask.paste(255, (0, last, 1, height))
    mask = mask.resize((width, height))
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _ridge(draw: ImageDraw.ImageDraw, rng: random.Random, size: tuple[int, int], level: float,
           height: float, colour: tuple) -> None:
    """A soft line of hills whose crest wanders around `level` (a fraction of the height)."""
    width, full = size
    waves = [(rng.uniform(0.5, 3.5), rng.uniform(0, 6.3), rng.uniform(0.3, 1)) for _ in range(3)]
    points = [(0, full)]
    for x in range(0, width + 8, 8):
        offset = sum(amp * math.sin(freq * x / width * 6.283 + phase) for freq, phase, amp in waves)
        points.append((x, int(full * (level - height * offset / 2))))
    points.append((width, full))
    draw.polygon(points, fill=colour)


def _lights(image: Image.Image, rng: random.Random, colour: tuple, count: int, area: tuple) -> Image.Image:
    """Out-of-focus points of light (bokeh) scattered over `area` (fractions: top, bottom)."""
    width, height = image.size
    layer = Image.new("RGB", image.size, colour)
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    for _ in range(count):
        radius = rng.uniform(0.015, 0.06) * width
        x = rng.uniform(0, width)
        y = rng.uniform(area[0], area[1]) * height
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=rng.randint(30, 110))
    mask = mask.filter(ImageFilter.GaussianBlur(width / 220))
    return Image.composite(layer, image, mask)


def _scene(size: tuple[int, int], seed: int, indoor: bool | None = None) -> Image.Image:
    """A calm, slightly out-of-focus picture drawn by `seed`, at `size`: a hall or, when `indoor`
    is False, a landscape (None: `seed` chooses)."""
    rng = random.Random(seed)
    width, height = size
    small = (WORK_WIDTH, max(1, round(WORK_WIDTH * height / width)))
    chosen = rng.random() < 0.45
    if chosen if indoor is None else indoor:
        wall_top, wall_bottom, floor, light = rng.choice(INDOOR)
        image = _vertical(small, wall_top, wall_bottom, 0, 0.7)
        horizon = rng.uniform(0.62, 0.74)
        floor_layer = _vertical(small, wall_bottom, floor, horizon, 1)
        mask = Image.new("L", small, 0)
        ImageDraw.Draw(mask).rectangle([0, int(horizon * small[1]), small[0], small[1]], fill=255)
        image = Image.composite(floor_layer, image, mask.filter(ImageFilter.GaussianBlur(4)))
        image = _lights(image, rng, light, rng.randint(14, 26), (0.05, horizon))
        image = _lights(image, rng, (250, 250, 245), rng.randint(4, 8), (0.1, 0.5))
    else:
        sky_top, sky_low, far, near, ground, light = rng.choice(OUTDOOR)
        horizon = rng.uniform(0.5, 0.64)
        image = _vertical(small, sky_top, sky_low, 0, horizon)
        draw = ImageDraw.Draw(image)
        _ridge(draw, rng, small, horizon - 0.06, 0.08, far)
        image = image.filter(ImageFilter.GaussianBlur(3))
        draw = ImageDraw.Draw(image)
        _ridge(draw, rng, small, horizon + 0.02, 0.06, near)
        ground_layer = _vertical(small, near, ground, horizon + 0.05, 1)
        mask = Image.new("L", small, 0)
        _ridge(ImageDraw.Draw(mask), rng, small, horizon + 0.08, 0.03, 255)
        image = Image.composite(ground_layer, image, mask)
        image = image.filter(ImageFilter.GaussianBlur(2))
        image = _lights(image, rng, light, rng.randint(3, 6), (0.05, horizon - 0.1))
    image = image.filter(ImageFilter.GaussianBlur(1.5)).resize(size, Image.Resampling.BICUBIC)
    # A vignette and a fine grain, as a lens and a sensor leave them.
    vignette = Image.radial_gradient("L").resize(size).point(lambda v: int(v * 0.35))
    image = Image.composite(Image.new("RGB", size, (0, 0, 0)), image, vignette)
    grain_size = (max(1, width // 2), max(1, height // 2))
    grain = Image.frombytes("L", grain_size, rng.randbytes(grain_size[0] * grain_size[1]))
    grain = grain.point(lambda v: 112 + v // 8).resize(size)
    return Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.12)


def _mark(image: Image.Image, text: str, font: ImageFont.FreeTypeFont) -> None:
    """Write `text` small in the bottom right corner, white on a translucent dark band."""
    width, height = image.size
    box = ImageDraw.Draw(image).textbbox((0, 0), text, font=font)
    pad = max(4, (box[3] - box[1]) // 2)
    right, bottom = width - pad * 2, height - pad * 2
    left, top = right - (box[2] - box[0]) - pad * 2, bottom - (box[3] - box[1]) - pad * 2
    band = Image.new("L", image.size, 0)
    ImageDraw.Draw(band).rectangle([left, top, right, bottom], fill=120)
    image.paste((0, 0, 0), (0, 0), band)
    ImageDraw.Draw(image).text((left + pad - box[0], top + pad - box[1]), text, font=font,
                               fill=(255, 255, 255))


def _save(image: Image.Image, path: Path, comment: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=82, optimize=True, comment=comment.encode("utf-8"))
    return path


def make_sample_photo(path: Path, size: tuple[int, int] = (3000, 2000), seed: int = 0,
                      indoor: bool | None = None) -> Path:
    """Write a sample photo at `path`: a calm scene (a hall when `indoor`, a landscape when False)
    with a small "Ảnh mẫu" mark in its corner."""
    image = _scene(size, seed, indoor)
    font, vietnamese = _font(max(12, min(size) // 36))
    _mark(image, SAMPLE_MARK[0 if vietnamese else 1], font)
    return _save(image, path, f"{SAMPLE_MARK[0]} ({SAMPLE_MARK[1]})")


def make_placeholder(
    path: Path, caption: str = "", size: tuple[int, int] = (3000, 2000), seed: int = 0
) -> Path:
    """Write a labelled placeholder JPEG at `path`: a calm scene, its file name and the caption."""
    image = _scene(size, seed)
    width, height = size
    font, vietnamese = _font(max(16, width // 30))
    small, _ = _font(max(12, width // 48))
    lines = [(PLACEHOLDER_LABEL[0 if vietnamese else 1], font), (path.name, small)]
    if caption and vietnamese:
        lines.append((caption[:60], small))
    draw = ImageDraw.Draw(image)
    boxes = [draw.textbbox((0, 0), text, font=face) for text, face in lines]
    line_gap = max(6, height // 80)
    block = sum(box[3] - box[1] for box in boxes) + line_gap * (len(lines) - 1)
    y = (height - block) // 2
    band = Image.new("L", image.size, 0)
    ImageDraw.Draw(band).rectangle([0, y - line_gap * 2, width, y + block + line_gap * 2], fill=110)
    image.paste((0, 0, 0), (0, 0), band)
    draw = ImageDraw.Draw(image)
    for (text, face), box in zip(lines, boxes):
        x = (width - (box[2] - box[0])) // 2
        draw.text((x - box[0], y - box[1]), text, font=face, fill=(255, 255, 255))
        y += box[3] - box[1] + line_gap
    return _save(image, path, f"{PLACEHOLDER_LABEL[0]}: {path.name}")
