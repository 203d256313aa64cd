"""The check registry: small pure functions registered with stable IDs.

A check is a function ``(ctx: RunContext) -> Iterable[Outcome]`` decorated with
:func:`check`. Its docstring is its documentation page, in four parts:
What it checks / Why it matters / How to fix / References.
IDs are a public contract: never reused, never renumbered.

A check may declare what it needs (``needs``, :mod:`oidc_probe.checks.needs`: the registry
resolves each input and passes it after the context, or yields SKIP with the reason) and
the login modes it cannot judge (``not_for``: mode -> reason), and the commands that
select it but cannot feed it (``not_fed_by``: command -> the SKIP message it gets there).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from oidc_probe.checks.needs import Need, resolve
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Finding, Outcome, Stage, Status
from oidc_probe.core.settings import LoginMode

# ``(ctx, *inputs)``: the context, then the declared inputs in order.
CheckFn = Callable[..., Iterable[Outcome]]


@dataclass(frozen=True)
class Check:
    """One registered check: its stable ID and slug, stage, references, severity, the function, and what it needs and where it does not apply."""

    id: str
    slug: str
    stage: Stage
    refs: tuple[str, ...]
    severity: Status
    func: CheckFn
    needs: tuple[Need[Any], ...] = ()
    not_for: Mapping[LoginMode, str] = field(default_factory=dict)
    not_fed_by: Mapping[str, str] = field(default_factory=dict)

    def not_applicable(self, ctx: RunContext) -> str | None:
        """Why this check does not apply to the run's login mode, or ``None``."""
        if not self.not_for:
            return None
        mode = ctx.settings.login
        reason = self.not_for.get(mode)
        return f"{reason} (--login {mode.value})" if reason is not None else None

    @cached_property
    def blank(self) -> Finding:
        """A finding of this check with no outcome yet: each finding copies it
        (:meth:`Finding.evolve`), cheaper than building one field by field."""
        return Finding(self.id, self.slug, self.stage, self.severity, "", refs=self.refs)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the docstring: what the check checks, in one sentence."""
        return self.doc.splitlines()[0] if self.doc else self.slug


REGISTRY: dict[str, Check] = {}


def check(
    check_id: str,
    slug: str,
    stage: Stage,
    *,
    refs: tuple[str, ...] = (),
    severity: Status = Status.FAIL,
    needs: tuple[Need[Any], ...] = (),
    not_for: Mapping[LoginMode, str] | None = None,
    not_fed_by: Mapping[str, str] | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check. ``severity`` is what a ``failed()`` outcome becomes (FAIL or WARN);
    ``needs`` the inputs it takes after the context; ``not_for`` the login modes it cannot
    judge, with the reason; ``not_fed_by`` the commands (``verify``...) that select it but
    cannot feed it, with the message its SKIP has there (the command's plan words it)."""

    def register(func: CheckFn) -> CheckFn:
        if check_id in REGISTRY:
            raise ValueError(f"check ID {check_id} registered twice")
        modes = MappingProxyType(dict(not_for or {}))
        commands = MappingProxyType(dict(not_fed_by or {}))
        REGISTRY[check_id] = Check(
            check_id, slug, stage, refs, severity, func, needs, modes, commands
        )
        return func

    return register


def run_check(spec: Check, ctx: RunContext, user: str = "") -> list[Finding]:
    """Run one check; a check that raises becomes a FAIL finding, never a crash of the run.

    ``user`` names the user (or token line) of a several-user run the findings are about.
    """
    reason = spec.not_applicable(ctx)
    if reason is not None:
        return [_finding(spec, Outcome(Status.SKIP, reason), user)]
    inputs, skips = resolve(spec.needs, ctx) if spec.needs else ([], [])
    if inputs is None:
        return [_finding(spec, outcome, user) for outcome in skips]
    try:
        outcomes = skips + list(spec.func(ctx, *inputs))
    except Exception as exc:  # a bug in one check must not stop the others
        outcomes = [
            Outcome(
                Status.FAIL,
                f"internal error in this check: {type(exc).__name__}: {exc}",
                hint="this is a bug in oidc-probe; please report it with the output of --debug",
            )
        ]
    if not outcomes:
        outcomes = [Outcome(Status.SKIP, "nothing to check")]
    return [_finding(spec, outcome, user) for outcome in outcomes]


def _finding(spec: Check, outcome: Outcome, user: str) -> Finding:
    status = outcome.status
    if status is Status.FAIL:
        status = spec.severity
    evidence: dict[str, Any] = {}
    if outcome.expected is not None:
        evidence["expected"] = outcome.expected
    if outcome.actual is not None:
        evidence["actual"] = outcome.actual
    return spec.blank.evolve(
        status=status,
        message=outcome.message,
        hint=outcome.hint,
        subject=outcome.subject,
        evidence=evidence,
        user=user,
    )
