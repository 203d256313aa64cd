"""Machine output, ``schema_version`` 1.

Shape::

    {"schema_version": 1,
     "tool": {"name", "version"},
     "target": {"issuer", "client_id", "auth_url", "token_url", "certs_url",
                "connect_to"},   # connect_to: the --connect-to rules, only when given
     "result": "pass" | "fail",
     "counts": {"pass", "fail", "warn", "info", "skip", "accepted"},
     "checks": [{"id", "slug", "stage", "status", "subject", "message", "hint",
                 "refs", "evidence", "user", "accepted"}],
     "id_token_claims": {...} | null,
     "timings_ms": {...},
     "timeline_ms": {"<stage>": {"start", "end"}},
     "access_view": {"email_claim_name", "email", "oidc_fields", "missing", "note",
                     "identity", "custom"},
     "tokens": {...},            # only with --show-tokens
     "users": [{"username", "result", "counts", "id_token_claims", "access_view",
                "tokens"}]}      # only for a multi-user run (--users)

- ``stage`` is the stage key (``config``, ``discovery``, ``jwks``, ...).
- ``refs`` is a list of objects ``{"ref": "RFC6749-2.3.1", "url": "https://..."}``;
  ``url`` is null for a reference the tool has no URL for.
- ``evidence`` is an object, usually with ``expected`` and/or ``actual``; empty when
  the check gave none. Values are JSON data of any type.
- ``access_view.oidc_fields`` maps each configured claim present in the ID token to
  its value; ``access_view.missing`` lists the configured claims that are absent;
  ``access_view.email`` is null when the email claim is absent.
- ``timings_ms`` maps each stage key to its duration; ``timeline_ms`` to when it
  started and ended, in ms since the run began. Stages overlap (discovery and the JWKS
  are fetched during the login, userinfo while the ID token is verified), so the
  durations can add up to more than the run took.
- ``access_view.identity`` is the identity Access builds (get-identity's ``email``,
  ``idp``, ``groups`` only from a claim named ``groups``, ``oidc_fields``);
  ``access_view.custom`` is the application token's ``custom`` claim after trimming:
  ``{"claims", "dropped", "size", "budget", "approximate", "note"}``. Both are null
  without ID-token claims.
- ``user`` is the username a finding is about in a multi-user run, else null.
- ``accepted`` is the baseline's reason when a failure or warning is accepted
  (``--baseline``), else null; accepted findings keep their ``status`` but count
  under ``counts.accepted`` only and do not fail the run.
- ``result`` follows ``--fail-on``: with ``--fail-on warn`` warnings make it ``fail``.
- In a multi-user run the top-level ``id_token_claims`` is null and ``access_view``
  says to look at ``users``; each user has its own.

A report of :data:`ONE_LINE_ITEMS_FROM` checks or more (``verify`` of many tokens, a
large ``--users`` run) writes each item of ``checks`` and ``users`` on one line.

New keys may be added within a schema version; existing keys keep their meaning.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from typing import Any

from oidc_probe.core.model import Finding
from oidc_probe.core.refs import UnknownReference, ref_url
from oidc_probe.report.model import AccessView, Report, UserSection, json_safe

SCHEMA_VERSION = 1


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON data (before serialisation)."""
    target = report.target
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": report.tool_name, "version": report.tool_version},
        "target": {
            "issuer": target.issuer,
            "client_id": target.client_id,
            "auth_url": target.auth_url,
            "token_url": target.token_url,
            "certs_url": target.certs_url,
            **({"connect_to": list(target.connect_to)} if target.connect_to else {}),
            "issuer_basis": {
                "source": target.issuer_source,
                "discovery_url": target.issuer_discovery_url,
            },
        },
        "result": report.result.value,
        "counts": report.counts.as_dict(),
        "checks": [_check(f) for f in report.findings],
        "id_token_claims": json_safe(report.id_token_claims),
        "timings_ms": {k: round(v, 1) for k, v in report.timings_ms.items()},
        "timeline_ms": {
            k: {"start": round(a, 1), "end": round(b, 1)}
            for k, (a, b) in report.timeline_ms.items()
        },
        "access_view": _access_view(report),
    }
    if report.tokens is not None:
        data["tokens"] = dict(report.tokens)
    if report.users:
        data["users"] = [_user(report, u) for u in report.users]
    return data


def _user(report: Report, user: UserSection) -> dict[str, Any]:
    findings = report.user_findings(user.username)
    sub = replace(report, findings=findings, users=())
    data: dict[str, Any] = {
        "username": user.username,
        "result": sub.result.value,
        "counts": sub.counts.as_dict(),
        "id_token_claims": json_safe(user.id_token_claims),
        "access_view": _view(user.access_view),
    }
    if user.tokens is not None:
        data["tokens"] = dict(user.tokens)
    return data


def render_json(report: Report) -> str:
    """The report, indented; a large one with each check and each user on a line of its own.

    ``json.dumps`` with ``indent`` runs the pure-Python encoder, which cost more than
    the checks themselves in a ``verify`` of many tokens (about 0.6 ms per token); past
    :data:`ONE_LINE_ITEMS_FROM` checks the items of the top-level lists are encoded by
    the C encoder, one per line: the same data, still readable and grep-able.
    """
    data = report_data(report)
    if len(data["checks"]) < ONE_LINE_ITEMS_FROM:
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return _one_line_items(data)


ONE_LINE_ITEMS_FROM = 500


def _one_line_items(data: dict[str, Any]) -> str:
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    lines = ["{"]
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < last else ""
        if isinstance(value, list) and value:
            lines.append(f"  {dumps(key)}: [")
            lines.append(",\n".join(f"    {dumps(item)}" for item in value))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {dumps(key)}: {dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ref_object(ref: str) -> dict[str, str | None]:
    return {"ref": ref, "url": _url(ref)}


@functools.cache
def _url(ref: str) -> str | None:
    """The URL of ``ref`` (``None`` if unknown); a few dozen references, met per finding."""
    try:
        return ref_url(ref)
    except UnknownReference:
        return None


def _check(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.check_id,
        "slug": finding.slug,
        "stage": finding.stage.key,
        "status": finding.status.value,
        "subject": finding.subject,
        "message": finding.message,
        "hint": finding.hint,
        "refs": [ref_object(r) for r in finding.refs],
        "evidence": json_safe(finding.evidence),
        "user": finding.user or None,
        "accepted": finding.accepted or None,
    }


def _access_view(report: Report) -> dict[str, Any]:
    return _view(report.access_view)


def _view(view: AccessView) -> dict[str, Any]:
    return {
        "email_claim_name": view.email.name,
        "email": json_safe(view.email.value) if view.email.present else None,
        "oidc_fields": {c.name: json_safe(c.value) for c in view.oidc_fields if c.present},
        "missing": [c.name for c in view.oidc_fields if not c.present],
        "note": view.note or None,
        "identity": json_safe(view.identity) if view.identity is not None else None,
        "custom": _custom(view),
    }


def _custom(view: AccessView) -> dict[str, Any] | None:
    custom = view.custom
    if custom is None:
        return None
    return {
        "claims": json_safe(custom.kept),
        "dropped": list(custom.dropped),
        "size": custom.size,
        "budget": custom.budget,
        "approximate": True,
        "note": custom.note,
    }
