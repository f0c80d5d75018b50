"""Contrast of every plotted series against what lies under it, read from the rendered pixels.

For each explorer in ``widgets.EXPLORERS`` at its defaults (its answers revealed), every declared
line or line collection that is shown is drawn once with and once without it (Agg, the renderer
whose PNG the dashboards send). The pixels that change are the series' footprint; for each, the
WCAG 2.1 contrast between its colour with the series and without it (the background there) is
computed. A 1–2 px antialiased line covers many pixels only in part, so the figure reported is
the 90th percentile over the footprint (the core of the line), beside the median. Series drawn
with a halo (a ``withStroke`` path effect) are listed apart: their contrast is the line's against
its halo, checked in the explorers' tests.

Target (WCAG 1.4.11, 3:1 for graphics): every series' 90th percentile at least 3.

    .venv/bin/python benchmarks/bench_contrast.py [--only NAME ...]
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/

import harness
import numpy as np

from tools.contrast import TARGET, halo, pixels, reveal, series, series_contrast
from widgets.explorers import EXPLORERS


def main() -> int:
    p = harness.parser(__doc__)
    p.add_argument("--only", nargs="*", help="explorer class names")
    args = p.parse_args()
    record = harness.Record("contrast")
    low = 0
    for cls in EXPLORERS:
        if args.only and cls.__name__ not in args.only:
            continue
        ex = cls()
        reveal(ex)
        shown = pixels(ex.figure).copy()
        for name, artist in series(ex):
            if halo(artist):
                record.row("haloed", explorer=cls.__name__, series=name)
                continue
            cr = series_contrast(ex.figure, artist, shown)
            if cr is None:
                continue
            p50, p90 = (float(np.quantile(cr, q)) for q in (0.5, 0.9))
            low += p90 < TARGET
            record.row(
                "series",
                explorer=cls.__name__,
                series=name,
                pixels=int(cr.size),
                p50=round(p50, 2),
                p90=round(p90, 2),
                holds=p90 >= TARGET,
            )
            print(f"{cls.__name__:28s} {name:24s} p50 {p50:5.2f}  p90 {p90:5.2f}")
    record.target("series whose 90th-percentile contrast is below 3:1", low, 0)
    record.finish(args)
    return 1 if args.strict and record.failed() else 0


if __name__ == "__main__":
    harness.run_script(main)
