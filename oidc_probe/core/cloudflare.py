"""Cloudflare API vocabulary: the v4 response envelope (``success``, ``errors``, ``result``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def api_errors(doc: Mapping[str, Any]) -> str:
    """``errors[]`` of a Cloudflare envelope as one line: ``10000 Authentication error; ...``."""
    errors = doc.get("errors")
    items = errors if isinstance(errors, list) else []
    texts = [
        f"{e.get('code', '?')} {e.get('message', '')}".strip() for e in items if isinstance(e, dict)
    ]
    return "; ".join(texts) or "no error details"


def is_concealed(value: Any) -> bool:
    """A secret the API returns masked (all asterisks): present, but not its value."""
    return isinstance(value, str) and bool(value) and set(value) == {"*"}
