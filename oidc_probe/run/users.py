"""The ``--users`` file: several test users, each with its password variable and expectations.

TOML::

    [[users]]
    username = "alice"
    password_env = "ALICE_PASSWORD"
    expect = ["cognito:groups~=admins", "email_verified=true"]
    access = "allow"        # what the Access policies (--policy) must decide for alice

    [[users]]
    username = "bob"
    password_env = "BOB_PASSWORD"
    expect = ["!cognito:groups"]

JSON: ``{"users": [{"username": ..., "password_env": ..., "expect": [...]}]}``
(or just the array). ``.toml`` files are read as TOML, anything else as JSON.
Passwords never live in the file: only the name of the environment variable
holding each one. Unknown fields are errors, so a typo cannot silently drop a check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from oidc_probe.access.setup import EXPECT_VALUES
from oidc_probe.core.errors import ConfigError, UsageError
from oidc_probe.core.expect import Expectation, parse_expectation
from oidc_probe.plumbing.datafile import is_toml, parse_document, read_option_file

FIELDS = frozenset({"username", "password_env", "expect", "access"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class UserSpec:
    """One user of a ``--users`` file: the name, the variable with the password, what to expect."""

    username: str
    password_env: str
    expect: tuple[Expectation, ...] = ()
    access: str | None = None  # the Access decision expected for this user (ACC002)


# Each user is a real login against the provider: more in one run is a mistake or abuse.
MAX_USERS = 100


def load_users(path: str | Path) -> tuple[UserSpec, ...]:
    """Read and validate a users file; :class:`ConfigError` with one line on any problem."""
    text = read_option_file(path, "--users")
    return parse_users(text, str(path), toml=is_toml(str(path)))


def parse_users(text: str, source: str, *, toml: bool) -> tuple[UserSpec, ...]:
    def fail(message: str) -> NoReturn:
        raise ConfigError(f"{source}: {message}")

    doc = parse_document(text, source, toml=toml)
    if isinstance(doc, dict):
        extra = sorted(set(doc) - {"users"})
        if extra:
            fail(f"unknown top-level field(s) {', '.join(extra)} (expected 'users')")
        doc = doc.get("users")
    if not isinstance(doc, list) or not doc:
        fail("no users: expected a non-empty 'users' list")
    if len(doc) > MAX_USERS:
        fail(f"{len(doc)} users; at most {MAX_USERS} are probed in one run (split the file)")
    users = tuple(_user(item, f"users[{i}]", fail) for i, item in enumerate(doc))
    seen: set[str] = set()
    for user in users:
        if user.username in seen:
            fail(f"duplicate username {user.username!r}")
        seen.add(user.username)
    return users


def _user(item: Any, where: str, fail: Any) -> UserSpec:
    if not isinstance(item, dict):
        fail(f"{where} must be a table/object")
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        fail(f"{where}: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(FIELDS))})")
    username = item.get("username")
    if not isinstance(username, str) or not username.strip():
        fail(f"{where}.username must be a non-empty string")
    env = item.get("password_env")
    if not isinstance(env, str) or not _ENV_NAME.match(env):
        fail(f"{where}.password_env must name an environment variable (e.g. ALICE_PASSWORD)")
    expect = item.get("expect", [])
    if not isinstance(expect, list) or not all(isinstance(e, str) for e in expect):
        fail(f"{where}.expect must be a list of strings")
    try:
        parsed = tuple(parse_expectation(e, where=f"{where}.expect") for e in expect)
    except UsageError as exc:
        fail(str(exc))
    access = item.get("access")
    if access is not None and access not in EXPECT_VALUES:
        fail(f"{where}.access must be one of {', '.join(EXPECT_VALUES)}, got {access!r}")
    return UserSpec(username, env, parsed, access)


def passwords(users: tuple[UserSpec, ...], environ: Mapping[str, str]) -> dict[str, str]:
    """Each user's password from its variable; :class:`UsageError` naming the first missing one."""
    found: dict[str, str] = {}
    for user in users:
        value = environ.get(user.password_env, "")
        if not value:
            raise UsageError(
                f"no password for user {user.username!r}: set the environment variable "
                f"{user.password_env}"
            )
        found[user.username] = value
    return found
