"""bot.domain.photos: what is refused, and that nothing but pixels survives cleaning."""

from __future__ import annotations

import io
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image, ImageCms, ImageOps

from bot.domain import photos
from bot.domain.errors import DomainError


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretMaker"
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (35.0, 1.0, 2.0)}
    return exif


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(DomainError) as raised:
        photos.clean(name, data)
    assert raised.value.params["file"] == name
    return raised.value.key


def test_a_phone_photo_is_turned_upright_scaled_and_stripped():
    image = Image.new("RGB", (4000, 3000), (10, 200, 30))
    data = encoded(image, "JPEG", exif=phone_exif().tobytes(), icc_profile=b"\0" * 200)
    photo = photos.clean("IMG.JPG", data)
    assert (photo.width, photo.height) == (1200, 1600)  # rotated by the EXIF orientation
    assert b"Exif" not in photo.data and b"SecretMaker" not in photo.data
    cleaned = Image.open(io.BytesIO(photo.data))
    assert not cleaned.getexif() and "icc_profile" not in cleaned.info
    assert cleaned.size == (1200, 1600)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_with_transparency_are_laid_on_white(kind: str):
    image = Image.new("RGBA", (300, 200), (255, 0, 0, 0))
    photo = photos.clean(f"a.{kind.lower()}", encoded(image, kind))
    cleaned = Image.open(io.BytesIO(photo.data))
    assert cleaned.format == "JPEG" and cleaned.mode == "RGB"
    assert min(cleaned.getpixel((150, 100))) > 240  # white, not black


def test_an_iphone_heic_photo_is_read():
    image = Image.new("RGB", (640, 480), (120, 60, 200))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, format="HEIF", exif=phone_exif().tobytes())
    photo = photos.clean("IMG_0001.HEIC", out.getvalue())
    assert (photo.width, photo.height) == (480, 640)
    assert b"SecretMaker" not in photo.data


def test_what_is_not_a_whole_image_is_refused_by_name():
    whole = encoded(Image.new("RGB", (800, 600), (1, 2, 3)), "JPEG")
    assert refusal("notes.txt", b"plain text") == "report.photo.not_image"
    assert refusal("empty.jpg", b"") == "report.photo.not_image"
    assert refusal("cut.jpg", whole[: len(whole) // 2]) == "report.photo.damaged"
    assert refusal("anim.gif", encoded(Image.new("P", (10, 10)), "GIF")) == "report.photo.not_image"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = encoded(Image.new("1", (10_000, 10_000)), "PNG")  # 100 million pixels in a few KB
    assert len(bomb) < 100_000
    assert refusal("bomb.png", bomb) == "report.photo.too_big"


def test_too_many_or_too_large_files_are_refused_before_download():
    photos.check_upload(4, "d.jpg", photos.MAX_BYTES)
    with pytest.raises(DomainError) as raised:
        photos.check_upload(5, "e.jpg", 10)
    assert raised.value.key == "report.photo.too_many" and raised.value.params["max"] == 4
    with pytest.raises(DomainError) as raised:
        photos.check_upload(1, "big.jpg", photos.MAX_BYTES + 1)
    assert raised.value.key == "report.photo.too_large" and raised.value.params["max"] == 20


def test_a_smaller_copy_keeps_the_shape():
    photo = photos.clean("a.png", encoded(Image.new("RGB", (2000, 1000)), "PNG"))
    smaller = photos.rescaled(photo, 800)
    assert (smaller.width, smaller.height) == (800, 400)
    assert photos.rescaled(smaller, 1600) is smaller


def test_a_broken_exif_block_leaves_the_photo_as_it_is_without_it():
    """A phone app that wrote a damaged EXIF block: orientation cannot be read (Pillow raises
    TypeError in exif_transpose), the pixels are still a photo."""
    data = (Path(__file__).parent / "fixtures" / "broken-exif.jpg").read_bytes()
    with pytest.raises(TypeError):
        ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    photo = photos.clean("broken.jpg", data)
    assert (photo.width, photo.height) == (64, 48)
    assert b"Exif" not in photo.data


def test_sixteen_bit_grey_is_brought_to_eight_bits_not_white():
    grey = Image.linear_gradient("L").resize((400, 300)).convert("I").point(lambda v: v * 256)
    photo = photos.clean("scan.png", encoded(grey.convert("I;16"), "PNG"))
    pixels = Image.open(io.BytesIO(photo.data)).convert("L").resize((1, 300)).tobytes()
    assert pixels[0] < 20 and pixels[-1] > 235  # black to white, as it was


def test_colours_with_a_profile_are_converted_to_srgb_and_the_profile_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (100, 100), (200, 30, 30))
    photo = photos.clean("p3.jpg", encoded(image, "JPEG", icc_profile=srgb, quality=95))
    cleaned = Image.open(io.BytesIO(photo.data))
    assert "icc_profile" not in cleaned.info
    red, green, blue = cleaned.getpixel((50, 50))  # type: ignore[misc]
    assert abs(red - 200) < 6 and green < 40 and blue < 40
