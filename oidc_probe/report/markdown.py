"""A Markdown report: for a pull-request comment or GitHub's job summary.

Failures and warnings first (a table with hints), the counts, the users of a
multi-user run, what Access will see, then every check in a collapsed section.
Every string from outside goes through :mod:`oidc_probe.plumbing.inert`: cell text
with :func:`~oidc_probe.plumbing.inert.markdown_text` (links, images, autolinks,
mentions, ``#123`` references and HTML inert; ``|`` and newlines cannot break the
table), values in code spans with :func:`~oidc_probe.plumbing.inert.markdown_code`.
"""

from __future__ import annotations

from oidc_probe.core.model import Finding, Status
from oidc_probe.plumbing.inert import markdown_code, markdown_text
from oidc_probe.report.folding import POOL_AUDIT_FOLDED
from oidc_probe.report.lines import evidence_text
from oidc_probe.report.model import AccessView, Report, fold_pool_audit

_ICON = {
    Status.PASS: "pass",
    Status.FAIL: "**FAIL**",
    Status.WARN: "warn",
    Status.INFO: "info",
    Status.SKIP: "skip",
}


def cell(text: str) -> str:
    """Inert cell text; the tool's own line breaks (message, evidence) become ``<br>``."""
    return "<br>".join(markdown_text(line.strip()) for line in text.splitlines()) or " "


def _status(finding: Finding) -> str:
    return "accepted" if finding.accepted else _ICON[finding.status]


def render_markdown(report: Report) -> str:
    counts = report.counts
    result = report.result.value.upper()
    target = report.target
    lines = [
        f"## {report.tool_name}: {result}",
        "",
        f"Issuer {markdown_code(target.issuer)}, client {markdown_code(target.client_id)}, "
        f"{report.tool_name} {report.tool_version}.",
        "",
        "| pass | fail | warn | info | skip | accepted |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {counts.passed} | {counts.failed} | {counts.warned} | {counts.info} "
        f"| {counts.skipped} | {counts.accepted} |",
    ]
    attention = [f for f in report.findings if f.status in (Status.FAIL, Status.WARN) or f.accepted]
    with_user = bool(report.users)
    user_col = " User |" if with_user else ""
    if attention:
        lines += [
            "",
            "### Failures and warnings",
            "",
            f"| Status | Check |{user_col} Subject | Message | Hint |",
            "| --- | --- |" + (" --- |" if with_user else "") + " --- | --- | --- |",
        ]
        for f in attention:
            who = f" {cell(f.user or '(all)')} |" if with_user else ""
            hint = f"accepted: {f.accepted}" if f.accepted else f.hint
            evidence = [
                f"{key}: {evidence_text(f.evidence[key])}"
                for key in ("expected", "actual")
                if key in f.evidence
            ]
            message = "\n".join([f.message, *evidence])
            lines.append(
                f"| {_status(f)} | `{f.check_id}` {f.slug} |{who} {cell(f.subject)} "
                f"| {cell(message)} | {cell(hint)} |"
            )
    if report.users:
        lines += ["", "### Users", "", "| User | Result | Failing checks |", "| --- | --- | --- |"]
        for user in report.users:
            failing = sorted({f.check_id for f in report.user_findings(user.username) if f.failing})
            verdict = "FAIL" if failing else "pass"
            lines.append(f"| {cell(user.username)} | {verdict} | {cell(', '.join(failing))} |")
    views = [(u.username, u.access_view) for u in report.users] or [("", report.access_view)]
    for username, view in views:
        lines += ["", *_access_view(username, view)]
    lines += [
        "",
        f"<details><summary>All checks ({len(report.findings)})</summary>",
        "",
        f"| Status | Check |{user_col} Subject | Message |",
        "| --- | --- |" + (" --- |" if with_user else "") + " --- | --- |",
    ]
    listed, folded = fold_pool_audit(report.findings)
    if folded:
        who = " (all) |" if with_user else ""
        ids = f"`{folded[0].check_id}`-`{folded[-1].check_id}`"
        lines.append(f"| skip | {ids} |{who}   | {POOL_AUDIT_FOLDED} |")
    for f in listed:
        who = f" {cell(f.user or '(all)')} |" if with_user else ""
        lines.append(
            f"| {_status(f)} | `{f.check_id}` {f.slug} |{who} {cell(f.subject)} "
            f"| {cell(f.message)} |"
        )
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _access_view(username: str, view: AccessView) -> list[str]:
    title = (
        f"### What Access will see for {cell(username)}" if username else "### What Access will see"
    )
    lines = [title, ""]
    if view.note:
        lines += [f"_{cell(view.note)}_", ""]
    lines += ["| Claim | Value |", "| --- | --- |"]
    for label, claim in [(f"email ({view.email.name})", view.email)] + [
        (c.name, c) for c in view.oidc_fields
    ]:
        value = markdown_code(evidence_text(claim.value)) if claim.present else f"**{claim.shown}**"
        lines.append(f"| {cell(label)} | {value} |")
    if view.identity is not None:
        groups = view.identity.get("groups")
        shown = markdown_code(evidence_text(groups)) if groups is not None else "none"
        lines.append(f"| groups (only from a claim named `groups`) | {shown} |")
    custom = view.custom
    if custom is not None:
        dropped = ", ".join(custom.dropped) or "nothing"
        lines += [
            "",
            f"Access token `custom` claim: {custom.size} bytes (budget about {custom.budget}, "
            f"approximate); dropped: {cell(dropped)}. _{cell(custom.note)}_",
        ]
    return lines
