"""Photos for the tests: a JPEG that carries what must never be published (GPS position, camera serial, a
thumbnail), and readers of what was published."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
BODY_SERIAL = 0xA431  # BodySerialNumber, in the Exif IFD
EXIF_IFD = 0x8769
MAKE, MODEL = 0x010F, 0x0110


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = "PhoneCorp", "Model X 12"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SN-1234567890"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert b"SN-1234567890" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    return data


def assert_clean(published: bytes) -> None:
    """Nothing of the original file's metadata in the published bytes: no EXIF, GPS, serial, maker."""
    image = Image.open(io.BytesIO(published))
    assert image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    for leaked in (b"Exif", b"SN-1234567890", b"PhoneCorp", b"Model X 12"):
        assert leaked not in published, leaked
