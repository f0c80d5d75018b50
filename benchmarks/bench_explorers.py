"""Update latency of every explorer, measured beside the re-create-the-figure approach.

For each explorer in ``widgets.EXPLORERS`` at its default size, one slider is swept through a
sequence of values. "in place" times ``control.value = v``: the observer runs the model, updates
the artists and blits them into the Agg buffer (the image ready to send). "re-create" times what
``interact`` + ``plt.figure`` does for the same setting: build a new figure with every artist and
draw it in full. Both run in the same process, interleaved, so machine noise hits both alike.

Then, per explorer, the cost of one frame sent to the browser: the figure's pixels encoded as PNG
by ``widgets.explorers._figure.png_frame`` (unfiltered rows, ISA-L's deflate), by the same code
with the standard library's zlib in its place, and by Pillow at the same level (which tries five
row filters), interleaved on the same pixels. Last, the background a blit restores, kept as
BlitManager keeps it (deflated) and as matplotlib's copy_from_bbox region: the bytes kept and the
time to put it back, interleaved.

Run:  .venv/bin/python benchmarks/bench_explorers.py [--repeats 200] [--json FILE] [--strict]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
import zlib
from unittest import mock

os.environ.setdefault("DESCENT_BACKEND", "agg")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness
import ipywidgets as ipw
import numpy as np
import PIL.Image

from widgets.explorers import EXPLORERS, _figure
from widgets.explorers._figure import PNG_LEVEL, png_frame


def sweep_control(ex):
    """The slider a learner moves most: the first float/int slider of the explorer."""
    for name, c in ex.controls.items():
        if isinstance(c, ipw.FloatLogSlider):
            return name, list(np.geomspace(c.base**c.min, c.base**c.max, 40))
        if isinstance(c, ipw.FloatSlider):
            return name, list(np.linspace(c.min, c.max, 40))
        if isinstance(c, ipw.IntSlider):
            return name, [int(v) for v in np.linspace(c.min, c.max, 40)]
    raise RuntimeError(f"{type(ex).__name__} has no slider")


def percentile(xs, q):
    return float(np.percentile(np.asarray(xs), q))


def bench(cls, repeats: int):
    ex = cls()
    name, values = sweep_control(ex)
    control = ex.controls[name]
    in_place, recreate = [], []
    for i in range(repeats):
        v = values[i % len(values)]
        if control.value == v:
            v = values[(i + 1) % len(values)]
        t0 = time.perf_counter()
        control.value = v
        in_place.append(time.perf_counter() - t0)
        if ex.last_error is not None:
            raise RuntimeError(f"{cls.__name__}: {ex.last_error!r}")
        if i % 4 == 0:  # re-creating is slow; sample it every fourth step
            t0 = time.perf_counter()
            if hasattr(ex, "make_view"):
                view = ex.make_view()
                view.update(ex.state)
                view.figure.canvas.draw()
            else:  # a declared explorer: a new one for the same setting, drawn
                type(ex)(**{n: ex.value(n) for n in ex.controls}).figure.canvas.draw()
            recreate.append(time.perf_counter() - t0)
    return name, in_place, recreate


def pillow_frame(pixels: np.ndarray) -> bytes:
    with io.BytesIO() as png:
        PIL.Image.fromarray(pixels).save(png, format="png", compress_level=PNG_LEVEL)
        return png.getvalue()


def stdlib_frame(pixels: np.ndarray) -> bytes:
    """png_frame with the standard library's zlib doing the deflate."""
    with mock.patch.object(_figure, "isal_zlib", zlib):
        return png_frame(pixels)


def bench_frame(cls, repeats: int):
    """Median ms and bytes of one frame of the explorer's figure, by each encoder."""
    ex = cls()
    ex.figure.canvas.draw()
    pixels = np.asarray(ex.figure.canvas.buffer_rgba())
    times: dict = {png_frame: [], stdlib_frame: [], pillow_frame: []}
    sizes = {}
    for _ in range(repeats):
        for encode in times:
            t0 = time.perf_counter()
            sizes[encode] = len(encode(pixels))
            times[encode].append(time.perf_counter() - t0)
    return pixels.shape, {e: (1e3 * statistics.median(t), sizes[e]) for e, t in times.items()}


