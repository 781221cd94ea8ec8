"""Photos a member sends with a report: checked, cleaned and scaled before anything keeps them.

Phones write the place a photo was taken (GPS), the device and the time into it; none of that may
reach the newsletter, an announcement or the database. So a photo is decoded (which proves it is
an image this module can read, whole), turned upright by its EXIF orientation, copied pixel by
pixel into a new image that has no metadata at all, scaled to :data:`LONG_SIDE` pixels on its long
side and re-encoded as JPEG. Pure computation on bytes: the caller downloads, and runs
:func:`clean` off the event loop (it takes a second for a large photo).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from bot.domain.errors import DomainError

MAX_PHOTOS = 4
MAX_BYTES = 20 * 1024 * 1024  # what a member may send, per file
MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
LONG_SIDE = 1600
PREVIEW_LONG_SIDE = 800  # the smaller copy kept with each photo (see :class:`Stored`)
# A decompression bomb is a small file that claims a huge image; nothing larger is decoded.
# 60 million pixels is above every phone camera (a 48 MP sensor writes 8064 x 6048).
MAX_PIXELS = 60_000_000
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
JPEG_QUALITY = 85
CONTENT_TYPE = "image/jpeg"

pillow_heif.register_heif_opener()
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Photo:
    """A cleaned photo: JPEG bytes with no metadata block, at most LONG_SIDE px on its long side."""

    data: bytes
    width: int
    height: int
    content_type: str = CONTENT_TYPE


@dataclass(frozen=True)
class Stored:
    """A photo as the bot keeps it: the photo, and a smaller copy for exports that must be small."""

    photo: Photo
    preview: Photo


def stored(name: str, data: bytes) -> Stored:
    """:func:`clean`, with the smaller copy."""
    photo = clean(name, data)
    return Stored(photo, rescaled(photo, PREVIEW_LONG_SIDE))


def check_upload(count: int, name: str, size: int) -> None:
    """Refuse, before downloading it, the ``count``-th file of a form or one that is too large."""
    if count > MAX_PHOTOS:
        raise DomainError("report.photo.too_many", file=name, max=MAX_PHOTOS)
    if size > MAX_BYTES:
        raise DomainError("report.photo.too_large", file=name, max=MAX_MEGABYTES)


def clean(name: str, data: bytes, long_side: int = LONG_SIDE) -> Photo:
    """The photo in ``data`` upright, in sRGB, without metadata, scaled and re-encoded; a
    :class:`DomainError` naming ``name`` when it is not a whole image of a known format."""
    if len(data) > MAX_BYTES:
        raise DomainError("report.photo.too_large", file=name, max=MAX_MEGABYTES)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise DomainError("report.photo.not_image", file=name)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise DomainError("report.photo.too_big", file=name, max=MAX_PIXELS // 10**6)
                # A JPEG decodes at 1/2, 1/4 or 1/8 of its size when that is still at least
                # the size it will be scaled to: a 48 MP phone photo in a quarter of the
                # time and a tenth of the memory.
                scale = min(1.0, long_side / max(width, height))
                image.draft("RGB", (max(int(width * scale), 1), max(int(height * scale), 1)))
                image.load()
                upright = _upright(_in_srgb(image))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DomainError("report.photo.too_big", file=name, max=MAX_PIXELS // 10**6) from None
        except UnidentifiedImageError:
            raise DomainError("report.photo.not_image", file=name) from None
        except DomainError:
            raise
        except Exception:  # truncated or corrupt: Pillow's decoders raise many kinds on those
            raise DomainError("report.photo.damaged", file=name) from None
    return _encode(_pixels_only(upright), long_side)


def _in_srgb(image: Image.Image) -> Image.Image:
    """The colours as an sRGB screen or printer shows them, where the photo carries a colour
    profile (an iPhone's Display P3): dropping the profile with the metadata would otherwise
    shift and dull them. A profile that cannot be read is ignored."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    if converted is None:  # only with inPlace=True
        return image
    if "exif" in image.info:  # for the orientation, read next
        converted.info["exif"] = image.info["exif"]
    return converted


def _upright(image: Image.Image) -> Image.Image:
    """Turned as its EXIF orientation says; as it is, where the EXIF block is broken (the
    metadata is dropped anyway)."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a damaged EXIF block raises TypeError, struct.error, KeyError…
        return image


def rescaled(photo: Photo, long_side: int) -> Photo:
    """A smaller copy of a cleaned photo (an export that must fit Discord's attachment limit)."""
    if max(photo.width, photo.height) <= long_side:
        return photo
    scale = long_side / max(photo.width, photo.height)
    with Image.open(io.BytesIO(photo.data)) as image:
        # JPEG can decode at 1/2, 1/4 or 1/8 of its size, far faster than decode-then-scale.
        image.draft("RGB", (max(int(photo.width * scale), 1), max(int(photo.height * scale), 1)))
        image.load()
        return _encode(image, long_side, optimize=False)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new RGB image with the same pixels and nothing else (no EXIF, XMP, ICC, comments);
    transparency is laid on white, as it would be printed; 16-bit grey brought to 8 bits."""
    if image.mode.startswith("I;16"):
        image = image.convert("I")
    if image.mode == "I":  # 0–65535: as it is, every value above 255 would be white
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    rgb = image.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _encode(image: Image.Image, long_side: int, optimize: bool = True) -> Photo:
    image = image.convert("RGB")
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=optimize)
    return Photo(out.getvalue(), image.width, image.height)
