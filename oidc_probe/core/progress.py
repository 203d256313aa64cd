"""Which stages are running now, for a progress line: a hook the pipeline calls.

The pipeline marks each stage's start and end (:func:`started`, :func:`ended`); a
listener set with :func:`listening` (the CLI's progress line on a terminal) hears
them. Without a listener the calls cost a global lookup. Stages run in several
threads, so a listener must be thread-safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Listener(Protocol):
    def started(self, key: str) -> None: ...

    def ended(self, key: str) -> None: ...


_listener: Listener | None = None


def started(key: str) -> None:
    if _listener is not None:
        _listener.started(key)


def ended(key: str) -> None:
    if _listener is not None:
        _listener.ended(key)


@contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    """Send the stage marks to ``listener`` (None: to nobody) while the block runs."""
    global _listener
    previous, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = previous
