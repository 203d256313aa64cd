"""The human report: findings grouped by stage, then what Access will see.

The summary line is not part of it: the CLI prints that on stderr.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.report.model import (
    POOL_AUDIT_FOLDED,
    AccessView,
    ClaimView,
    Report,
    fold_pool_audit,
    json_safe,
)

EVIDENCE_LIMIT = 400
WIDTH = 100
INDENT = " " * 14

_MARKS = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.WARN: "WARN",
    Status.INFO: "INFO",
    Status.SKIP: "SKIP",
}
_COLORS = {
    Status.PASS: "32",
    Status.FAIL: "1;31",
    Status.WARN: "33",
    Status.INFO: "36",
    Status.SKIP: "2",
}
_BOLD = "1"
_DIM = "2"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text


def render_text(report: Report, *, color: bool = False) -> str:
    style = _Style(color)
    lines = _header(report, style)
    lines += _stages([f for f in report.findings if not f.user], style, "")
    if not report.users:
        lines += ["", *_access_view(report.access_view, style)]
        if report.tokens is not None:
            lines += ["", *_tokens(report.tokens, style)]
    for user in report.users:
        findings = report.user_findings(user.username)
        failing = sum(1 for f in findings if f.failing)
        verdict = f"{failing} failing" if failing else "no failure"
        lines += ["", style(f"User {user.username} ({verdict})", _BOLD)]
        lines += _stages(list(findings), style, "  ")
        lines += ["", *(f"  {line}" for line in _access_view(user.access_view, style))]
        if user.tokens is not None:
            lines += ["", *(f"  {line}" for line in _tokens(user.tokens, style))]
    return "\n".join(lines) + "\n"


def _stages(findings: list[Finding], style: _Style, indent: str) -> list[str]:
    findings, folded = fold_pool_audit(findings)
    lines: list[str] = []
    for stage in Stage:
        if stage is Stage.POOL and folded:
            mark = style(_MARKS[Status.SKIP], _COLORS[Status.SKIP])
            lines += [
                "",
                indent + style(stage.title, _BOLD),
                f"{indent}  {mark}  {POOL_AUDIT_FOLDED}",
            ]
            continue
        found = [f for f in findings if f.stage is stage]
        if not found:
            continue
        lines += ["", indent + style(stage.title, _BOLD)]
        for finding in found:
            lines += [indent + line for line in _finding_lines(finding, style)]
    return lines


def _header(report: Report, style: _Style) -> list[str]:
    target = report.target
    return [
        style(f"{report.tool_name} {report.tool_version}", _BOLD),
        f"  issuer     {target.issuer} ({target.issuer_basis})",
        f"  client id  {target.client_id}",
        *(f"  connect to {rule} (--connect-to)" for rule in target.connect_to),
    ]


def _finding_lines(finding: Finding, style: _Style) -> list[str]:
    mark = style(_MARKS[finding.status], _COLORS[finding.status])
    name = f"{finding.check_id} {finding.slug}"
    subject = f" [{finding.subject}]" if finding.subject else ""
    lines = [f"  {mark}  {name}{subject}: {finding.message}"]
    if finding.accepted:
        lines += _indented("accepted: ", f"{finding.accepted} (baseline)", style=style)
    elif finding.status in (Status.FAIL, Status.WARN):
        if finding.hint:
            lines += _indented("hint: ", _wrap(finding.hint, WIDTH - len(INDENT) - len("hint: ")))
        for key in ("expected", "actual"):
            if key in finding.evidence:
                label = f"{key}:".ljust(10)
                lines += _indented(label, _evidence(finding.evidence[key]), style=style)
    return lines


def _indented(label: str, text: str, *, style: _Style | None = None) -> list[str]:
    rows = text.splitlines() or [""]
    prefix = style(label, _DIM) if style is not None else label
    first = f"{INDENT}{prefix}{rows[0]}"
    rest = [f"{INDENT}{' ' * len(label)}{row}" for row in rows[1:]]
    return [first, *rest]


def _wrap(text: str, width: int) -> str:
    return "\n".join(
        textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) or p
        for p in text.splitlines()
    )


def _evidence(value: Any) -> str:
    text = value if isinstance(value, str) else _compact(value)
    if len(text) > EVIDENCE_LIMIT:
        text = text[:EVIDENCE_LIMIT] + f"... ({len(text)} characters)"
    return text


def _compact(value: Any) -> str:
    return json.dumps(json_safe(value), ensure_ascii=False, sort_keys=False)


def _access_view(view: AccessView, style: _Style) -> list[str]:
    lines = [style("What Access will see", _BOLD)]
    if view.note:
        lines.append(f"  note: {view.note}")
    lines.append(_claim_line(f"email ({view.email.name})", view.email, style))
    if view.oidc_fields:
        lines.append("  oidc_fields (configured claims):")
        lines += [_claim_line(f"  {c.name}", c, style) for c in view.oidc_fields]
    else:
        lines.append("  oidc_fields: none configured")
    if view.identity is not None:
        groups = view.identity.get("groups")
        shown = _compact(groups) if groups is not None else "none (no claim named 'groups')"
        lines.append(f"  groups (IdP groups, only from a claim named 'groups'): {shown}")
        lines.append(f"  identity (get-identity): {_compact(view.identity)}")
    custom = view.custom
    if custom is not None:
        lines.append(
            f"  custom claim of the Access token: {custom.size} bytes, budget about "
            f"{custom.budget} (approximate)"
        )
        lines.append(f"    kept: {', '.join(custom.kept) or 'nothing'}")
        if custom.dropped:
            dropped = ", ".join(custom.dropped)
            lines.append(f"    dropped: {style(dropped, _COLORS[Status.WARN])}")
        lines.append(f"    why: {custom.note}")
    return lines


def _claim_line(label: str, claim: ClaimView, style: _Style) -> str:
    value = _compact(claim.value) if claim.present else style("missing", _COLORS[Status.FAIL])
    return f"  {label}: {value}"


def _tokens(shown: Mapping[str, str], style: _Style) -> list[str]:
    lines = [style("Tokens (shown because of --show-tokens)", _BOLD)]
    tokens: Iterable[tuple[str, str]] = shown.items()
    lines += [f"  {name}: {value}" for name, value in tokens]
    if len(lines) == 1:
        lines.append("  none received")
    return lines
