"""The results page the browser login shows in the user's tab after the run.

One self-contained HTML document: inline CSS, no scripts, no external assets,
every value HTML-escaped. It is built from an already redacted
:class:`~oidc_probe.report.model.Report` and never carries tokens: the ID token
appears only as its decoded header and claims, with the signature redacted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any

from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.plumbing.html_page import page
from oidc_probe.report.folding import POOL_AUDIT_FOLDED
from oidc_probe.report.model import (
    AccessView,
    ClaimView,
    Report,
    Result,
    fold_pool_audit,
    json_safe,
)

TIME_CLAIMS = frozenset({"exp", "iat", "nbf", "auth_time"})
SIGNATURE_REDACTED = "[signature redacted]"

_STATUS_LABELS = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.WARN: "warn",
    Status.INFO: "info",
    Status.SKIP: "skip",
}


def render_results_page(
    report: Report,
    *,
    id_token_header: Mapping[str, Any] | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The results page for a redacted ``report`` (no tokens are shown, even if present)."""
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    sections = [
        _summary(report),
        _access_view(report),
        _checks(report),
        _id_token(report, id_token_header),
        '<footer class="muted">'
        f"{escape(report.tool_name)} {escape(report.tool_version)}, {escape(when)}. "
        "This page was served by the probe on this machine only; it is gone once the "
        "probe exits. Tokens are never shown here.</footer>",
    ]
    return page(f"{report.tool_name}: {report.result.value.upper()}", "\n".join(sections))


def _summary(report: Report) -> str:
    counts = report.counts
    result = report.result
    verdict = (
        "Access should be able to log users in with this provider."
        if result is Result.PASS
        else "At least one check failed: Access logins will fail or miss something. "
        "See the failing checks and their hints below."
    )
    target = report.target
    rows = _rows(
        [
            ("issuer", _code(target.issuer)),
            ("issuer basis", _code(target.issuer_basis)),
            ("client id", _code(target.client_id)),
            ("auth_url", _code(target.auth_url)),
            ("token_url", _code(target.token_url)),
            ("certs_url", _code(target.certs_url)),
            *(("--connect-to", _code(rule)) for rule in target.connect_to),
        ]
    )
    tally = (
        f"{counts.passed} passed, {counts.failed} failed, {counts.warned} warnings, "
        f"{counts.info} info, {counts.skipped} skipped"
    )
    return (
        f'<h1>OpenID Connect check <span class="result {result.value}" id="result">'
        f"{result.value.upper()}</span></h1>\n"
        f'<p id="verdict">{escape(verdict)}</p>\n<p class="muted" id="counts">{escape(tally)}</p>\n'
        f'<div class="card">{rows}</div>'
    )


def _access_view(report: Report) -> str:
    view = report.access_view
    note = f'<p class="hint">{escape(view.note)}</p>' if view.note else ""
    rows = [(f"email <span class='muted'>({escape(view.email.name)})</span>", _claim(view.email))]
    fields = [(escape(c.name), _claim(c)) for c in view.oidc_fields]
    fields_html = (
        f"<h3>oidc_fields (the configured claims)</h3><div class='card'>{_rows(fields)}</div>"
        if fields
        else '<p class="muted">No custom claims are configured (oidc_fields is empty).</p>'
    )
    return (
        '<h2 id="access">What Access will see</h2>\n'
        f'{note}<div class="card">{_rows(rows)}</div>\n{fields_html}'
        f"{_identity(view)}{_custom(view)}"
    )


def _identity(view: AccessView) -> str:
    """The get-identity shape Access builds (as in the JSON and text reports)."""
    if view.identity is None:
        return ""
    groups = view.identity.get("groups")
    shown = (
        _code(_json(groups))
        if groups is not None
        else '<span class="muted">none (no claim named &#x27;groups&#x27;)</span>'
    )
    rows = [
        ("groups <span class='muted'>(IdP groups, only from a claim named 'groups')</span>", shown),
        ("identity <span class='muted'>(get-identity)</span>", _pre(view.identity)),
    ]
    return f"\n<h3>identity</h3><div class='card' id='identity'>{_rows(rows)}</div>"


