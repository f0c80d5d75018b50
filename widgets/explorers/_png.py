"""The PNG of a frame sent to the browser: unfiltered rows, deflated by ISA-L."""

from __future__ import annotations

import struct
import zlib

import numpy as np
from isal import isal_zlib

__all__ = ["PNG_LEVEL", "png_frame"]

#: Deflate level of the frames sent to the browser (ISA-L's 0-3: faster to smaller).
PNG_LEVEL = 1
_LEVELS = range(0, 4)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_frame(pixels: np.ndarray, level: int = PNG_LEVEL) -> bytes:
    """A PNG of an RGBA pixel buffer (height × width × 4, uint8), made to be sent quickly.

    Pillow tries five PNG filters on every row and keeps the best; on explorer figures that
    search is more than half of the encoding time, and unfiltered rows compress about as well
    (within a few per cent either way: the heatmaps' noise defeats the filters, and flat areas and
    lines need none). So the rows go unfiltered to ISA-L's deflate (the ``isal`` package), which
    writes a zlib stream four to five times faster than the standard library's zlib, and about as
    small, at level 1. ``benchmarks/bench_explorers.py`` measures the encoders side by side.
    """
    if pixels.ndim != 3 or pixels.shape[2] != 4 or pixels.dtype != np.uint8:
        raise ValueError(f"pixels must be a height × width × 4 uint8 array, got {pixels.shape}")
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level not in _LEVELS:
        raise ValueError(f"level must be an integer from 0 to 3, got {level!r}")
    height, width, _ = pixels.shape
    rows = np.empty((height, 1 + 4 * width), np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0, none
    rows[:, 1:] = pixels.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"".join(
        (
            _PNG_SIGNATURE,
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", isal_zlib.compress(rows, int(level))),
            _png_chunk(b"IEND", b""),
        )
    )
