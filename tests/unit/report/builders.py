"""Hand-made findings and run contexts for report, redaction and CLI tests."""

from __future__ import annotations

from typing import Any

from oidc_probe.access.derived import derive_views
from oidc_probe.core.context import AuthorizationRequest, DecodedJwt, LoginResult, RunContext
from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.core.settings import RunSettings
from tests.factories import DOMAIN, ISSUER, json_exchange, make_config, make_context

CLIENT_SECRET = "s3cr3t-value-for-tests"
PASSWORD = "Corr3ct-Horse-Battery"
CODE = "auth-code-9f8e7d6c"
VERIFIER = "verifier-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG"
ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl-id"
ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2ln-access"
REFRESH_TOKEN = "refresh-token-opaque-value-42"
CLAIMS: dict[str, Any] = {
    "sub": "4f8e2b1c-9d3a-4c57-8e21-6b0a9f3d7c15",
    "email": "user@example.com",
    "email_verified": True,
    "cognito:groups": ["admins", "staff"],
}


def finding(
    check_id: str = "CLM003",
    status: Status = Status.PASS,
    *,
    stage: Stage = Stage.CLAIMS,
    slug: str = "configured-claim-present",
    message: str = "a message",
    hint: str = "",
    subject: str = "",
    refs: tuple[str, ...] = ("CF-generic-oidc",),
    evidence: dict[str, Any] | None = None,
) -> Finding:
    return Finding(
        check_id=check_id,
        slug=slug,
        stage=stage,
        status=status,
        message=message,
        hint=hint,
        subject=subject,
        refs=refs,
        evidence=evidence or {},
    )


def sample_findings() -> list[Finding]:
    """One finding of each status over several stages, the failure with hint and evidence."""
    return [
        finding(
            "CFG001", Status.PASS, stage=Stage.CONFIG, slug="config-complete", message="all set"
        ),
        finding(
            "DSC008",
            Status.SKIP,
            stage=Stage.DISCOVERY,
            slug="discovery-pkce-s256",
            message="pkce_enabled is false",
        ),
        finding(
            "TOK003",
            Status.WARN,
            stage=Stage.TOKEN,
            slug="token-response-no-store",
            message="no Cache-Control: no-store",
            hint="set Cache-Control: no-store",
        ),
        finding(
            "IDT010",
            Status.INFO,
            stage=Stage.ID_TOKEN,
            slug="id-token-at-hash-valid",
            message="no at_hash",
        ),
        finding(
            "CLM003",
            Status.FAIL,
            subject="custom:team",
            message="'custom:team' is missing",
            hint="the attribute is unset or the app client cannot read it",
            evidence={"expected": "present", "actual": "absent"},
        ),
    ]


def full_context(
    claims: dict[str, Any] | None = None, *, configured: tuple[str, ...] = ("cognito:groups",)
) -> RunContext:
    """A context as after a complete run: authorization, callback, token response, ID token."""
    config = make_config(client_secret=CLIENT_SECRET, claims=configured)
    settings = RunSettings(issuer=ISSUER, username="user", password=PASSWORD)
    token_body = {
        "id_token": ID_TOKEN,
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    ctx = make_context(
        config,
        settings,
        authorization=AuthorizationRequest(
            url=f"{DOMAIN}/oauth2/authorize?client_id=x",
            state="state-value-abcdef",
            nonce="nonce-value-abcdef",
            redirect_uri="http://localhost:8765/callback",
            scope="openid email profile",
            code_verifier=VERIFIER,
        ),
        login=LoginResult(callback_params={"code": CODE, "state": "state-value-abcdef"}),
        token_fetch=json_exchange(f"{DOMAIN}/oauth2/token", token_body, method="POST"),
        id_token=DecodedJwt(raw=ID_TOKEN, header={"alg": "RS256"}, claims=claims or CLAIMS),
        timings_ms={"discovery": 12.345, "token": 48.0},
    )
    derive_views(ctx)  # as the run does before the checks
    return ctx
