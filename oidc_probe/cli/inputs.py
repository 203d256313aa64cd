"""Command-line values shared by several commands, checked before anything runs.

Credentials (never from a plain argument), config fields given as flags, ``--expect``
and ``--users``, and paths that must exist or be writable.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

from oidc_probe.core.connect_to import ConnectRule
from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.expect import Expectation
    from oidc_probe.run.users import UserSpec

USERNAME_ENV = "OIDC_PROBE_USERNAME"
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class CiInputs:
    """``--expect``, ``--users`` and ``--concurrency``, checked before anything runs."""

    expectations: tuple[Expectation, ...] = ()
    users: tuple[UserSpec, ...] = ()
    concurrency: int = 4


def ci_inputs(args: argparse.Namespace, *, login: bool) -> CiInputs:
    from oidc_probe.core.expect import parse_expectations
    from oidc_probe.run.users import load_users

    expectations = parse_expectations(getattr(args, "expect", None))
    users_file = getattr(args, "users", None)
    if not login and (expectations or users_file):
        raise UsageError("--expect and --users need a login; drop --discovery-only")
    users = load_users(users_file) if users_file else ()
    if users and getattr(args, "username", None):
        raise UsageError("--users and --username exclude each other: list every user in the file")
    return CiInputs(expectations, users, getattr(args, "concurrency", 4))


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


def credentials(args: argparse.Namespace, console: Console) -> tuple[str, str]:
    """The username and password for the form login, or a one-line :class:`UsageError`."""
    username = args.username or console.environ.get(USERNAME_ENV)
    if not username:
        raise UsageError(
            f"the login needs a username: pass --username NAME (or set {USERNAME_ENV})"
        )
    if args.password_stdin:
        password = read_password(console)
        if not password:
            raise UsageError("--password-stdin: no password on standard input")
        return username, password
    name = args.password_env
    password = console.environ.get(name, "")
    if not password:
        raise UsageError(
            f"the login needs a password: set the environment variable {name} "
            "or pass --password-stdin and write it to standard input"
        )
    return username, password


def read_password(console: Console) -> str:
    """One line from stdin; typed without echo when stdin is a terminal."""
    isatty = getattr(console.stdin, "isatty", None)
    if callable(isatty) and isatty():
        import getpass

        return getpass.getpass("password: ", stream=console.stderr)
    return console.read_line().rstrip("\r\n")


def checked_redirect_uri(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--redirect-uri must be an absolute http(s) URL, got {value!r}")
    return value


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
        "connect_to": tuple(getattr(args, "connect_to", None) or ()),
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
