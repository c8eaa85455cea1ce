"""Progress of an ingest: a bar on a terminal, plain log lines when output goes to a file or pipe.

Both show files done / total, pages per second and the estimated time left. On a terminal the
bar is redrawn in place (`\\r`, at most every BAR_INTERVAL_S) and other lines are printed above
it; elsewhere a line is written every LOG_INTERVAL_S, so a log file stays readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 28
BAR_INTERVAL_S = 0.1
LOG_INTERVAL_S = 10.0


class Progress:
    """Counts files and pages as events go by and shows the rate and time left."""

    def __init__(
        self,
        stream: TextIO,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        log_interval_s: float = LOG_INTERVAL_S,
    ) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.interval_s = BAR_INTERVAL_S if self.tty else log_interval_s
        self.total = 0
        self.files = 0
        self.pages = 0
        self.started = clock()
        self._shown_at = float("-inf")
        self._shown_files = -1
        self._bar_visible = False

    def start(self, total: int) -> None:
        self.total, self.started = total, self.clock()
        self._show(force=True)

    def advance(self, files: int = 1, pages: int = 0) -> None:
        self.files += files
        self.pages += pages
        self._show(force=self.files >= self.total)

    def message(self, line: str) -> None:
        """A line of its own (a failure, a file added), kept above the bar on a terminal."""
        self._clear()
        print(line, file=self.stream, flush=True)
        self._shown_at = float("-inf") if self.tty else self._shown_at
        if self.tty:
            self._show(force=True)

    def finish(self) -> None:
        if self.tty or self._shown_files != self.files:
            self._show(force=True)
        if self._bar_visible:
            print(file=self.stream, flush=True)
            self._bar_visible = False

    def status(self) -> str:
        """'12/38 archivos · 45.2 pág./s · quedan ~32 s'."""
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.pages / elapsed
        parts = [f"{self.files}/{self.total} archivos", f"{rate:.1f} pág./s"]
        if 0 < self.files < self.total:
            left = (self.total - self.files) * elapsed / self.files
            parts.append(f"quedan ~{_duration(left)}")
        elif self.total and self.files >= self.total:
            parts.append(f"en {_duration(elapsed)}")
        return " · ".join(parts)

    def _show(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._shown_at < self.interval_s:
            return
        self._shown_at, self._shown_files = now, self.files
        if self.tty:
            done = self.files / self.total if self.total else 0.0
            filled = round(BAR_WIDTH * min(done, 1.0))
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            self.stream.write(f"\r\x1b[K{bar} {self.status()}")
            self.stream.flush()
            self._bar_visible = True
        else:
            print(f"Progreso: {self.status()}", file=self.stream, flush=True)

    def _clear(self) -> None:
        if self._bar_visible:
            self.stream.write("\r\x1b[K")
            self._bar_visible = False


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
