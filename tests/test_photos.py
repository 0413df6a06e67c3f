"""The photo pipeline on photos made here with Pillow: every kind an editor may drop in."""

import io

import pytest
from conftest import (BAD_FILES, BLUE, RED, SERIAL, camera_jpeg, close, colour_at, personal_exif,
                      truncated_jpeg, two_halves)
from PIL import Image, ImageCms, JpegImagePlugin

from plugins.photos.cache import PhotoCache, cache_key
from plugins.photos.derive import (PhotoError, PhotoSettings, card_target_widths, derive,
                                   target_widths)
from plugins.photos.library import referenced_photos
from plugins.photos import pipeline
from plugins.photos.pipeline import derive_missing

SETTINGS = PhotoSettings(
    widths=(480, 800, 1200), card_widths=(160, 320), webp_quality=75, jpeg_quality=80, webp_method=4, max_pixels=40_000_000
)


# --- Photos as they arrive (the makers are in conftest) ----------------------------------------


def published(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- Widths -------------------------------------------------------------------------------------


def test_widths_never_upscale_and_keep_the_photos_own_width_when_smaller():
    assert target_widths(4000, (480, 800, 1200)) == [1200, 800, 480]
    assert target_widths(1000, (480, 800, 1200)) == [1000, 800, 480]
    assert target_widths(300, (480, 800, 1200)) == [300]
    assert target_widths(1200, (480, 800, 1200)) == [1200, 800, 480]


def test_card_widths_are_below_the_smallest_published_width():
    assert card_target_widths(480, (160, 240, 320)) == [320, 240, 160]
    assert card_target_widths(300, (160, 240, 320)) == [240, 160]
    assert card_target_widths(150, (160, 240, 320)) == []


# --- Correct pixels -----------------------------------------------------------------------------


def test_sideways_camera_photo_is_published_upright(tmp_path):
    derived, files = derive(camera_jpeg(tmp_path / "IMG_1.jpg", orientation=6), SETTINGS)
    # Stored 1600x1000 with "rotate 90° clockwise to view": readers see 1000x1600, red on top.
    assert (derived.width, derived.height) == (1000, 1600)
    assert [(v.width, v.height) for v in derived.variants if v.format == "webp"] == [
        (1000, 1600), (800, 1280), (480, 768)
    ]
    assert [(v.width, v.height, v.format) for v in derived.card_variants] == [
        (320, 512, "webp"), (320, 512, "jpeg"), (160, 256, "webp"), (160, 256, "jpeg")
    ]
    assert set(files) == set(derived.variants + derived.card_variants)
    for variant, data in files.items():
        image = published(data)
        assert image.size == (variant.width, variant.height)
        assert close(colour_at(image, (variant.width // 2, variant.height // 8)), RED)
        assert close(colour_at(image, (variant.width // 2, variant.height * 7 // 8)), BLUE)


def test_published_files_carry_no_personal_metadata(tmp_path):
    _, files = derive(camera_jpeg(tmp_path / "IMG_2.jpg", orientation=3), SETTINGS)
    assert {variant.format for variant in files} == {"webp", "jpeg"}
    for data in files.values():
        image = published(data)
        assert not image.getexif(), "EXIF (location, serial, orientation) must be gone"
        assert not set(image.info) & {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"}
        assert SERIAL.encode() not in data
        assert b"PhoneMaker" not in data


def test_cmyk_jpeg_becomes_rgb_with_its_colours(tmp_path):
    path = tmp_path / "in-an.jpg"
    Image.new("CMYK", (900, 600), (0, 255, 255, 0)).save(path, "JPEG", quality=95)
    derived, files = derive(path, SETTINGS)
    assert derived.fallback == "jpeg"
    for data in files.values():
        image = published(data)
        assert image.mode == "RGB"
        assert close(colour_at(image, (10, 10)), (255, 0, 0), tolerance=30)


def test_sixteen_bit_greyscale_png_keeps_its_tones(tmp_path):
    path = tmp_path / "scan.png"
    image = Image.new("I", (600, 400), 0)
    image.paste(65535, (300, 0, 600, 400))  # left black, right white
    image.paste(32768, (0, 200, 300, 400))  # bottom left mid-grey
    image.convert("I;16").save(path)
    assert Image.open(path).mode == "I;16"
    derived, files = derive(path, SETTINGS)
    jpeg = published(files[next(v for v in derived.variants if v.format == "jpeg")])
    assert colour_at(jpeg, (100, 50))[0] < 20
    assert colour_at(jpeg, (500, 50))[0] > 235
    assert 110 < colour_at(jpeg, (100, 350))[0] < 146


def test_palette_png_without_transparency_gets_a_jpeg_fallback(tmp_path):
    path = tmp_path / "chart.png"
    two_halves((700, 500)).convert("P", palette=Image.Palette.ADAPTIVE, colors=8).save(path)
    derived, files = derive(path, SETTINGS)
    assert derived.fallback == "jpeg"
    assert close(colour_at(published(files[derived.variants[1]]), (10, 10)), RED)


def test_transparent_png_keeps_its_alpha_with_a_png_fallback(tmp_path):
    path = tmp_path / "logo.png"
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    image.paste((20, 120, 60, 255), (0, 0, 450, 300))
    image.save(path, icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    derived, files = derive(path, SETTINGS)
    assert derived.fallback == "png"
    assert {v.format for v in files} == {"webp", "png"}
    for variant, data in files.items():
        output = published(data)
        assert output.mode == "RGBA" and "icc_profile" not in output.info
        assert output.getpixel((variant.width - 5, 5))[3] == 0
        assert output.getpixel((5, 5))[3] == 255
        assert close(output.getpixel((5, 5))[:3], (20, 120, 60), tolerance=6)


def test_opaque_rgba_screenshot_gets_the_smaller_jpeg_fallback(tmp_path):
    path = tmp_path / "screenshot.png"
    two_halves((800, 600), mode="RGBA").save(path)
    derived, _ = derive(path, SETTINGS)
    assert derived.fallback == "jpeg"


def test_iphone_heic_is_published(tmp_path):
    path = tmp_path / "IMG_0001.HEIC"
    two_halves((1400, 1000)).save(path, "HEIF", quality=90, exif=personal_exif())
    derived, files = derive(path, SETTINGS)
    assert (derived.width, derived.height) == (1200, 857)
    for data in files.values():
        assert SERIAL.encode() not in data
        assert close(colour_at(published(data), (10, 10)), RED)


def test_big_jpeg_is_decoded_at_reduced_size_and_still_exact(tmp_path, monkeypatch):
    path = tmp_path / "big.jpg"
    two_halves((4000, 3000)).save(path, "JPEG", quality=90)
    decoded_sizes = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(image, mode, size):
        result = draft(image, mode, size)
        decoded_sizes.append(image.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    derived, files = derive(path, SETTINGS)
    assert decoded_sizes == [(2000, 1500)]  # libjpeg scaled by 1/2: still above 1200 wide
    assert (derived.width, derived.height) == (1200, 900)
    image = published(files[derived.variants[1]])
    assert close(colour_at(image, (590, 450)), RED) and close(colour_at(image, (610, 450)), BLUE)


# --- Bad files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_one_sentence_naming_it(tmp_path, name):
    code, make = BAD_FILES[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(PhotoError) as raised:
        derive(path, SETTINGS)
    assert raised.value.code == code
    assert name in raised.value.message and "\n" not in raised.value.message


# --- Cache and parallel work ------------------------------------------------------------------


def test_cache_key_follows_content_and_settings(tmp_path):
    first = camera_jpeg(tmp_path / "a.jpg")
    same = tmp_path / "renamed.jpg"
    same.write_bytes(first.read_bytes())
    assert cache_key(first, SETTINGS) == cache_key(same, SETTINGS)
    other_quality = PhotoSettings(**{**SETTINGS.__dict__, "webp_quality": 60})
    assert cache_key(first, SETTINGS) != cache_key(first, other_quality)
    camera_jpeg(same, orientation=6)
    assert cache_key(first, SETTINGS) != cache_key(same, SETTINGS)


def test_parallel_derivation_fills_the_cache_with_results_and_errors(tmp_path):
    cache = PhotoCache(tmp_path / "cache")
    good = camera_jpeg(tmp_path / "good.jpg")
    bad = truncated_jpeg(tmp_path / "bad.jpg")
    jobs = {cache_key(path, SETTINGS): path for path in (good, bad)}
    derive_missing(jobs, SETTINGS, cache, progress=False)
    good_entry, bad_entry = (cache.lookup(key) for key in jobs)
    assert good_entry.width == 1200 and good_entry.fallback == "jpeg"
    for variant in good_entry.variants:
        assert published(cache.file(cache_key(good, SETTINGS), variant).read_bytes()).size == (
            variant.width, variant.height)
    assert isinstance(bad_entry, PhotoError) and bad_entry.code == "photo-corrupt"


def test_markdown_scan_finds_the_photos_articles_use(tmp_path):
    article = tmp_path / "articles" / "2021" / "hoi-nghi"
    article.mkdir(parents=True)
    for name in ("a.jpg", "b.png", "the.jpg", "unused.jpg"):
        (article / name).write_bytes(b"x")
    (article / "index.md").write_text(
        "Title: Hội nghị\nImage: the.jpg\n\n![Toàn cảnh](a.jpg)\n\n"
        '![Phát biểu](b.png "Chú thích")\n\n![Ảnh thiếu](missing.jpg)\n',
        encoding="utf-8",
    )
    found = {path.name for path in referenced_photos([tmp_path / "articles"])}
    assert found == {"a.jpg", "b.png", "the.jpg"}


def test_damaged_cache_entry_is_derived_again(tmp_path):
    cache = PhotoCache(tmp_path / "cache")
    photo = camera_jpeg(tmp_path / "a.jpg")
    key = cache_key(photo, SETTINGS)
    derive_missing({key: photo}, SETTINGS, cache, progress=False)
    derived = cache.lookup(key)
    cache.file(key, derived.variants[0]).unlink()
    next_build = PhotoCache(tmp_path / "cache")
    assert next_build.lookup(key) is None
    derive_missing({key: photo}, SETTINGS, next_build, progress=False)
    assert next_build.lookup(key) == derived


def test_a_decoder_failing_in_an_unforeseen_way_is_still_one_sentence(tmp_path, monkeypatch):
    def trip(path, settings):
        raise IndexError("tile cannot extend outside image")

    monkeypatch.setattr(pipeline, "derive", trip)
    photo = camera_jpeg(tmp_path / "odd.jpg")
    key = cache_key(photo, SETTINGS)
    cache = PhotoCache(tmp_path / "cache")
    pipeline.derive_into_cache(photo, key, SETTINGS, cache.root)
    error = cache.lookup(key)
    assert error.code == "photo-corrupt" and "odd.jpg" in error.message
