"""Process-wide tuning for services that stream many small objects."""

from __future__ import annotations

import gc

# Decoding a batch creates thousands of short-lived objects; with the default gen-0
# threshold (700) the collector runs every few hundred events and rescans the heap.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect less often, and move start-up objects out of the collector's sight."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
