"""What changed between two frames, as a few rectangles: what a slider step sends to the page.

A slider step moves a few artists (a marker, a line, a number in the status of a panel); the rest
of the picture is what the page already shows. ``changed_rects`` finds the pixels that differ
from the last frame sent, in tiles, and joins the changed tiles into a few rectangles, each
shrunk to the pixels that changed inside it. The canvas (``_canvas.py``) sends those rectangles
as small PNGs and the page (``_access.js``) paints them, in order, over its picture.

The last frame sent is kept in the kernel for this, raw (1.4-2.7 MB for an explorer's figure, four
times that on a screen of pixel ratio 2), for at most ``KEEP`` figures at a time: the ones the
learner used last. A figure whose kept frame was let go sends its next frame whole.
"""

from __future__ import annotations

import weakref

import numpy as np

__all__ = ["KEEP", "TILE", "Kept", "changed_rects"]

#: side of the tiles the comparison groups changed pixels into (px)
TILE = 32
#: how many figures' last frames the kernel keeps (the others send their next frame whole): the
#: one the learner is using and one more (another figure redrawn meanwhile, e.g. fitted to a new
#: width, does not make it send whole frames); each is 1.4-2.7 MB at a pixel ratio of 1
KEEP = 2
#: at most this many rectangles per frame; more are joined into one band per row of tiles
MAX_RECTS = 24


def changed_rects(before: np.ndarray, after: np.ndarray, tile: int = TILE) -> list[tuple]:
    """Rectangles ``(x, y, width, height)`` covering every pixel where the two RGBA frames
    (height × width × 4, uint8, the same shape) differ, and as little else as tiles allow;
    ``[]`` when they are equal."""
    if before.shape != after.shape or before.ndim != 3 or before.shape[2] != 4:
        raise ValueError(f"frames of different shapes: {before.shape} and {after.shape}")
    height, width = after.shape[:2]
    diff = _pixels(before) != _pixels(after)
    rows, cols = -(-height // tile), -(-width // tile)
    padded = np.zeros((rows * tile, cols * tile), bool)
    padded[:height, :width] = diff
    tiles = padded.reshape(rows, tile, cols, tile).any(axis=(1, 3))
    if not tiles.any():
        return []
    boxes = _join(tiles)
    if len(boxes) > MAX_RECTS:  # one band per row of tiles instead
        boxes = [(r, r + 1, *_span(tiles[r])) for r in range(rows) if tiles[r].any()]
    rects = []
    for r0, r1, c0, c1 in boxes:
        y0, y1 = r0 * tile, min(r1 * tile, height)
        x0, x1 = c0 * tile, min(c1 * tile, width)
        part = diff[y0:y1, x0:x1]
        ys, xs = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
        rects.append((x0 + xs[0], y0 + ys[0], xs[-1] - xs[0] + 1, ys[-1] - ys[0] + 1))
    return [tuple(int(v) for v in r) for r in rects]


def _pixels(frame: np.ndarray) -> np.ndarray:
    """One uint32 per pixel (a view when the frame is contiguous)."""
    frame = np.ascontiguousarray(frame)
    return frame.view(np.uint32).reshape(frame.shape[:2])


def _span(row: np.ndarray) -> tuple[int, int]:
    on = np.flatnonzero(row)
    return int(on[0]), int(on[-1]) + 1


def _join(tiles: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Changed tiles as boxes (first row, end row, first column, end column): runs of changed
    tiles along each row, a run continued downwards while the next row has the same run."""
    open_: dict[tuple[int, int], int] = {}  # (c0, c1) -> first row
    boxes = []
    for r, row in enumerate(tiles):
        padded = np.concatenate(([False], row, [False]))
        edges = np.flatnonzero(padded[1:] != padded[:-1])
        runs = set(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
        for run in [run for run in open_ if run not in runs]:
            boxes.append((open_.pop(run), r, *run))
        for run in runs:
            open_.setdefault(run, r)
    boxes += [(r0, len(tiles), *run) for run, r0 in open_.items()]
    return sorted(boxes)


class Kept:
    """The last frames sent, for at most ``keep`` owners (the most recent ones)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._frames: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._order: list[weakref.ref] = []

    def get(self, owner) -> np.ndarray | None:
        return self._frames.get(owner)

    def put(self, owner, frame: np.ndarray) -> np.ndarray:
        """Keep a copy of ``frame`` as ``owner``'s last frame (letting the oldest owner's go)."""
        kept = self._frames.get(owner)
        if kept is None or kept.shape != frame.shape:
            kept = self._frames[owner] = np.array(frame, copy=True)
        else:
            np.copyto(kept, frame)
        self._touch(owner)
        return kept

    def _touch(self, owner) -> None:
        self._order = [r for r in self._order if r() is not None and r() is not owner]
        self._order.append(weakref.ref(owner))
        while len(self._order) > self.keep:
            gone = self._order.pop(0)()
            if gone is not None:
                self._frames.pop(gone, None)

    def touch(self, owner) -> None:
        if owner in self._frames:
            self._touch(owner)

    def drop(self, owner) -> None:
        self._frames.pop(owner, None)
