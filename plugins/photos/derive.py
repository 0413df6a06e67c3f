"""Turn one source photo into the images readers download.

A photo straight from a phone or camera becomes a few widths (never upscaled) in WebP plus a JPEG
fallback (PNG when it has real transparency), and a few smaller ones for cards: pixels turned upright from the EXIF orientation,
converted to 8-bit sRGB, and written with no metadata at all, so no location, camera serial or
colour-profile text leaves the newsroom.

Everything here runs in worker processes: functions take plain values and return plain values.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # iPhone photos (HEIC)

# Formats editors may use. Pillow opens more (PCX, TGA, ICO...), but those are not photos a
# newsroom should publish, and some of them hide surprises (several frames, odd depths).
ACCEPTED_FORMATS = {
    "JPEG": "JPEG",
    "MPO": "JPEG",  # what many phones and cameras write: a JPEG with extra frames appended
    "PNG": "PNG",
    "WEBP": "WebP",
    "HEIF": "HEIC",
    "GIF": "GIF",
    "TIFF": "TIFF",
    "BMP": "BMP",
}
ACCEPTED_NAMES = "JPEG, PNG, WebP, HEIC"

# Raise our own error on oversized images before Pillow decides to warn or refuse.
Image.MAX_IMAGE_PIXELS = None
ImageFile.LOAD_TRUNCATED_IMAGES = False

SRGB = ImageCms.createProfile("sRGB")


class PhotoError(Exception):
    """A photo that cannot be published. `message` is for editors (Vietnamese), `code` stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):
        """Pickled whole (the reader's cache keeps an article's photos, errors included)."""
        return (PhotoError, (self.code, self.message))


@dataclass(frozen=True)
class PhotoSettings:
    """What shapes the published pixels; part of the cache key, so changing it redoes the work."""

    widths: tuple[int, ...]
    card_widths: tuple[int, ...]
    webp_quality: int
    jpeg_quality: int
    webp_method: int
    max_pixels: int


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"; also the file extension (jpeg -> jpg)

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


@dataclass(frozen=True)
class Derived:
    """The published set of one photo, largest first."""

    width: int
    height: int
    fallback: str  # "jpeg" or "png"
    variants: tuple[Variant, ...]
    # Smaller widths for the photo as a card's thumbnail in lists, published only where it is one.
    card_variants: tuple[Variant, ...] = ()


def open_photo(path: Path, settings: PhotoSettings) -> Image.Image:
    """Open and check a photo from its header only (no pixel is decoded)."""
    try:
        image = Image.open(path)
    except UnidentifiedImageError:
        raise PhotoError(
            "photo-not-image",
            f"Tệp “{path.name}” không phải là ảnh (hãy dùng {ACCEPTED_NAMES})",
        ) from None
    except OSError as error:
        raise PhotoError("photo-unreadable", f"Không đọc được ảnh “{path.name}”: {error}") from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise PhotoError(
            "photo-unsupported-format",
            f"Ảnh “{path.name}” có định dạng {image.format}, trang tin không đăng được "
            f"(hãy dùng {ACCEPTED_NAMES})",
        )
    width, height = image.size
    if width * height > settings.max_pixels:
        image.close()
        raise PhotoError(
            "photo-too-large",
            f"Ảnh “{path.name}” quá lớn ({width}×{height} điểm ảnh, tối đa "
            f"{settings.max_pixels // 1_000_000} triệu điểm ảnh): hãy thu nhỏ ảnh rồi lưu lại",
        )
    return image


def target_widths(width: int, widths: tuple[int, ...]) -> list[int]:
    """The published widths, largest first: the configured ones below the photo's own width,
    plus the photo's own width when it is smaller than the largest configured one."""
    chosen = {w for w in widths if w < width}
    if width <= max(widths):
        chosen.add(width)
    return sorted(chosen, reverse=True)


def card_target_widths(smallest: int, card_widths: tuple[int, ...]) -> list[int]:
    """The card widths, largest first: those below the smallest published width (a card's
    `srcset` lists those too)."""
    return sorted((w for w in card_widths if w < smallest), reverse=True)


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(ImageOps.ExifTags.Base.Orientation, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _decode(image: Image.Image, largest_width: int, path: Path) -> Image.Image:
    """Decode the pixels, at a reduced size for JPEGs when the largest output allows it
    (libjpeg scales by 1/2, 1/4 or 1/8 while decoding, never below the requested size)."""
    if image.format in ("JPEG", "MPO"):
        oriented_width, _ = _oriented_size(image)
        scale = largest_width / oriented_width
        image.draft(image.mode, (int(image.width * scale), int(image.height * scale)))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise corrupt(path) from None
    return image


def corrupt(path: Path) -> PhotoError:
    return PhotoError(
        "photo-corrupt",
        f"Ảnh “{path.name}” bị hỏng hoặc chưa chép hết: hãy chép lại ảnh gốc từ máy ảnh "
        "hoặc điện thoại",
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """8-bit RGB or RGBA pixels in sRGB, whatever the source stored."""
    profile = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit or float greyscale
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    elif image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    elif image.mode == "LA":
        image = image.convert("RGBA")
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        output = "RGBA" if image.mode == "RGBA" else "RGB"
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode=output)
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: the pixels themselves are still usable
    if image.mode in ("RGB", "RGBA"):
        return image
    return image.convert("RGB")


def _drop_opaque_alpha(image: Image.Image) -> Image.Image:
    """RGBA whose alpha is fully opaque is plain RGB (and may then use a JPEG fallback)."""
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        return image.convert("RGB")
    return image


def _encode(image: Image.Image, variant: Variant, settings: PhotoSettings) -> bytes:
    buffer = io.BytesIO()
    if variant.format == "webp":
        image.save(buffer, "WEBP", quality=settings.webp_quality, method=settings.webp_method)
    elif variant.format == "jpeg":
        image.save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def derive(path: Path, settings: PhotoSettings) -> tuple[Derived, dict[Variant, bytes]]:
    """Every published file of the photo at `path`, as bytes, with their description."""
    with open_photo(path, settings) as image:
        oriented_width, oriented_height = _oriented_size(image)
        widths = target_widths(oriented_width, settings.widths)
        decoded = _decode(image, widths[0], path)
        upright = ImageOps.exif_transpose(decoded)  # a copy: `decoded` still needs its file
        pixels = _drop_opaque_alpha(_to_srgb(upright))
    pixels.info.clear()  # no EXIF, XMP, comment or profile is carried to the outputs
    fallback = "png" if pixels.mode == "RGBA" else "jpeg"
    files: dict[Variant, bytes] = {}
    current = pixels
    cards = card_target_widths(widths[-1], settings.card_widths)
    for width in widths + cards:  # largest first, each resized from the previous one: cheaper
        height = max(1, round(oriented_height * width / oriented_width))
        if (width, height) != current.size:
            current = current.resize((width, height), Image.Resampling.LANCZOS)
        for format_ in ("webp", fallback):
            variant = Variant(width, height, format_)
            files[variant] = _encode(current, variant, settings)
    variants = tuple(variant for variant in files if variant.width not in cards)
    card_variants = tuple(variant for variant in files if variant.width in cards)
    largest = variants[0]
    derived = Derived(largest.width, largest.height, fallback, variants, card_variants)
    return derived, files
