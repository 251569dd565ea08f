"""Build progress: a bar on a terminal, one line per document in CI logs."""

from __future__ import annotations

import sys
import time


class Progress:
    """``update(label, done, total)`` after each PDF; draws on stderr."""

    def __init__(self, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self.drawn = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def update(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = self.elapsed
        left = elapsed / done * (total - done) if done else 0
        if self.tty:
            width = 24
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            line = f"\r[{bar}] {done}/{total} PDF  {left:4.0f} s left  {label[-40:]}"
            self.stream.write(line.ljust(100)[:100])
            self.drawn = True
        else:
            self.stream.write(f"negdocs: [{done}/{total}] {label} ({elapsed:.1f} s)\n")
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.drawn:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
