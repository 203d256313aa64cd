"""Skip locally, fail in CI: for tests that need a peer or a browser the test setup installs.

`.ci/run` sets ``OIDC_PROBE_REQUIRE_PEERS=1``; there a missing peer or browser is a
failure, not a skip, so a broken install step cannot hide behind a green run.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ENV = "OIDC_PROBE_REQUIRE_PEERS"


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def unavailable(reason: str) -> None:
    """Skip the test with ``reason``, or fail it when CI requires every peer."""
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set, so this is a failure, not a skip)")
    pytest.skip(reason)
