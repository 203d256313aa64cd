from __future__ import annotations

import json
import math
from typing import Any

from oidc_probe import __version__
from oidc_probe.core.model import Status
from oidc_probe.report import Report
from oidc_probe.report.json import render_json
from tests.factories import make_context
from tests.unit.report.builders import (
    ACCESS_TOKEN,
    ID_TOKEN,
    finding,
    full_context,
    sample_findings,
)

TOP_KEYS = {
    "schema_version",
    "tool",
    "target",
    "result",
    "counts",
    "checks",
    "id_token_claims",
    "timings_ms",
    "timeline_ms",
    "access_view",
}
CHECK_KEYS = {
    "id",
    "slug",
    "stage",
    "status",
    "subject",
    "message",
    "hint",
    "refs",
    "evidence",
    "user",
    "accepted",
}


def _data(findings: Any = None, *, ctx: Any = None, show_tokens: bool = False) -> dict[str, Any]:
    report = Report.from_run(
        ctx or full_context(),
        sample_findings() if findings is None else findings,
        show_tokens=show_tokens,
    )
    data: dict[str, Any] = json.loads(render_json(report))
    return data


def test_schema_keys_and_version() -> None:
    data = _data()
    assert set(data) == TOP_KEYS
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "oidc-probe", "version": __version__}
    assert set(data["target"]) == {
        "issuer",
        "client_id",
        "auth_url",
        "token_url",
        "certs_url",
        "issuer_basis",
    }
    assert data["target"]["issuer_basis"]["source"] in {
        "given",
        "cognito-pool",
        "discovery",
        "unconfirmed",
    }
    assert data["result"] == "fail"
    assert data["counts"] == {"pass": 1, "fail": 1, "warn": 1, "info": 1, "skip": 1, "accepted": 0}
    assert all(set(c) == CHECK_KEYS for c in data["checks"])
    assert data["timings_ms"] == {"discovery": 12.3, "token": 48.0}


def test_checks_keep_order_and_carry_values() -> None:
    checks = _data()["checks"]
    assert [c["id"] for c in checks] == ["CFG001", "DSC008", "TOK003", "IDT010", "CLM003"]
    failed = checks[-1]
    assert failed == {
        "id": "CLM003",
        "slug": "configured-claim-present",
        "stage": "claims",
        "status": "fail",
        "subject": "custom:team",
        "message": "'custom:team' is missing",
        "hint": "the attribute is unset or the app client cannot read it",
        "refs": [
            {
                "ref": "CF-generic-oidc",
                "url": "https://developers.cloudflare.com/cloudflare-one/integrations/identity-providers/generic-oidc/",
            }
        ],
        "evidence": {"expected": "present", "actual": "absent"},
        "user": None,
        "accepted": None,
    }


def test_unknown_reference_has_a_null_url() -> None:
    checks = _data([finding(refs=("NOPE-1",))])["checks"]
    assert checks[0]["refs"] == [{"ref": "NOPE-1", "url": None}]


def test_evidence_is_made_json_safe() -> None:
    evidence = {"actual": {"b", "a"}, "expected": math.inf}
    checks = _data([finding(status=Status.FAIL, evidence=evidence)])["checks"]
    assert checks[0]["evidence"] == {"actual": ["a", "b"], "expected": "inf"}


def test_claims_and_access_view() -> None:
    data = _data(ctx=full_context(configured=("cognito:groups", "custom:team")))
    assert data["id_token_claims"]["cognito:groups"] == ["admins", "staff"]
    view = data["access_view"]
    assert {
        k: view[k] for k in ("email_claim_name", "email", "oidc_fields", "missing", "note")
    } == {
        "email_claim_name": "email",
        "email": "user@example.com",
        "oidc_fields": {"cognito:groups": ["admins", "staff"]},
        "missing": ["custom:team"],
        "note": None,
    }
    # Additive keys: the identity Access builds and the trimmed custom claim of its token.
    assert view["identity"]["email"] == "user@example.com"
    assert view["identity"]["idp"] == {"id": None, "type": "oidc"}
    assert "groups" not in view["identity"]  # cognito:groups is not a claim named groups
    assert view["custom"]["claims"] == {"cognito:groups": ["admins", "staff"]}
    assert view["custom"]["dropped"] == []
    assert view["custom"]["approximate"] is True
    assert "UNSETTLED" in view["custom"]["note"]


def test_no_id_token_gives_null_claims() -> None:
    data = _data([], ctx=make_context())
    assert data["id_token_claims"] is None
    assert data["result"] == "pass"
    assert data["access_view"]["email"] is None


def test_tokens_only_with_show_tokens() -> None:
    hidden = _data()
    assert "tokens" not in hidden
    assert ID_TOKEN not in json.dumps(hidden)
    shown = _data(show_tokens=True)
    assert shown["tokens"]["id_token"] == ID_TOKEN
    assert shown["tokens"]["access_token"] == ACCESS_TOKEN
