"""What an explorer's figure sends: one frame per update (``one_frame``) and blits of the moving
artists over a kept picture of the rest (``BlitManager``). The canvas itself is made in
``_canvas.py`` (ipympl in a kernel, Agg elsewhere), the frame's PNG in ``_png.py``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import numpy as np
from isal import isal_zlib
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from ._canvas import backend_name, in_kernel, new_figure
from ._png import PNG_LEVEL, png_frame

__all__ = [
    "PNG_LEVEL",
    "BlitManager",
    "backend_name",
    "in_kernel",
    "new_figure",
    "one_frame",
    "png_frame",
]

_BACKGROUND_LEVEL = 1  # deflate level of the backgrounds BlitManager keeps
_PIECE = 1 << 16  # bytes inflated at a time when a background is restored


@contextlib.contextmanager
def one_frame(figure: Figure) -> Iterator[None]:
    """Send the figure's pixels to the browser once, at the end, however often the code inside
    draws or blits (each of those would otherwise send a frame of its own)."""
    manager = getattr(figure.canvas, "manager", None)
    if manager is None or not hasattr(manager, "refresh_all"):
        yield  # Agg: nothing is sent anywhere
        return
    if "refresh_all" in vars(manager):  # already inside one_frame
        yield
        return
    send = manager.refresh_all
    pending = False

    def later() -> None:
        nonlocal pending
        pending = True

    manager.refresh_all = later
    try:
        yield
    finally:
        del manager.refresh_all
        if pending:
            send()


class BlitManager:
    """Redraw only the moving artists over a cached background.

    Moving artists are marked ``animated`` so a full draw leaves them out; after every full draw
    (ours, or one the browser asks for after a resize) the background is cached and the moving
    artists are drawn on top, so the picture is always complete.

    A figure whose static part switches between a few pictures (a result hidden until the
    learner has answered, then shown) names them with ``variant``: each variant's background is
    cached the first time it is drawn, so switching back and forth is a blit, not a full draw.

    A *layer* (``add_layer``) is what changes with a few controls but not with every move: a
    heatmap of the objective, an axis whose limits follow a control. Its artists are left out of
    the full draw too; the picture without them is cached, and ``redraw_layer`` draws them over
    it (a few ms) instead of drawing the whole figure again (100+ ms). Each ``add_layer`` adds a
    group, drawn in that order; the picture before each group is cached too, so a change that
    starts at a later group (``redraw_layer(first=k)``) draws only the groups from it on.

    An update may also say which moving artists ``moved`` (changed since the last picture). The
    others are then drawn once more into a second cached picture, the *still* picture, and while
    the following updates move only artists left out of it (one racer's path as its slider is
    dragged), each blit restores the still picture and draws just those: drawing thirty artists
    costs 5 ms, one 0.2 ms.

    Backgrounds are kept deflated (ISA-L, level 1): a figure's background is 2-3 MB of pixels
    but 50-150 kB deflated, and a lesson keeps several (one per explorer and per variant: 17 MB
    of lesson 04's kernel). Inflating one back into the renderer takes 1-2 ms per slider move
    (benchmarks/bench_explorers.py measures it beside matplotlib's raw copy).
    """

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.canvas = figure.canvas
        self._artists: list[Artist] = []
        self._layer: list[list[Artist]] = []  # groups, drawn in this order
        self._backgrounds: dict = {}
        self._bare: dict = {}  # variant -> (size, [the picture before each group of the layer])
        self._variant = None
        self._coalescing = 0  # depth of nested coalesce() blocks
        self._pending: tuple | None = None  # (variant, moved) of an update() left for the end
        self._still: tuple | None = None  # (variant, size, ids of the artists left out, pixels)
        self._limits: dict = {}  # id(axes) -> its limits at the last blit
        self._cid = self.canvas.mpl_connect("draw_event", self._on_draw)

    def add(self, *artists: Artist) -> None:
        for artist in artists:
            artist.set_animated(True)
            self._artists.append(artist)
        self._still = None

    def add_layer(self, *artists: Artist) -> None:
        """A group of artists drawn over the cached picture of the rest and of the groups added
        before, and cached with it; drawn again by :meth:`redraw_layer`, without a full draw."""
        for artist in artists:
            artist.set_animated(True)
        self._layer.append(list(artists))

    def remove(self, artists: Iterable[Artist]) -> None:
        gone = set(map(id, artists))
        self._artists = [a for a in self._artists if id(a) not in gone]
        self._still = None

    @property
    def artists(self) -> tuple[Artist, ...]:
        return tuple(self._artists)

    def _size(self) -> tuple[int, int]:
        return self.canvas.get_width_height(physical=True)

    def _on_draw(self, event) -> None:
        size = self._size()
        # backgrounds of another size (the browser resized the figure) are stale
        self._backgrounds = {k: v for k, v in self._backgrounds.items() if v[0] == size}
        self._bare = {k: v for k, v in self._bare.items() if v[0] == size}
        if any(self._layer):
            self._bare[self._variant] = (size, [])
            self._draw_layer(self._bare[self._variant][1])
        self._backgrounds[self._variant] = (size, self._pack())
        self._still, self._limits = None, self._axes_limits()
        self._draw(self._artists)

    def _after_first(self, moved: set) -> set:
        """The moved artists and every artist drawn after one of them on the same axes: an
        artist that stays still but is drawn over a moving one cannot go into the still
        picture, or where the two overlap the picture would differ from a full draw's."""
        first: dict = {}
        for i, artist in enumerate(self._artists):
            if id(artist) in moved:
                first.setdefault(id(artist.axes), i)
        return {
            id(a)
            for i, a in enumerate(self._artists)
            if id(a) in moved or i > first.get(id(a.axes), len(self._artists))
        }

    def _axes_limits(self) -> dict:
        return {id(a.axes): (a.axes.get_xlim(), a.axes.get_ylim()) for a in self._artists if a.axes}

    def _pack(self) -> bytes:
        """The renderer's whole picture, deflated."""
        return isal_zlib.compress(np.asarray(self.canvas.buffer_rgba()), _BACKGROUND_LEVEL)

    def _restore(self, packed: bytes) -> None:
        """Put a packed picture back into the renderer: inflated in 64 kB pieces straight into
        its pixels, so no full-size copy is allocated (each would be a fresh mapping, see
        MALLOC_MMAP_THRESHOLD_ in lessons/.voila/voila.py)."""
        pixels = np.asarray(self.canvas.buffer_rgba()).reshape(-1)
        inflate = isal_zlib.decompressobj()
        filled, data = 0, packed
        while True:
            piece = inflate.decompress(data, _PIECE) if data else inflate.flush()
            data = inflate.unconsumed_tail
            pixels[filled : filled + len(piece)] = np.frombuffer(piece, np.uint8)
            filled += len(piece)
            if not piece and not data:
                break
        if filled != pixels.size:  # a background of another size: a bug, not a picture
            raise RuntimeError(f"background of {filled} bytes for a {pixels.size}-byte picture")

    def _draw(
        self, artists: Iterable[Artist], only: set | None = None, but: set | None = None
    ) -> None:
        for artist in artists:
            if (only is not None and id(artist) not in only) or (but and id(artist) in but):
                continue
            if artist.get_visible() and artist.axes is not None:
                artist.axes.draw_artist(artist)
            elif artist.get_visible():
                self.figure.draw_artist(artist)

    def _draw_layer(self, pictures: list) -> None:
        """Draw the groups from ``pictures[-1]``'s on, caching the picture before each next one."""
        for i in range(max(len(pictures) - 1, 0), len(self._layer)):
            if i == len(pictures):
                pictures.append(self._pack())
            self._draw(self._layer[i])

    @contextlib.contextmanager
    def coalesce(self) -> Iterator[None]:
        """Blit once, at the end, however many updates the code inside asks for: only the last
        picture is shown (an answer hidden and a new setting drawn in one slider move: one blit,
        not two). A full redraw inside still happens at once."""
        self._coalescing += 1
        try:
            yield
        finally:
            self._coalescing -= 1
        # (not reached when the block raised: the picture then stays as it was)
        if not self._coalescing and self._pending is not None:
            (variant, moved), self._pending = self._pending, None
            self._blit(variant, moved)

    def full_redraw(self, variant=None) -> None:
        """Draw everything (axes changed): every cached background is forgotten, and the
        draw_event handler caches this one as ``variant``'s."""
        self._pending = None  # the moving artists are drawn too
        self._still = None
        self._variant = variant
        self._backgrounds.clear()
        self._bare.clear()
        self.canvas.draw()

    def redraw_layer(self, variant=None, first: int = 0) -> None:
        """The layer's groups from ``first`` on changed and nothing else did: draw them over the
        cached picture before them, then the moving artists (every variant's picture of the old
        layer is forgotten). Done at once, inside :meth:`coalesce` too, as a full redraw is."""
        self._pending = self._still = None
        self._backgrounds.clear()
        self._bare = {k: (size, kept[: first + 1]) for k, (size, kept) in self._bare.items()}
        self._blit(variant, None, now=True)

    def update(self, variant=None, moved: Iterable[Artist] | None = None) -> None:
        """Blit the moving artists over ``variant``'s background: restore it, draw them, push
        the pixels. A variant not drawn since the last full redraw is drawn in full (or only its
        layer, over its cached picture without it).

        ``moved``: the artists that changed since the last picture (``None``: any may have); the
        others are kept in the still picture (see the class docstring)."""
        self._blit(variant, None if moved is None else {id(a) for a in moved})

    def _blit(self, variant, moved: set | None, now: bool = False) -> None:
        if self._coalescing and not now:
            if self._pending is not None:  # two updates in one block: both pictures' changes
                before = self._pending[1]
                moved = None if moved is None or before is None else moved | before
            self._pending = (variant, moved)
            return
        self._variant = variant
        size = self._size()
        cached = self._backgrounds.get(variant)
        if cached is None or cached[0] != size:
            bare = self._bare.get(variant)
            if bare is None or bare[0] != size:
                self.canvas.draw()  # the draw_event handler caches it and draws the artists
                return
            self._restore(bare[1][-1])
            self._draw_layer(bare[1])
            cached = self._backgrounds[variant] = (size, self._pack())
            moved = None  # a new background: every moving artist is drawn over it
            restored = True
        else:
            restored = False
        # new limits (set while updating, e.g. an axis's end) move every artist on those axes
        limits = self._axes_limits()
        if moved is not None:
            moved |= {
                id(a)
                for a in self._artists
                if self._limits.get(id(a.axes)) != limits.get(id(a.axes))
            }
        self._limits = limits
        still = self._still
        if moved is not None and still and still[:2] == (variant, size) and moved <= still[2]:
            self._restore(still[3])  # the still picture holds the background: one restore
            self._draw(self._artists, only=still[2])
            self.canvas.blit(self.figure.bbox)
            return
        if not restored:
            self._restore(cached[1])
        if moved is None:
            self._still = None
            self._draw(self._artists)
        else:  # a new still picture: what did not move and is drawn before what did
            moved = self._after_first(moved)
            self._draw(self._artists, but=moved)
            self._still = (variant, size, moved, self._pack())
            self._draw(self._artists, only=moved)
        self.canvas.blit(self.figure.bbox)
