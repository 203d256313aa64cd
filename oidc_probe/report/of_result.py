"""A use case's result as a :class:`Report`: one run, or a run-wide part and one section
per user (``--users``) or token (``verify --tokens``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from oidc_probe.report.model import AccessView, ClaimView, Report, UserSection

if TYPE_CHECKING:
    from oidc_probe.core.model import Finding
    from oidc_probe.run.results import MultiRun, RunResult

MULTI_NOTE = "several users were probed: see each user's section"
TOKENS_NOTE = "several tokens were verified: see each token's section"


def report_of(
    result: RunResult, *, show_tokens: bool = False, findings: Sequence[Finding] | None = None
) -> Report:
    """The report of ``result``; ``findings`` replaces its findings (a baseline marks some)."""
    from oidc_probe.run.results import SingleRun

    if isinstance(result, SingleRun):
        chosen = result.findings if findings is None else findings
        return Report.from_run(result.ctx, chosen, show_tokens=show_tokens)
    return _multi(result, show_tokens, result.all_findings() if findings is None else findings)


def _multi(run: MultiRun, show_tokens: bool, findings: Sequence[Finding]) -> Report:
    sections = []
    for user in run.users:
        single = Report.from_run(user.ctx, [], show_tokens=show_tokens)
        sections.append(
            UserSection(user.username, single.access_view, single.id_token_claims, single.tokens)
        )
    base = Report.from_run(run.shared, findings)
    note = MULTI_NOTE if run.kind == "user" else TOKENS_NOTE
    view = AccessView(ClaimView(run.shared.config.email_claim_name, False), (), note)
    return replace(base, users=tuple(sections), access_view=view, section_kind=run.kind)
