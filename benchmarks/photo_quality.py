"""How PHOTO_WEBP_QUALITY and PHOTO_JPEG_QUALITY were chosen: bytes against fidelity.

    .venv/bin/python benchmarks/photo_quality.py FOLDER_OF_PHOTOS

For each quality, every photo of the folder is encoded as the pipeline encodes it (JPEG optimised
and progressive; WebP at PHOTO_WEBP_METHOD) and compared with the original by SSIM on luminance
(8x8 windows). Prints the mean size and SSIM per quality, to pick the point past which bytes
grow much faster than fidelity. Pure Pillow, so it runs with the site's own requirements.
"""

import io
import sys
from pathlib import Path

from PIL import Image

QUALITIES = range(50, 96, 5)
WINDOW = 8
C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2


def ssim(first: Image.Image, second: Image.Image) -> float:
    """Mean SSIM of the luminance over non-overlapping 8x8 windows."""
    a, b = first.convert("L"), second.convert("L")
    width, height = a.size
    pa, pb = a.tobytes(), b.tobytes()
    scores = []
    for top in range(0, height - WINDOW + 1, WINDOW):
        for left in range(0, width - WINDOW + 1, WINDOW):
            xs, ys = [], []
            for row in range(top, top + WINDOW):
                start = row * width + left
                xs.extend(pa[start:start + WINDOW])
                ys.extend(pb[start:start + WINDOW])
            n = len(xs)
            mx, my = sum(xs) / n, sum(ys) / n
            vx = sum((x - mx) ** 2 for x in xs) / n
            vy = sum((y - my) ** 2 for y in ys) / n
            cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / n
            scores.append(((2 * mx * my + C1) * (2 * cov + C2))
                          / ((mx * mx + my * my + C1) * (vx + vy + C2)))
    return sum(scores) / len(scores)


def encode(image: Image.Image, format_: str, quality: int, method: int) -> tuple[int, Image.Image]:
    buffer = io.BytesIO()
    if format_ == "webp":
        image.save(buffer, "WEBP", quality=quality, method=method)
    else:
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.tell(), Image.open(io.BytesIO(buffer.getvalue()))


def main(folder: str, method: int = 4) -> None:
    photos = [Image.open(path).convert("RGB") for path in sorted(Path(folder).iterdir())]
    print(f"{len(photos)} photos, mean size in KB and mean SSIM per quality")
    print("quality   JPEG KB  JPEG SSIM   WebP KB  WebP SSIM")
    for quality in QUALITIES:
        row = [f"{quality:7}"]
        for format_ in ("jpeg", "webp"):
            results = [encode(photo, format_, quality, method) for photo in photos]
            size = sum(bytes_ for bytes_, _ in results) / len(results) / 1024
            score = sum(ssim(photo, out) for photo, (_, out) in zip(photos, results)) / len(photos)
            row.append(f"{size:9.1f} {score:10.4f}")
        print(" ".join(row))


if __name__ == "__main__":
    main(*sys.argv[1:2], *map(int, sys.argv[2:3]))
