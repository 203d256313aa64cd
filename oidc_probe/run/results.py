"""What a use case returns: one run, or several (``--users``, ``verify --tokens``); or,
for ``cloudflare-config``, the identity-provider JSON (:class:`IdpBody`).

The command line turns a result into a report (``report/model.py``); the Python API
returns it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding


@dataclass(frozen=True)
class SingleRun:
    """One context and the findings of the checks the plan selected."""

    ctx: RunContext
    findings: tuple[Finding, ...]

    def all_findings(self) -> list[Finding]:
        return list(self.findings)

    def contexts(self) -> list[RunContext]:
        return [self.ctx]


@dataclass(frozen=True)
class UserRun:
    """One user's run in a ``--users`` probe: the context and the findings."""

    username: str
    ctx: RunContext
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class MultiRun:
    """A run-wide context and its findings, then one section per user (or token)."""

    shared: RunContext
    findings: tuple[Finding, ...]  # the run-wide checks
    users: tuple[UserRun, ...]
    # What each section is: "user" (--users) or "token" (verify --tokens); reports say it.
    kind: str = "user"

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for u in self.users for f in u.findings)]

    def contexts(self) -> list[RunContext]:
        return [self.shared, *(u.ctx for u in self.users)]


RunResult = SingleRun | MultiRun


@dataclass(frozen=True)
class IdpBody:
    """Cloudflare's identity-provider JSON; ``secret`` the client secret in it (``None``: left
    out), ``output`` the checked file to write it to (``None``: stdout)."""

    body: dict[str, Any] = field(repr=False)  # holds the secret
    secret: str | None = field(repr=False)
    output: Path | None
