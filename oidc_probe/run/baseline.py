"""``--baseline FILE``: known failures a team accepts, each with a reason.

JSON (a list, or ``{"accept": [...]}``) or TOML (``[[accept]]`` tables)::

    [[accept]]
    id = "CLM002"               # check ID (required)
    subject = "email_verified"  # optional: only this subject
    user = "bob"                # optional: only this user of a --users run
    reason = "test users are created with unverified addresses"   # required

A failure or warning matching an entry stays in the report, marked accepted with
the reason, and no longer fails the run. An entry that matches nothing is
reported on stderr, so fixed problems do not stay accepted forever. A failed
signature check (IDT004, CFT001) is never accepted: a run whose signature was not
verified never passes (its warnings can be). The failure that names the cause
(IDT002 alg none, IDT001 malformed, AUT001 no login, ...) may be accepted, but then
the net is cast again on each run context (each user, each token): with nothing
else failing, IDT004 (CFT001 for ``verify-access``) fails, and that is not accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from oidc_probe.core.errors import ConfigError
from oidc_probe.core.model import Finding, Status
from oidc_probe.plumbing.datafile import is_toml, parse_document, read_option_file

if TYPE_CHECKING:
    from oidc_probe.core.context import RunContext
    from oidc_probe.run.results import RunResult

FIELDS = frozenset({"id", "subject", "user", "reason"})
# Checks whose failure means the signature was not verified: no baseline hides that.
NEVER_ACCEPTED_FAILURES = frozenset({"IDT004", "CFT001"})


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding of a ``--baseline`` file: the check, its subject, and why."""

    check_id: str
    reason: str
    subject: str | None = None
    user: str | None = None

    def matches(self, finding: Finding) -> bool:
        if finding.status is Status.FAIL and finding.check_id in NEVER_ACCEPTED_FAILURES:
            return False
        return (
            finding.check_id == self.check_id
            and finding.status in (Status.FAIL, Status.WARN)
            and (self.subject is None or finding.subject == self.subject)
            and (self.user is None or finding.user == self.user)
        )

    def describe(self) -> str:
        parts = [self.check_id]
        if self.subject is not None:
            parts.append(f"subject {self.subject!r}")
        if self.user is not None:
            parts.append(f"user {self.user!r}")
        return " ".join(parts)


@dataclass(frozen=True)
class Baseline:
    """A ``--baseline`` file: the findings a team accepts, applied to every run's report."""

    entries: tuple[BaselineEntry, ...]
    source: str = "<baseline>"

    def apply(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[BaselineEntry]]:
        """The findings with accepted ones marked, and the entries that matched nothing."""
        used: set[int] = set()
        result: list[Finding] = []
        for finding in findings:
            index = next((i for i, e in enumerate(self.entries) if e.matches(finding)), None)
            if index is None:
                result.append(finding)
                continue
            used.add(index)
            result.append(replace(finding, accepted=self.entries[index].reason))
        unused = [e for i, e in enumerate(self.entries) if i not in used]
        return result, unused

    def apply_run(self, run: RunResult) -> tuple[RunResult, list[BaselineEntry]]:
        """``run`` with accepted findings marked, then the signature net cast again on
        each context (each user of ``--users``, each token of ``verify --tokens``), and
        the entries that matched nothing."""
        from oidc_probe.run.results import MultiRun, SingleRun

        marked, unused = self.apply(run.all_findings())
        pending = iter(marked)

        def netted(ctx: RunContext, count: int) -> tuple[Finding, ...]:
            from oidc_probe.checks.catalogue import unverified_never_passes

            own = [next(pending) for _ in range(count)]
            return tuple(unverified_never_passes(ctx, own))

        if isinstance(run, SingleRun):
            return SingleRun(run.ctx, netted(run.ctx, len(run.findings))), unused
        shared = netted(run.shared, len(run.findings))
        users = tuple(replace(u, findings=netted(u.ctx, len(u.findings))) for u in run.users)
        return MultiRun(run.shared, shared, users, run.kind), unused


def load_baseline(path: str | Path) -> Baseline:
    text = read_option_file(path, "--baseline")
    return parse_baseline(text, str(path), toml=is_toml(str(path)))


def parse_baseline(text: str, source: str, *, toml: bool) -> Baseline:
    def fail(message: str) -> NoReturn:
        raise ConfigError(f"{source}: {message}")

    doc = parse_document(text, source, toml=toml)
    if isinstance(doc, dict):
        extra = sorted(set(doc) - {"accept"})
        if extra:
            fail(f"unknown top-level field(s) {', '.join(extra)} (expected 'accept')")
        doc = doc.get("accept", [])
    if not isinstance(doc, list):
        fail("expected a list of entries (or 'accept' = [...])")
    return Baseline(tuple(_entry(item, f"accept[{i}]", fail) for i, item in enumerate(doc)), source)


def _entry(item: Any, where: str, fail: Any) -> BaselineEntry:
    if not isinstance(item, dict):
        fail(f"{where} must be an object/table")
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        fail(f"{where}: unknown field(s) {', '.join(unknown)} (known: id, subject, user, reason)")
    check_id = item.get("id")
    if not isinstance(check_id, str) or not check_id.strip():
        fail(f"{where}.id must be a check ID such as 'CLM002'")
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        fail(f"{where}.reason is required: say why {check_id} is accepted")
    optional: list[str | None] = []
    for key in ("subject", "user"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            fail(f"{where}.{key} must be a string")
        optional.append(value)
    return BaselineEntry(check_id.strip().upper(), reason.strip(), optional[0], optional[1])


def unused_message(baseline: Baseline, entries: Sequence[BaselineEntry]) -> list[str]:
    return [
        f"baseline {baseline.source}: the entry for {e.describe()} matched no failure or "
        "warning; remove it if the problem is fixed"
        for e in entries
    ]
