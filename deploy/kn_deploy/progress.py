"""A progress meter for long reads (`kn audit`): count, rate and ETA on stderr."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Progress:
    """Count, rate and ETA on stderr: a bar in a terminal, a line every few seconds if not."""

    total: int
    out: TextIO = field(default_factory=lambda: sys.stderr)
    every: float = 2.0
    done: int = 0
    _start: float = field(default_factory=time.monotonic)
    _last: float = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        tty = self.out.isatty()
        if not tty and now - self._last < self.every and self.done < self.total:
            return
        self._last = now
        rate = self.done / max(now - self._start, 1e-6)
        eta = (self.total - self.done) / rate if rate else 0.0
        said = f"{self.done:,}/{self.total:,} events, {rate:,.0f}/s, ETA {eta:.0f}s"
        if tty:
            filled = int(30 * self.done / max(self.total, 1))
            self.out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {said}")
            if self.done >= self.total:
                self.out.write("\n")
        else:
            self.out.write(f"audit: {said}\n")
        self.out.flush()
