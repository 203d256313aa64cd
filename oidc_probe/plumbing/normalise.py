"""Network JSON made safe once, where it enters the run.

Every JSON value a server sends (token response, ID token header and payload,
userinfo, discovery, JWKS, Cloudflare's and AWS's answers) goes through
:func:`normalise` right after parsing, so that no later step (a check, the redactor,
the sizing of Access's ``custom`` claim, a renderer) meets a value it cannot handle:

- an unpaired UTF-16 surrogate escape (``"\\ud800"``), which Python's parser keeps
  as a lone surrogate that cannot be encoded to UTF-8, becomes U+FFFD, as Go's
  ``encoding/json`` decodes it;
- a subtree nested deeper than :data:`MAX_DEPTH` is kept as its compact JSON text (a
  string), so recursive walks later stay far from Python's recursion limit; the
  parser itself refuses depths past its own limit (the body is then "not JSON");
- integers need nothing (Python's have no size limit; the parser refuses more than
  4300 digits); a float literal too large for a double (``1e400``), which Python
  would read as infinity and no JSON writer can write back, is kept as its text by
  :func:`finite_float`, the parsers' ``parse_float``.

The walk is iterative: it works at any depth the parser returned. What it changed
is returned as notes, for the finding that shows the value.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Normalised:
    """The normalised value and what was changed (empty when nothing was)."""

    value: Any
    notes: tuple[str, ...] = ()


def finite_float(text: str) -> float | str:
    """``parse_float`` for :func:`json.loads`: the float, or the literal when it overflows."""
    value = float(text)
    return value if math.isfinite(value) else text


def _clean(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (pairs are already joined)."""
    return _LONE_SURROGATE.sub(REPLACEMENT, text)


def _folded(value: Any) -> str:
    """A deep subtree as compact JSON text, surrogates escaped (ASCII), built iteratively."""
    parts: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            parts.append(item.text)
        elif isinstance(item, dict):
            parts.append("{")
            pieces: list[Any] = []
            for index, (key, child) in enumerate(item.items()):
                prefix = "," if index else ""
                pieces += [_Raw(prefix + json.dumps(str(key)) + ":"), child]
            stack.extend(reversed([*pieces, _Raw("}")]))
        elif isinstance(item, list):
            parts.append("[")
            pieces = []
            for index, child in enumerate(item):
                pieces += [_Raw(","), child] if index else [child]
            stack.extend(reversed([*pieces, _Raw("]")]))
        else:
            parts.append(json.dumps(item))
    return _clean("".join(parts))


@dataclass(frozen=True)
class _Raw:
    """A piece of JSON text written as it is while a too-deep subtree is turned into text."""

    text: str


def normalise(value: Any, where: str = "") -> Normalised:
    """``value`` (parsed JSON) with lone surrogates replaced and deep subtrees folded.

    ``where`` names the document in the notes ("the token response", "the ID token
    payload"). ``value`` itself comes back when nothing in it needs a change (the usual
    case); otherwise its containers are copied.
    """
    if _nothing_to_change(value):
        return Normalised(value)
    notes: list[str] = []
    surrogate_paths: list[str] = []
    folded_paths: list[str] = []

    def fix_string(text: str, path: str) -> str:
        if _LONE_SURROGATE.search(text) is None:
            return text
        surrogate_paths.append(path or "(top level)")
        return _clean(text)

    # Iterative post-order rebuild: (value, path, depth, parent list, slot).
    root: list[Any] = [value]
    stack: list[tuple[Any, str, int, Any, Any]] = [(value, "", 0, root, 0)]
    while stack:
        item, path, depth, parent, slot = stack.pop()
        if isinstance(item, str):
            parent[slot] = fix_string(item, path)
        elif isinstance(item, dict | list) and depth >= MAX_DEPTH:
            folded_paths.append(path or "(top level)")
            parent[slot] = _folded(item)
        elif isinstance(item, dict):
            copy: dict[str, Any] = {}
            for key, child in item.items():
                name = fix_string(key, f"{path}.{key}" if path else key)
                copy[name] = child
            parent[slot] = copy
            for key, child in copy.items():
                stack.append((child, f"{path}.{key}" if path else key, depth + 1, copy, key))
        elif isinstance(item, list):
            items = list(item)
            parent[slot] = items
            for index, child in enumerate(items):
                stack.append((child, f"{path}[{index}]", depth + 1, items, index))
    label = f" in {where}" if where else ""
    if surrogate_paths:
        shown = ", ".join(_short(p) for p in surrogate_paths[:3])
        more = f" and {len(surrogate_paths) - 3} more" if len(surrogate_paths) > 3 else ""
        notes.append(
            f"unpaired UTF-16 surrogate(s){label} replaced with U+FFFD (at {shown}{more}), "
            "as Go's encoding/json decodes them"
        )
    if folded_paths:
        shown = ", ".join(_short(p) for p in folded_paths[:3])
        notes.append(
            f"JSON nested over {MAX_DEPTH} levels{label} kept as its JSON text (at {shown})"
        )
    return Normalised(root[0], tuple(notes))


def _nothing_to_change(value: Any) -> bool:
    """Whether :func:`normalise` would change nothing in ``value``: no string (key or value)
    with a lone surrogate, no container at :data:`MAX_DEPTH`. Iterative, like the rebuild."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not _clean_string(item):
                return False
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                return False
            if isinstance(item, dict):
                if not all(_clean_string(key) for key in item if isinstance(key, str)):
                    return False
                item = item.values()
            stack.extend((child, depth + 1) for child in item)
    return True


def _clean_string(text: str) -> bool:
    return text.isascii() or _LONE_SURROGATE.search(text) is None


def _short(path: str, limit: int = 80) -> str:
    clean = _clean(path)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
