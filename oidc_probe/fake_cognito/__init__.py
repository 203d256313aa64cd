"""A faithful local emulator of an Amazon Cognito user pool (hosted UI, OAuth 2, OIDC).

The probe never imports this package; the demo, the ``fake-cognito`` command, the
pytest plugin and the tests do. Starlette is imported only when an app is built.

May import: ``core`` only (an import-linter contract keeps it apart).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from oidc_probe.fake_cognito.faults import Fault, list_faults, parse_faults
from oidc_probe.fake_cognito.keys import PoolKeys
from oidc_probe.fake_cognito.pool import AppClient, Pool, User, load_pool

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = [
    "AppClient",
    "Fault",
    "Pool",
    "PoolKeys",
    "User",
    "create_app",
    "list_faults",
    "load_pool",
    "parse_faults",
]


def create_app(
    pool: Pool,
    *,
    faults: Sequence[str | Fault] = (),
    now: Callable[[], float] = time.time,
    keys: PoolKeys | None = None,
    base_url: str | None = None,
    login_page: str = "classic",
) -> Starlette:
    """Build the emulator app; see :func:`oidc_probe.fake_cognito.app.create_app`."""
    from oidc_probe.fake_cognito.app import create_app as _create_app

    return _create_app(
        pool, faults=faults, now=now, keys=keys, base_url=base_url, login_page=login_page
    )
