"""Each command's plan as data: the stages it runs and the checks it selects.

A plan names the stages whose checks judge the run (``judged``), the stages added when
the pool is read through AWS (``with_aws``) or Access policies are given
(``with_access``). Why a selected check cannot judge what a command has is declared on
the check (``not_fed_by``); the plan words its SKIP so (``reword``).
``None`` as ``judged`` selects every check a probe run has (``probe_checks``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.run.requests import Command

if TYPE_CHECKING:
    from oidc_probe.checks.registry import Check


@dataclass(frozen=True)
class Plan:
    """One command's plan: the stages it runs and whose checks it judges, as data."""

    command: Command
    stages: tuple[Stage, ...]
    judged: frozenset[Stage] | None = None
    with_aws: frozenset[Stage] = frozenset()
    with_access: frozenset[Stage] = frozenset()

    def selected_stages(self, *, aws: bool = False, access: bool = False) -> frozenset[Stage]:
        """The stages whose checks run (not for a plan that judges every stage)."""
        assert self.judged is not None
        return (
            self.judged
            | (self.with_aws if aws else frozenset())
            | (self.with_access if access else frozenset())
        )

    def select(
        self, catalogue: Iterable[Check], *, aws: bool = False, access: bool = False
    ) -> list[Check]:
        """The checks of ``catalogue`` this plan runs."""
        if self.judged is None:
            return list(catalogue)
        stages = self.selected_stages(aws=aws, access=access)
        return [c for c in catalogue if c.stage in stages]

    def reword(self, finding: Finding, spec: Check) -> Finding:
        """A SKIP of a check this command cannot feed says why, in the check's words for it."""
        if finding.status is not Status.SKIP:
            return finding
        reason = spec.not_fed_by.get(self.command.value)
        return finding if reason is None else finding.evolve(message=reason)


# Discovery and the JWKS, judged once per run (also the run-wide part of a --users run).
SHARED_STAGES = frozenset({Stage.CONFIG, Stage.DISCOVERY, Stage.JWKS})

PROBE = Plan(
    Command.PROBE,
    stages=(
        Stage.DISCOVERY,
        Stage.JWKS,
        Stage.AUTHORIZE,
        Stage.TOKEN,
        Stage.ID_TOKEN,
        Stage.USERINFO,
    ),
)

DISCOVER = Plan(
    Command.DISCOVER,
    stages=(Stage.DISCOVERY, Stage.JWKS),
    judged=SHARED_STAGES,
    with_aws=frozenset({Stage.POOL}),
)

# verify: the JWKS is judged once for the run; VERIFY_TOKEN judges each token.
VERIFY = Plan(Command.VERIFY, stages=(Stage.JWKS,), judged=frozenset({Stage.JWKS}))
VERIFY_TOKEN = Plan(
    Command.VERIFY,
    stages=(Stage.ID_TOKEN,),
    judged=frozenset({Stage.ID_TOKEN, Stage.CLAIMS}),
    with_access=frozenset({Stage.ACCESS}),
)

AUDIT = Plan(Command.AUDIT, stages=(Stage.POOL,), judged=frozenset({Stage.CONFIG, Stage.POOL}))

VERIFY_ACCESS = Plan(
    Command.VERIFY_ACCESS, stages=(Stage.ACCESS_JWT,), judged=frozenset({Stage.ACCESS_JWT})
)
