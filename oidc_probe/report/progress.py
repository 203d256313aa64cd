"""The text of the progress line (drawn by :mod:`oidc_probe.cli.progress`)."""

from __future__ import annotations

from collections.abc import Sequence

from oidc_probe.core.model import Stage

_TITLES = {stage.key: stage.title for stage in Stage} | {"active": "Active checks"}


def progress_line(running: Sequence[tuple[str, float]], width: int = 79) -> str:
    """``oidc-probe: Token exchange 1.2 s`` for the stage started last ('' when none runs).

    ``running`` holds (stage key, seconds since it started) in the order they started;
    stages running beside it are counted, the line cut to ``width`` columns.
    """
    shown = [(key, seconds) for key, seconds in running if key in _TITLES]
    if not shown:
        return ""
    key, seconds = shown[-1]
    others = len(shown) - 1
    beside = f" (and {others} more)" if others else ""
    line = f"oidc-probe: {_TITLES[key]} {seconds:.1f} s{beside}"
    return line[: max(width, 10)]
