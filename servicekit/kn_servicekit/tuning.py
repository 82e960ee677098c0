"""Process-wide tuning for services that stream many small objects."""

from __future__ import annotations

import gc

# Decoding a batch creates thousands of objects that live until the batch is written; with
# the default gen-0 threshold (700) the collector runs every few hundred events and moves
# them into older generations it then rescans. Measured on a 200,000-event rebuild:
# (50_000, 20, 100) spent 0.52 s collecting, (200_000, 50, 1000) 0.13 s.
GC_THRESHOLDS = (200_000, 50, 1000)


def tune_gc() -> None:
    """Collect less often, and move start-up objects out of the collector's sight."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
