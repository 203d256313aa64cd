"""What the short text report shows: each stage's counts, the skips folded, the problems.

The text report without ``-v`` lists no passing check one by one. A stage becomes one
line of counts; the checks it skipped because an earlier check failed or did not run
(their message ends ``(see TOK001)``) fold into one line per reason; the parts of a run
nobody asked for (the pool audit without ``--aws``, Access without policies, the active
checks without ``--active``) are one line each. Every failure and warning then appears
once in the problems block at the end. Every other format keeps every check.

Pure functions over findings: the renderer in :mod:`oidc_probe.report.text` prints
what they return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oidc_probe.core.model import Finding, Stage, Status

# The reasons of the parts a run was not asked to run. They are the checks' own messages
# (tests/unit/report/test_folding.py keeps them equal to the checks' constants).
POOL_NOT_ASKED = "the pool audit did not run (use 'oidc-probe audit' or 'check --aws')"
ACCESS_NOT_ASKED = (
    "no Access policies given (--policy FILE or --cloudflare-app ID)",
    "no Access decision expected (--expect-access or access in --users)",
    "no Access application read (--cloudflare-app ID)",
    "Cloudflare's policy tester was not asked (--cloudflare-policy-test)",
)
ACTIVE_NOT_ASKED = "not run: run with --active"
# The one line that stands for the pool audit's checks when it was not asked for (issue 22).
POOL_AUDIT_FOLDED = "pool audit not run: `audit` or `--aws`"
ACTIVE_TITLE = "Active checks"

_SEE = re.compile(r"\(see ((?:[A-Z]{3}\d{3}(?:, )?)+)\)$")


@dataclass(frozen=True)
class Counts:
    """How many findings of each status a report, a stage or a fold holds."""

    passed: int = 0
    failed: int = 0
    warned: int = 0
    info: int = 0
    skipped: int = 0
    accepted: int = 0  # failures and warnings accepted by the baseline (not in failed/warned)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Counts:
        tally = dict.fromkeys(Status, 0)
        accepted = 0
        for finding in findings:
            if finding.accepted:
                accepted += 1
            else:
                tally[finding.status] += 1
        return cls(
            tally[Status.PASS],
            tally[Status.FAIL],
            tally[Status.WARN],
            tally[Status.INFO],
            tally[Status.SKIP],
            accepted,
        )

    def as_dict(self) -> dict[str, int]:
        """Keyed by status value (``pass``, ``fail``, ``warn``, ``info``, ``skip``) and ``accepted``."""
        return {
            Status.PASS.value: self.passed,
            Status.FAIL.value: self.failed,
            Status.WARN.value: self.warned,
            Status.INFO.value: self.info,
            Status.SKIP.value: self.skipped,
            "accepted": self.accepted,
        }

    def phrase(self) -> str:
        """``3 passed, 1 failed, 2 skipped``: the counts that are not zero."""
        warnings = "warning" if self.warned == 1 else "warnings"
        parts = [
            (self.passed, "passed"),
            (self.failed, "failed"),
            (self.warned, warnings),
            (self.info, "info"),
            (self.skipped, "skipped"),
            (self.accepted, "accepted by the baseline"),
        ]
        return ", ".join(f"{n} {word}" for n, word in parts if n)


@dataclass(frozen=True)
class Fold:
    """Several skipped checks of one stage shown as one line."""

    count: int
    reason: str
    check_ids: tuple[str, ...]

    def text(self) -> str:
        checks = "check" if self.count == 1 else "checks"
        return f"{self.count} {checks} not run: {self.reason}"


@dataclass(frozen=True)
class StageView:
    """One stage of the short report: the counts of the checks not folded, and the folds."""

    stage: Stage
    counts: str
    folds: tuple[Fold, ...]

    def one_line(self) -> str | None:
        """The whole stage as one line, when nothing else than one fold is in it."""
        if not self.counts and len(self.folds) == 1:
            if self.stage is Stage.POOL and self.folds[0].reason == POOL_NOT_ASKED:
                return f"{self.stage.title}: {POOL_AUDIT_FOLDED}"
            return f"{self.stage.title}: {self.folds[0].text()}"
        return None


@dataclass(frozen=True)
class Problem:
    """A failure or warning, once, with the users it concerns in a several-user run."""

    finding: Finding
    users: tuple[str, ...]


def stage_views(findings: Sequence[Finding]) -> tuple[list[StageView], Fold | None]:
    """The stages in run order, and the active checks that did not run (one fold, or None)."""
    status_of = _worst_status(findings)
    views: list[StageView] = []
    active: list[Finding] = []
    by_stage: dict[str, list[Finding]] = {}  # by Stage.key: a str hashes faster than an Enum
    for finding in findings:
        by_stage.setdefault(finding.stage.key, []).append(finding)
    for stage in Stage:
        found = by_stage.get(stage.key)
        if not found:
            continue
        kept: list[Finding] = []
        folded: dict[str, list[Finding]] = {}
        for finding in found:
            if finding.status is not Status.SKIP:  # only a skip folds (most findings pass)
                kept.append(finding)
                continue
            reason = _fold_reason(finding, status_of)
            if finding.message.startswith(ACTIVE_NOT_ASKED):
                active.append(finding)
            elif reason is not None:
                folded.setdefault(reason, []).append(finding)
            else:
                kept.append(finding)
        if not kept and not folded:
            continue  # only active checks, shown in their own fold
        folds = tuple(Fold(len(items), reason, _ids(items)) for reason, items in folded.items())
        views.append(StageView(stage, Counts.of(kept).phrase(), folds))
    active_fold = None
    if active:
        ids = _ids(active)
        reason = f"run with --active to test them ({', '.join(ids)})"
        active_fold = Fold(len(active), reason, ids)
    return views, active_fold


def not_asked(finding: Finding) -> bool:
    """A check skipped because the run was not asked to run it (pool audit, Access, --active).

    The same for every user of a several-user run, so the report shows those once.
    """
    if finding.status is not Status.SKIP or finding.accepted:
        return False
    message = finding.message
    if message == POOL_NOT_ASKED or message.startswith(ACTIVE_NOT_ASKED):
        return True
    return finding.stage is Stage.ACCESS and message in ACCESS_NOT_ASKED


def problems(findings: Iterable[Finding]) -> list[Problem]:
    """Each failure and warning once (the same one for several users is one problem).

    Warnings first and failures last, so the failures sit nearest to the summary line.
    Failures and warnings a baseline accepted are not problems.
    """
    grouped: dict[tuple[str, str, Status, str], list[Finding]] = {}
    for finding in findings:
        if finding.status in (Status.FAIL, Status.WARN) and not finding.accepted:
            key = (finding.check_id, finding.subject, finding.status, finding.message)
            grouped.setdefault(key, []).append(finding)
    found = [
        Problem(items[0], tuple(dict.fromkeys(f.user for f in items if f.user)))
        for items in grouped.values()
    ]
    return sorted(found, key=lambda p: p.finding.status is Status.FAIL)


def failing_names(
    findings: Iterable[Finding], *, statuses: tuple[Status, ...] = (Status.FAIL,), limit: int = 5
) -> str:
    """``TOK001 token-exchange-succeeded, IDT004 ...`` for the summary line ('' if none)."""
    names = list(
        dict.fromkeys(
            f"{f.check_id} {f.slug}" for f in findings if f.status in statuses and not f.accepted
        )
    )
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def _fold_reason(finding: Finding, status_of: dict[str, Status]) -> str | None:
    if finding.status is not Status.SKIP or finding.accepted:
        return None
    message = finding.message
    if message == POOL_NOT_ASKED:
        return message
    if finding.stage is Stage.ACCESS and message in ACCESS_NOT_ASKED:
        return ACCESS_NOT_ASKED[0]
    match = _SEE.search(message)
    if match is None:
        return None
    causes = [
        f"{cid} {_STATUS_WORDS.get(status_of.get(cid, Status.SKIP), 'did not run')}"
        for cid in match.group(1).split(", ")
    ]
    return f"{message[: match.start()].rstrip()} ({', '.join(causes)})"


_STATUS_WORDS = {Status.FAIL: "failed", Status.SKIP: "did not run", Status.WARN: "warned"}


# The worse first, for _worst_status.
_RANK = {
    status: rank
    for rank, status in enumerate((Status.FAIL, Status.WARN, Status.SKIP, Status.INFO, Status.PASS))
}


def _worst_status(findings: Iterable[Finding]) -> dict[str, Status]:
    worst: dict[str, Status] = {}
    for finding in findings:
        seen = worst.get(finding.check_id)
        if seen is None or _RANK[finding.status] < _RANK[seen]:
            worst[finding.check_id] = finding.status
    return worst


def _ids(findings: Iterable[Finding]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.check_id for f in findings))
