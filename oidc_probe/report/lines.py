"""Plain-text pieces of a finding shared by the CI formats (JUnit, GitHub, Markdown)."""

from __future__ import annotations

import json
from typing import Any

from oidc_probe.core.model import Finding
from oidc_probe.report.model import json_safe

EVIDENCE_LIMIT = 400


def finding_title(finding: Finding, *, with_user: bool = True) -> str:
    """``CLM003 configured-claim-present [name] (alice)``."""
    subject = f" [{finding.subject}]" if finding.subject else ""
    user = f" ({finding.user})" if with_user and finding.user else ""
    return f"{finding.check_id} {finding.slug}{subject}{user}"


def evidence_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(json_safe(value), ensure_ascii=False)
    if len(text) > EVIDENCE_LIMIT:
        text = text[:EVIDENCE_LIMIT] + f"... ({len(text)} characters)"
    return text


def finding_details(finding: Finding) -> str:
    """The message, hint, evidence and where to read more, one item per line."""
    lines = [finding.message]
    if finding.accepted:
        lines.append(f"accepted by the baseline: {finding.accepted}")
    if finding.hint:
        lines.append(f"hint: {finding.hint}")
    for key in ("expected", "actual"):
        if key in finding.evidence:
            lines.append(f"{key}: {evidence_text(finding.evidence[key])}")
    lines.append(f"see: oidc-probe explain {finding.check_id}")
    return "\n".join(lines)