def _custom(view: AccessView) -> str:
    """The ``custom`` claim of the Access application token after trimming."""
    custom = view.custom
    if custom is None:
        return ""
    dropped = (
        f'<span class="status warn">{escape(", ".join(custom.dropped))}</span>'
        if custom.dropped
        else '<span class="muted">nothing</span>'
    )
    rows = [
        ("size", escape(f"{custom.size} bytes, budget about {custom.budget} (approximate)")),
        ("kept", _pre(custom.kept)),
        ("dropped", dropped),
    ]
    return (
        "\n<h3>custom claim of the Access token</h3>"
        f"<div class='card' id='custom'>{_rows(rows)}"
        f'<p class="muted">{escape(custom.note)}</p></div>'
    )


def _pre(value: Any) -> str:
    text = json.dumps(json_safe(value), ensure_ascii=False, indent=2)
    return f"<pre><code>{escape(text)}</code></pre>"


def _claim(claim: ClaimView) -> str:
    if claim.unknown:
        return f'<span class="missing">{escape(claim.unknown)}</span>'
    if not claim.present:
        return '<span class="missing">missing from the ID token</span>'
    return _code(_json(claim.value))


def _checks(report: Report) -> str:
    parts = ['<h2 id="checks">Checks</h2>']
    listed, folded = fold_pool_audit(report.findings)
    for stage in Stage:
        if stage is Stage.POOL and folded:
            parts.append(
                f'<h3>{escape(stage.title)}</h3>\n<div class="card"><p>'
                f"{escape(POOL_AUDIT_FOLDED)}</p></div>"
            )
            continue
        findings = [f for f in listed if f.stage is stage]
        if not findings:
            continue
        rows = "".join(_finding_row(f) for f in findings)
        parts.append(
            f'<h3>{escape(stage.title)}</h3>\n<div class="card"><table>{rows}</table></div>'
        )
    return "\n".join(parts)


def _finding_row(finding: Finding) -> str:
    label = _STATUS_LABELS[finding.status]
    subject = f' <span class="muted">[{escape(finding.subject)}]</span>' if finding.subject else ""
    details = ""
    if finding.status in (Status.FAIL, Status.WARN):
        if finding.hint:
            details += (
                f'<div class="hint"><strong>How to fix:</strong> {escape(finding.hint)}</div>'
            )
        for key in ("expected", "actual"):
            if key in finding.evidence:
                details += (
                    f'<div class="evidence">{key}: '
                    f"{_code(_json(finding.evidence[key], limit=600))}</div>"
                )
    return (
        f'<tr class="finding {label}" id="{escape(finding.check_id)}">'
        f'<td><span class="status {label}">{label}</span></td>'
        f'<td class="check-id"><code>{escape(finding.check_id)}</code><br>'
        f'<span class="muted">{escape(finding.slug)}</span></td>'
        f"<td>{escape(finding.message)}{subject}{details}</td></tr>"
    )


def _id_token(report: Report, header: Mapping[str, Any] | None) -> str:
    claims = report.id_token_claims
    if claims is None:
        return (
            '<h2 id="id-token">ID token</h2>\n'
            '<p class="muted">No ID token was obtained in this run.</p>'
        )
    header_rows = _rows([(escape(str(k)), _code(_json(v))) for k, v in (header or {}).items()])
    claim_rows = _rows([(escape(str(k)), _claim_value(str(k), v)) for k, v in claims.items()])
    return (
        '<h2 id="id-token">ID token (decoded)</h2>\n'
        f"<h3>header</h3><div class='card'>{header_rows or '<span class=muted>unknown</span>'}</div>\n"
        f"<h3>claims</h3><div class='card' id='claims'>{claim_rows}</div>\n"
        f"<h3>signature</h3><div class='card'><code>{SIGNATURE_REDACTED}</code></div>"
    )


def _claim_value(name: str, value: Any) -> str:
    shown = _code(_json(value))
    if name in TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            when = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            return shown
        shown += f' <span class="muted">({escape(when)})</span>'
    return shown


def _rows(rows: list[tuple[str, str]]) -> str:
    """Rows of ``(label HTML, value HTML)``; callers escape."""
    if not rows:
        return ""
    return "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _json(value: Any, *, limit: int | None = None) -> str:
    text = value if isinstance(value, str) else json.dumps(json_safe(value), ensure_ascii=False)
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"... ({len(text)} characters)"
    return text
