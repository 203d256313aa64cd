"""Shared helpers for the check unit tests."""

from __future__ import annotations

from oidc_probe.checks import catalogue, registry
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Finding, Status


def run(check_id: str, ctx: RunContext) -> list[Finding]:
    spec = catalogue.get_check(check_id)
    assert spec is not None, check_id
    findings = registry.run_check(spec, ctx)
    assert all(f.check_id == check_id for f in findings)
    assert all(not f.message.startswith("internal error") for f in findings), findings
    return findings


def only(check_id: str, ctx: RunContext) -> Finding:
    findings = run(check_id, ctx)
    assert len(findings) == 1, findings
    return findings[0]


def by_subject(findings: list[Finding]) -> dict[str, Finding]:
    return {f.subject: f for f in findings}


def statuses(findings: list[Finding]) -> list[Status]:
    return [f.status for f in findings]


def text_of(finding: Finding) -> str:
    """Everything a report could print about a finding."""
    return " ".join([finding.message, finding.hint, repr(finding.evidence), finding.subject])
