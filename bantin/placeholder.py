"""Honest stand-ins for photos that are not available: real JPEGs that say what they are.

Used for the sample content (whose original photos were never published with the text), by the
legacy importer when a page names a photo file it cannot find, and by the benchmarks.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Fonts with Vietnamese glyphs, when the machine has one; Pillow's own font has none.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def _font(size: int) -> tuple[ImageFont.FreeTypeFont, bool]:
    """A font and whether it can draw Vietnamese."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size), True
    return ImageFont.load_default(size=size), False


def make_placeholder(
    path: Path, caption: str = "", size: tuple[int, int] = (3000, 2000), seed: int = 0
) -> Path:
    """Write a labelled placeholder JPEG at `path` (its file name is printed on it)."""
    width, height = size
    hue = (seed * 47) % 255
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):  # a soft vertical gradient, so it compresses like a photo
        shade = int(60 + 120 * y / height)
        draw.rectangle([0, y, width, y + 8], fill=((hue + shade) % 256, shade, 150 - shade // 3))
    font, vietnamese = _font(max(24, width // 22))
    small, _ = _font(max(16, width // 40))
    label = "ẢNH THAY THẾ · PLACEHOLDER" if vietnamese else "PLACEHOLDER PHOTO"
    lines = [(label, font), (path.name, font)]
    if caption and vietnamese:
        lines.append((caption[:60], small))
    y = height // 3
    for text, face in lines:
        box = draw.textbbox((0, 0), text, font=face)
        x = (width - (box[2] - box[0])) // 2
        draw.text((x + 3, y + 3), text, font=face, fill=(0, 0, 0))
        draw.text((x, y), text, font=face, fill=(255, 255, 255))
        y += (box[3] - box[1]) * 2
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=80, optimize=True)
    return path
