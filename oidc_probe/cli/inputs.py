"""Command-line values shared by several commands: config fields given as flags, the
network options of the commands that build no request (``cloudflare-config``), and paths
that must be writable.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

from oidc_probe.core.connect_to import ConnectRule
from oidc_probe.core.errors import UsageError

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


def checked_ca_bundle(value: str | None) -> str | None:
    if value is not None and not Path(value).is_file():
        raise UsageError(f"--ca-bundle {value}: file not found")
    return value


class NetworkSettings(TypedDict):
    """The ``RunSettings`` fields of :func:`oidc_probe.cli.options.add_network_options`."""

    timeout: float
    ca_bundle: str | None
    connect_to: tuple[ConnectRule, ...]


def network_settings(args: argparse.Namespace) -> NetworkSettings:
    """``--timeout``, ``--ca-bundle`` (checked) and ``--connect-to``, for ``RunSettings(**...)``."""
    return {
        "timeout": args.timeout,
        "ca_bundle": checked_ca_bundle(args.ca_bundle),
        "connect_to": tuple(args.connect_to or ()),
    }


def writable_output(value: str | None) -> Path | None:
    """Checked before the run, so a long probe is not wasted on an unwritable path."""
    if value is None:
        return None
    path = Path(value)
    if path.is_symlink():
        raise UsageError(
            f"--output {value}: is a symbolic link; not written through it (name the file itself)"
        )
    if path.is_dir():
        raise UsageError(f"--output {value}: is a directory; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"--output {value}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--output {value}: not writable")
    return path
