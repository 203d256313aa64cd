"""One walk over JSON-like data for the functions that rewrite its strings.

Redaction (:meth:`oidc_probe.plumbing.redact.Redactor.redact_data`) and the terminal
escaping of a report (:meth:`oidc_probe.report.model.Report.map_text` with
:func:`oidc_probe.plumbing.inert.terminal`) pass every string of a report, keys included,
through a function that almost always returns it unchanged. A report of a thousand tokens
holds a hundred thousand such values but a few dozen distinct ones, so the walk keeps
what it can (a ``dict`` or ``list`` in which no string changed is returned itself, not
copied) and :func:`once_each` computes each distinct string once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    """``value`` with ``fn`` applied to every string in it, mapping keys included.

    Mappings come back as ``dict`` and tuples as ``list`` (the JSON shapes); a ``dict`` or
    ``list`` whose strings ``fn`` all returned unchanged (equal) comes back itself. Other
    values are returned as they are.
    """
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, _LEAVES):
        return value
    if isinstance(value, dict):
        return _mapping(value, fn)
    if isinstance(value, list | tuple):
        items = [_item(v, fn) for v in value]
        if type(value) is list and all(map(unchanged, items, value)):
            return value
        return items
    if isinstance(value, Mapping):
        return _mapping(value, fn)
    return value


# What no rewrite touches (``bool`` is an ``int``): returned before the slower checks.
_LEAVES = (int, float, type(None))


def _item(value: Any, fn: Callable[[str], str]) -> Any:
    return fn(value) if isinstance(value, str) else map_strings(value, fn)


def _mapping(value: Mapping[Any, Any], fn: Callable[[str], str]) -> dict[Any, Any]:
    mapped: dict[Any, Any] = {}
    same = type(value) is dict
    for key, item in value.items():
        new_key = fn(key) if isinstance(key, str) else map_strings(key, fn)
        new_item = item if isinstance(item, _LEAVES) else _item(item, fn)
        # unchanged(), inline: this loop runs for every object of every report
        same = (
            same
            and (new_key is key or new_key == key)
            and (new_item is item or (isinstance(new_item, str) and new_item == item))
        )
        mapped[new_key] = new_item
    if same and isinstance(value, dict):
        return value
    return mapped


def unchanged(new: Any, old: Any) -> bool:
    """Whether :func:`map_strings` left ``old`` as it was: the same object, or an equal string."""
    return new is old or (isinstance(new, str) and new == old)


def once_each(fn: Callable[[str], str]) -> Callable[[str], str]:
    """``fn``, computed once for each distinct string it is given (``fn`` must depend on
    nothing else). After the first time, a string costs one dictionary lookup.

    For one pass over one report (redaction, escaping); dropped with it, so nothing
    outlives the pass.
    """
    return _Once(fn).__getitem__


class _Once(dict[str, str]):
    def __init__(self, fn: Callable[[str], str]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, text: str) -> str:
        # a field typed str may hold None: map_strings keeps it, as it did before this memo
        self[text] = done = self.fn(text) if isinstance(text, str) else map_strings(text, self.fn)
        return done