def bench_background(cls, repeats: int):
    """Bytes kept and median ms to restore one background: deflated (BlitManager) and raw."""
    ex = cls()
    ex.figure.canvas.draw()
    blit = ex.blit
    canvas = ex.figure.canvas
    packed, raw = blit._pack(), canvas.copy_from_bbox(ex.figure.bbox)
    restores = {
        "deflated": lambda: blit._restore(packed),
        "raw": lambda: canvas.restore_region(raw),
    }
    times: dict = {k: [] for k in restores}
    for _ in range(repeats):
        for name, restore in restores.items():
            t0 = time.perf_counter()
            restore()
            times[name].append(time.perf_counter() - t0)
    nbytes = np.asarray(canvas.buffer_rgba()).nbytes
    return (
        (len(packed), 1e3 * statistics.median(times["deflated"])),
        (nbytes, 1e3 * statistics.median(times["raw"])),
    )


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    record = harness.Record("explorers")
    m = record.meta
    print(f"Python {m['python']}, matplotlib {m['matplotlib']}, numpy {m['numpy']}", end="")
    print(f", {m['cores']} cores, load {m['load']:.1f}")
    print(
        f"{'explorer':<28}{'slider':<12}{'median ms':>10}{'p95 ms':>9}"
        f"{'re-create ms':>14}{'ratio':>8}"
    )
    for cls in EXPLORERS:
        name, fast, slow = bench(cls, args.repeats)
        med, p95 = 1e3 * statistics.median(fast), 1e3 * percentile(fast, 95)
        ref = 1e3 * statistics.median(slow)
        record.row(
            "update",
            explorer=cls.__name__,
            slider=name,
            median_ms=med,
            p95_ms=p95,
            recreate_ms=ref,
            ratio=ref / med,
        )
        record.target(f"{cls.__name__}.{name} in place vs re-create", ref / med, 10, at_least=True)
        print(f"{cls.__name__:<28}{name:<12}{med:>10.2f}{p95:>9.2f}{ref:>14.1f}{ref / med:>7.0f}×")
    print("(every control of every explorer: benchmarks/bench_controls.py)")
    print(f"\nframe sent to the browser (PNG, deflate level {PNG_LEVEL}), by three encoders:")
    print("  png_frame: unfiltered rows, ISA-L deflate; zlib: the same rows, stdlib zlib;")
    print("  Pillow: five row filters tried per row, zlib")
    print(
        f"{'explorer':<28}{'pixels':>10}{'png_frame':>17}{'zlib':>17}{'Pillow':>17}"
        f"{'vs zlib':>9}{'vs Pillow':>11}"
    )
    for cls in EXPLORERS:
        (h, w, _), res = bench_frame(cls, max(5, args.repeats // 10))
        (ours, our_size), (z, z_size), (pil, pil_size) = (
            res[png_frame],
            res[stdlib_frame],
            res[pillow_frame],
        )
        record.row(
            "frame",
            explorer=cls.__name__,
            pixels=f"{w}×{h}",
            png_frame_ms=ours,
            png_frame_kB=our_size / 1e3,
            zlib_ms=z,
            zlib_kB=z_size / 1e3,
            pillow_ms=pil,
            pillow_kB=pil_size / 1e3,
        )
        record.target(f"{cls.__name__} png_frame faster than zlib", z / ours, 1.0, at_least=True)
        print(
            f"{cls.__name__:<28}{f'{w}×{h}':>10}{ours:>7.1f} ms {our_size / 1e3:>4.0f} kB"
            f"{z:>7.1f} ms {z_size / 1e3:>4.0f} kB{pil:>7.1f} ms {pil_size / 1e3:>4.0f} kB"
            f"{z / ours:>8.1f}×{pil / ours:>10.1f}×"
        )
    print("\nbackground kept for blitting, per variant: deflated (BlitManager) and raw")
    print(f"{'explorer':<28}{'deflated':>20}{'raw':>20}{'memory':>9}{'extra ms':>10}")
    for cls in EXPLORERS:
        (small, slow), (big, fast) = bench_background(cls, max(10, args.repeats // 5))
        record.row(
            "background",
            explorer=cls.__name__,
            deflated_kB=small / 1e3,
            restore_ms=slow,
            raw_kB=big / 1e3,
            raw_restore_ms=fast,
            memory_ratio=big / small,
        )
        print(
            f"{cls.__name__:<28}{small / 1e3:>6.0f} kB {slow:>6.2f} ms"
            f"{big / 1e3:>6.0f} kB {fast:>6.2f} ms{big / small:>8.0f}×{slow - fast:>10.2f}"
        )
    record.finish(args)


if __name__ == "__main__":
    main()
