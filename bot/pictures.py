"""A member's photo, re-encoded so that nothing of the original file survives: decoded to pixels with Pillow,
turned upright, shrunk to a bounded size and written again as a plain JPEG. EXIF (GPS, camera serials, dates),
XMP, IPTC, ICC profiles, embedded thumbnails and comments are never copied: only pixels go through."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from bot.refusals import Refused

# Pillow is imported on the first photo only: starting the bot doesn't pay for it (a fifth of the console's
# start)

MAX_BYTES = 10 * 1024 * 1024  # a file larger than this is refused before it is read
MAX_PIXELS = 40_000_000  # width × height of the original, checked before decoding
MAX_SIDE = 2048  # the published photo's longest side
QUALITY = 85
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP"})
ORPHAN_AGE = timedelta(hours=1)  # a photo file no row names is removed by the sweep past this age
MAX_CAPTION = 800  # a photo's caption (Telegram allows 1024 characters, with the card's number and counts)


@dataclass(frozen=True)
class CleanPicture:
    data: bytes
    width: int
    height: int


def too_large(size: int) -> Refused:
    return Refused("picture.too_large", megabytes=MAX_BYTES // (1024 * 1024), size=round(size / 1048576, 1))


def clean(data: bytes) -> CleanPicture:
    """The photo re-encoded, or a refusal saying why not (too large, too many pixels, not a photo)."""
    if len(data) > MAX_BYTES:
        raise too_large(len(data))
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in FORMATS:
                    raise Refused("picture.unreadable")
                if opened.width * opened.height > MAX_PIXELS:
                    raise Refused("picture.too_many_pixels", megapixels=MAX_PIXELS // 1_000_000)
                opened.seek(0)  # an animation: its first frame
                upright = ImageOps.exif_transpose(opened)
                pixels = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, Warning):
        raise Refused("picture.unreadable") from None
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    fresh = Image.new("RGB", pixels.size)  # a new image: no info, no exif, no profile carried over
    fresh.paste(pixels)
    out = io.BytesIO()
    fresh.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return CleanPicture(out.getvalue(), fresh.width, fresh.height)


@cache
def placeholder() -> bytes:
    """What a card's photo becomes once the card is hidden, removed or deleted: a plain grey picture."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 180), (128, 128, 128)).save(out, format="JPEG", quality=60)
    return out.getvalue()


PLACEHOLDER_NAME = "hidden.jpg"
