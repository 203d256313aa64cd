"""``type=`` functions for argparse options: parse one value or explain in one line why not.

Standard library only (and the small pure rule parser of ``core.connect_to``), so that
building the parser stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from oidc_probe.core.connect_to import ConnectRule

_N = TypeVar("_N", int, float)


def _parse(value: str, convert: Callable[[str], _N], expected: str) -> _N:
    try:
        return convert(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {value!r}") from None


def non_negative_int(value: str) -> int:
    number = _parse(value, int, "a whole number")
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {number}")
    return number


def port(value: str) -> int:
    """A TCP port, ``0`` included (any free port)."""
    number = non_negative_int(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {number}")
    return number


def int_between(low: int, high: int) -> Callable[[str], int]:
    """A ``type=`` function accepting the whole numbers from ``low`` to ``high`` inclusive."""

    def parse(value: str) -> int:
        number = _parse(value, int, "a whole number")
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {number}")
        return number

    return parse


# Durations and leeways above a day are typing mistakes, and past the platform's limits
# (a socket timeout of 1e308 s overflows) they would be internal errors.
MAX_SECONDS = 86_400


def _positive(value: str, expected: str) -> float:
    number = _parse(value, float, expected)
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    if number > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS} (one day), got {value}")
    return number


def leeway_seconds(value: str) -> int:
    """Whole seconds of clock skew, zero to one day."""
    number = non_negative_int(value)
    if number > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS} (one day), got {number}")
    return number


def positive_float(value: str) -> float:
    """A finite number above zero."""
    return _positive(value, "a number")


def positive_seconds(value: str) -> float:
    """:func:`positive_float` for durations, named so in the error."""
    return _positive(value, "a number of seconds")


def milliseconds(value: str) -> float:
    """A duration in milliseconds: a finite number, zero included, at most one hour."""
    number = _parse(value, float, "a number of milliseconds")
    if not 0 <= number <= 3_600_000:
        raise argparse.ArgumentTypeError(f"must be between 0 and 3600000 ms, got {value}")
    return number


def connect_rule(value: str) -> ConnectRule:
    """A ``--connect-to`` rule, ``HOST1:PORT1:HOST2:PORT2`` (see :mod:`oidc_probe.core.connect_to`)."""
    try:
        return ConnectRule.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
