"""The identity Access builds from a run's ID token, as plain data the reports read.

:func:`oidc_probe.access.derived.derive_views` computes it once per run (before the
checks) and stores it on the run context; the checks read the same computation through
:mod:`oidc_probe.access.derived`, and the report layer reads only this data, so it
imports nothing from ``access``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CustomClaimView:
    """The application token's ``custom`` claim after Access trims it to its budget."""

    kept: Mapping[str, Any]
    dropped: tuple[str, ...]
    size: int
    budget: int


@dataclass(frozen=True)
class IdentityView:
    """get-identity's shape for a generic OIDC provider, and the trimmed ``custom`` claim."""

    identity: Mapping[str, Any]
    custom: CustomClaimView
    budget_note: str
