"""The progress line: on a terminal, stderr shows the stage in progress and its time.

One line, redrawn every tenth of a second from the start of the run and erased at
its end; nothing when stderr is not a terminal, with ``--quiet``, with ``TERM=dumb``,
or while a person logs in (the browser and paste modes print their own prompts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from oidc_probe.core import progress
from oidc_probe.report.progress import progress_line

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console

TICK = 0.1  # seconds between redraws
ERASE = "\r\x1b[K"


class ProgressLine:
    """A :class:`~oidc_probe.core.progress.Listener` that redraws one stderr line."""

    def __init__(self, console: Console, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.clock = clock
        # Stage key -> the start times of those still in it: with --users several users
        # are in one stage at once, and it is shown until the last of them leaves it.
        self.running: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        # One writer of stderr's last line at a time: the console's own lock, which
        # Console.err takes too, so a message never interleaves with a redraw.
        self.drawing = console.line_lock
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._tick, name="progress", daemon=True)

    def started(self, key: str) -> None:
        with self.lock:
            self.running.setdefault(key, []).append(self.clock())
        self.draw()  # at once: the line is there from the first moment of a stage

    def ended(self, key: str) -> None:
        with self.lock:
            starts = self.running.get(key)
            if starts:
                starts.pop(0)
            if not starts:
                self.running.pop(key, None)

    def draw(self) -> None:
        with self.drawing:
            if self.stop.is_set():
                return
            with self.lock:
                now = self.clock()
                running = [(key, now - starts[0]) for key, starts in self.running.items()]
            line = progress_line(running, self.console.width(stderr=True) - 1)
            if line:
                self.console.live_line = True
                self.console.stderr.write(ERASE + line)
                self.console.stderr.flush()

    def erase(self) -> None:
        with self.drawing:
            if self.console.live_line:
                self.console.stderr.write(ERASE)
                self.console.stderr.flush()
                self.console.live_line = False

    def _tick(self) -> None:
        while not self.stop.wait(TICK):
            self.draw()

    def __enter__(self) -> ProgressLine:
        self.thread.start()
        return self

    def close(self) -> None:
        """Stop redrawing and erase the line (idempotent)."""
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()
        self.erase()

    def __exit__(self, *exc: object) -> None:
        self.close()


def wanted(console: Console, *, quiet: bool, interactive: bool) -> bool:
    """Whether to draw: stderr is a terminal, not ``--quiet``, no person at the login."""
    isatty = getattr(console.stderr, "isatty", None)
    tty = bool(isatty()) if callable(isatty) else False
    return tty and not quiet and not interactive and console.environ.get("TERM") != "dumb"


@contextmanager
def progress_shown(console: Console, *, enabled: bool) -> Iterator[Callable[[], None]]:
    """Show the progress line while the block runs, when ``enabled``.

    The block gets a function that ends the line early (before a report is printed
    inside the block); calling it again, or leaving the block, does nothing more.
    """
    if not enabled:
        yield lambda: None
        return
    line = ProgressLine(console)
    with line, progress.listening(line):
        yield line.close
