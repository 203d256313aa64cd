"""Command-line values shared by several commands: config fields given as flags, and word
lists (``--scopes``, ``--claims``)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

_SEPARATORS = re.compile(r"[\s,]+")


def field_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Config fields given as flags; ``None`` means "not given"."""
    return {
        "client_id": args.client_id,
        "auth_url": args.auth_url,
        "token_url": args.token_url,
        "certs_url": args.certs_url,
        "scopes": split_words(args.scopes),
        "claims": split_words(args.claims),
        "pkce_enabled": args.pkce_enabled,
        "email_claim_name": args.email_claim_name,
    }


def split_words(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--scopes "openid email" --scopes profile,phone`` -> one tuple; ``None`` if not given."""
    if values is None:
        return None
    return tuple(word for value in values for word in _SEPARATORS.split(value) if word)
