"""Strip what a photo says about the person beyond its pixels: EXIF (GPS position, camera,
time), XMP, comments. The image is re-encoded; its orientation is applied to the
pixels first, so a phone photo still stands the right way up."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile, ImageOps

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


#: The most pixels an uploaded image may have: a 48-megapixel phone photo, or an A4
#: page scanned at 600 dpi (35 million), fits. Decoding takes 3 to 4 bytes a pixel and
#: re-encoding as much again, so without a limit a small, highly compressed file (a PNG
#: of one colour, say) could make a worker decode gigabytes.
MAX_PIXELS = 50_000_000


class DamagedImage(ValueError):
    """The bytes start like an image but do not decode whole (cut short, corrupt)."""


class ImageTooLarge(ValueError):
    """The image has more than :data:`MAX_PIXELS` pixels (known before decoding it)."""


_strict = threading.Lock()


@contextmanager
def _whole_images_only() -> Iterator[None]:
    """Decode strictly whatever the process set before: WeasyPrint, once imported (the
    first PDF rendered), lets Pillow accept truncated images for good, and a damaged
    upload would then pass in one process and fail in another."""
    with _strict:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


@contextmanager
def _decoded(data: bytes) -> Iterator[Image.Image]:
    """The image, decoded whole under :func:`_whole_images_only`; :class:`ImageTooLarge`
    from its header alone, before any pixel is decoded."""
    with _whole_images_only():
        try:
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                image.close()
                raise ImageTooLarge(f"{width} x {height} pixels")
            image.load()
        except (OSError, SyntaxError, ValueError) as exc:  # UnidentifiedImageError too
            if isinstance(exc, ImageTooLarge):
                raise
            raise DamagedImage(str(exc)) from exc
        with image:
            yield image


def check_whole(data: bytes, content_type: str) -> None:
    """Raise :class:`DamagedImage` unless an image's bytes decode whole, and
    :class:`ImageTooLarge` for one with too many pixels."""
    if content_type in FORMATS:
        with _decoded(data):
            pass


def without_metadata(data: bytes, content_type: str) -> bytes:
    """``data`` re-encoded with no metadata; other types are returned unchanged.
    Raises :class:`DamagedImage` for an image that does not decode whole."""
    fmt = FORMATS.get(content_type)
    if fmt is None:
        return data
    with _decoded(data) as image:
        upright = ImageOps.exif_transpose(image)
        # A new image from the pixels alone: nothing of the original's info comes along.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        options: dict[str, object] = {"optimize": True}
        if upright.mode == "P":
            clean.putpalette(upright.getpalette() or [])
        if fmt == "PNG" and "transparency" in upright.info:
            options["transparency"] = upright.info["transparency"]
        if fmt == "JPEG":
            options["quality"] = 92
        out = io.BytesIO()
        clean.save(out, fmt, **options)
    return out.getvalue()
