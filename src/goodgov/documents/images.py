"""Strip what a photo says about the person beyond its pixels: EXIF (GPS position, camera,
time), XMP, comments. The image is re-encoded; its orientation is applied to the
pixels first, so a phone photo still stands the right way up."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def without_metadata(data: bytes, content_type: str) -> bytes:
    """``data`` re-encoded with no metadata; other types are returned unchanged."""
    fmt = FORMATS.get(content_type)
    if fmt is None:
        return data
    with Image.open(io.BytesIO(data)) as image:
        image.load()
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
