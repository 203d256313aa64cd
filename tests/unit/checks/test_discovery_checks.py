"""DSC001-DSC008: checks of the discovery document."""

from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.model import Status
from oidc_probe.core.settings import ClientAuth, RunSettings
from tests.factories import (
    DOMAIN,
    ISSUER,
    failed_exchange,
    html_exchange,
    json_exchange,
    make_config,
    make_context,
)
from tests.unit.checks.helpers import by_subject, only, run

DISCOVERY_URL = f"{ISSUER}/.well-known/openid-configuration"
DSC_IDS = [f"DSC00{i}" for i in range(1, 9)]


def cognito_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "authorization_endpoint": f"{DOMAIN}/oauth2/authorize",
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": ISSUER,
        "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": f"{DOMAIN}/oauth2/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": f"{DOMAIN}/oauth2/userInfo",
    }
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def ctx_with(document: Any = None, fetch: HttpExchange | None = None, **kwargs: Any) -> RunContext:
    if fetch is None:
        fetch = json_exchange(DISCOVERY_URL, cognito_document() if document is None else document)
    return make_context(discovery_fetch=fetch, **kwargs)


@pytest.mark.parametrize("check_id", DSC_IDS)
def test_cognitos_document_fails_nothing(check_id: str) -> None:
    ctx = ctx_with(config=make_config(pkce_enabled=True))
    assert all(f.status is not Status.FAIL for f in run(check_id, ctx))


@pytest.mark.parametrize("check_id", DSC_IDS)
def test_every_check_skips_without_a_discovery_fetch(check_id: str) -> None:
    ctx = make_context(config=make_config(pkce_enabled=True))
    ctx.stopped["discovery"] = "the issuer is not a usable URL"
    findings = run(check_id, ctx)
    assert [f.status for f in findings] == [Status.SKIP]


@pytest.mark.parametrize("check_id", DSC_IDS[1:])
def test_later_checks_skip_naming_dsc001_when_the_fetch_failed(check_id: str) -> None:
    fetch = failed_exchange(DISCOVERY_URL, "connection refused")
    ctx = make_context(config=make_config(pkce_enabled=True), discovery_fetch=fetch)
    finding = only(check_id, ctx)
    assert finding.status is Status.SKIP
    assert "DSC001" in finding.message


# DSC001 discovery-reachable


def test_dsc001_passes_for_a_json_object() -> None:
    finding = only("DSC001", ctx_with())
    assert finding.status is Status.PASS
    assert DISCOVERY_URL in finding.message


def test_dsc001_skip_names_the_stage_reason() -> None:
    ctx = make_context()
    ctx.stopped["discovery"] = "the issuer is not a usable URL"
    assert "not a usable URL" in only("DSC001", ctx).message


def test_dsc001_fails_on_transport_error_naming_url_and_cause() -> None:
    finding = only("DSC001", ctx_with(fetch=failed_exchange(DISCOVERY_URL, "connection refused")))
    assert finding.status is Status.FAIL
    assert DISCOVERY_URL in finding.message
    assert "connection refused" in finding.message
    assert "certs_url" in finding.hint


def test_dsc001_fails_on_404() -> None:
    fetch = json_exchange(DISCOVERY_URL, {"message": "not found"}, status=404)
    finding = only("DSC001", ctx_with(fetch=fetch))
    assert finding.status is Status.FAIL
    assert "HTTP 404" in finding.message


def test_dsc001_fails_on_html() -> None:
    fetch = html_exchange(DISCOVERY_URL, "<!DOCTYPE html><html></html>")
    finding = only("DSC001", ctx_with(fetch=fetch))
    assert finding.status is Status.FAIL
    assert "HTML" in finding.message


def test_dsc001_fails_on_a_json_array() -> None:
    finding = only("DSC001", ctx_with(fetch=json_exchange(DISCOVERY_URL, ["issuer"])))
    assert finding.status is Status.FAIL
    assert "instead of an object" in finding.message


# DSC002 discovery-issuer-matches


def test_dsc002_passes_for_the_same_issuer() -> None:
    assert only("DSC002", ctx_with()).status is Status.PASS


def test_dsc002_fails_for_another_issuer() -> None:
    other = ISSUER + "/"
    finding = only("DSC002", ctx_with(cognito_document(issuer=other)))
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": ISSUER, "actual": other}
    assert "trailing slash" in finding.hint


def test_dsc002_compares_against_the_run_issuer() -> None:
    settings = RunSettings(issuer="https://issuer.example")
    finding = only("DSC002", ctx_with(settings=settings))
    assert finding.status is Status.FAIL
    assert finding.evidence["expected"] == "https://issuer.example"


def test_dsc002_skips_when_the_document_has_no_issuer() -> None:
    finding = only("DSC002", ctx_with(cognito_document(issuer=None)))
    assert finding.status is Status.SKIP
    assert "DSC004" in finding.message


# DSC003 discovery-endpoints-match-config


def test_dsc003_passes_per_pair() -> None:
    findings = run("DSC003", ctx_with())
    assert [(f.subject, f.status) for f in findings] == [
        ("auth_url", Status.PASS),
        ("token_url", Status.PASS),
        ("certs_url", Status.PASS),
    ]


def test_dsc003_names_each_mismatch() -> None:
    other = "https://other.auth.us-east-1.amazoncognito.com/oauth2/token"
    findings = by_subject(run("DSC003", ctx_with(cognito_document(token_endpoint=other))))
    assert findings["token_url"].status is Status.FAIL
    assert findings["token_url"].evidence == {"expected": other, "actual": f"{DOMAIN}/oauth2/token"}
    assert other in findings["token_url"].hint
    assert "custom domain" in findings["token_url"].hint
    assert findings["auth_url"].status is Status.PASS


def test_dsc003_skips_a_pair_missing_from_the_document() -> None:
    findings = by_subject(run("DSC003", ctx_with(cognito_document(jwks_uri=None))))
    assert findings["certs_url"].status is Status.SKIP
    assert "DSC004" in findings["certs_url"].message


# DSC004 discovery-required-metadata


def test_dsc004_passes_for_cognitos_document() -> None:
    assert only("DSC004", ctx_with()).status is Status.PASS


def test_dsc004_names_each_missing_field() -> None:
    document = cognito_document(jwks_uri=None, subject_types_supported=None)
    findings = by_subject(run("DSC004", ctx_with(document)))
    assert set(findings) == {"jwks_uri", "subject_types_supported"}
    assert all(f.status is Status.FAIL for f in findings.values())


def test_dsc004_fails_without_code_response_type() -> None:
    document = cognito_document(response_types_supported=["id_token", "token id_token"])
    finding = only("DSC004", ctx_with(document))
    assert finding.status is Status.FAIL
    assert finding.subject == "response_types_supported"
    assert "code" in finding.message


def test_dsc004_does_not_require_token_endpoint_for_implicit_only_providers() -> None:
    document = cognito_document(token_endpoint=None, response_types_supported=["id_token"])
    findings = run("DSC004", ctx_with(document))
    assert [f.subject for f in findings] == ["response_types_supported"]


def test_dsc004_fails_for_wrong_types() -> None:
    document = cognito_document(issuer=42, id_token_signing_alg_values_supported="RS256")
    findings = by_subject(run("DSC004", ctx_with(document)))
    assert set(findings) == {"issuer", "id_token_signing_alg_values_supported"}


# DSC005 discovery-scopes-supported


def test_dsc005_passes_when_every_scope_is_listed() -> None:
    assert only("DSC005", ctx_with()).status is Status.PASS


def test_dsc005_warns_per_unlisted_scope() -> None:
    ctx = ctx_with(config=make_config(scopes=("openid", "email", "groups")))
    finding = only("DSC005", ctx)
    assert finding.status is Status.WARN
    assert finding.subject == "groups"
    assert "allowed OAuth scopes" in finding.hint


def test_dsc005_is_info_when_scopes_are_not_listed() -> None:
    assert only("DSC005", ctx_with(cognito_document(scopes_supported=None))).status is Status.INFO


# DSC006 discovery-client-auth-basic


def test_dsc006_passes_when_basic_is_listed() -> None:
    assert only("DSC006", ctx_with()).status is Status.PASS


def test_dsc006_passes_with_a_note_when_methods_are_absent() -> None:
    document = cognito_document(token_endpoint_auth_methods_supported=None)
    finding = only("DSC006", ctx_with(document))
    assert finding.status is Status.PASS
    assert "default" in finding.message


def test_dsc006_only_warns_without_basic() -> None:
    # No Cloudflare source names the client authentication of Access (issue 24 item 7):
    # https://developers.cloudflare.com/cloudflare-one/integrations/identity-providers/generic-oidc/
    document = cognito_document(token_endpoint_auth_methods_supported=["client_secret_post"])
    finding = only("DSC006", ctx_with(document))
    assert finding.status is Status.WARN
    assert "assumed" in finding.message
    assert finding.subject == "client_secret_basic"


def test_dsc006_warns_when_the_probe_method_is_not_listed() -> None:
    document = cognito_document(token_endpoint_auth_methods_supported=["client_secret_basic"])
    settings = RunSettings(issuer=ISSUER, client_auth=ClientAuth.POST)
    findings = by_subject(run("DSC006", ctx_with(document, settings=settings)))
    assert findings["client_secret_basic"].status is Status.PASS
    assert findings["client_secret_post"].status is Status.WARN


# DSC007 discovery-alg-accepted-by-cloudflare


def test_dsc007_passes_for_rs256() -> None:
    assert only("DSC007", ctx_with()).status is Status.PASS


def test_dsc007_fails_without_an_access_algorithm() -> None:
    document = cognito_document(id_token_signing_alg_values_supported=["HS256", "RS384"])
    findings = run("DSC007", ctx_with(document))
    failure = next(f for f in findings if f.status is Status.FAIL)
    assert "RS256" in failure.evidence["expected"]
    assert failure.evidence["actual"] == ["HS256", "RS384"]
    assert by_subject(findings)["HS256"].status is Status.WARN


def test_dsc007_warns_about_none() -> None:
    document = cognito_document(id_token_signing_alg_values_supported=["RS256", "none"])
    findings = by_subject(run("DSC007", ctx_with(document)))
    assert findings[""].status is Status.PASS
    assert findings["none"].status is Status.WARN


def test_dsc007_is_information_once_the_clients_token_verified_with_rs256() -> None:
    from oidc_probe.core.artefacts import SignatureResult

    document = cognito_document(id_token_signing_alg_values_supported=["RS256", "none", "HS256"])
    ctx = ctx_with(document)
    ctx.signature = SignatureResult("RS256", "k1", True, True, "verified")
    findings = by_subject(run("DSC007", ctx))
    assert findings["none"].status is Status.INFO
    assert findings["HS256"].status is Status.INFO
    assert "signed RS256 and verified" in findings["HS256"].message
    ctx.signature = SignatureResult("RS256", "k1", True, False, "bad signature")
    assert by_subject(run("DSC007", ctx))["none"].status is Status.WARN


# DSC008 discovery-pkce-s256


def test_dsc008_passes_when_s256_is_listed() -> None:
    document = cognito_document(code_challenge_methods_supported=["plain", "S256"])
    ctx = ctx_with(document, config=make_config(pkce_enabled=True))
    assert only("DSC008", ctx).status is Status.PASS


def test_dsc008_fails_when_methods_lack_s256() -> None:
    document = cognito_document(code_challenge_methods_supported=["plain"])
    finding = only("DSC008", ctx_with(document, config=make_config(pkce_enabled=True)))
    assert finding.status is Status.FAIL
    assert "pkce_enabled" in finding.hint


def test_dsc008_is_info_when_not_listed_with_a_cognito_note() -> None:
    finding = only("DSC008", ctx_with(config=make_config(pkce_enabled=True)))
    assert finding.status is Status.INFO
    assert "Cognito" in finding.hint


def test_dsc008_skips_when_pkce_is_disabled() -> None:
    document = cognito_document(code_challenge_methods_supported=["plain"])
    finding = only("DSC008", ctx_with(document))
    assert finding.status is Status.SKIP
    assert "pkce_enabled" in finding.message


# Issue 19 item 3: a discovery-only worry the same run proves wrong is not a failure.


def test_dsc006_warns_when_the_basic_exchange_succeeded_anyway() -> None:
    document = cognito_document(token_endpoint_auth_methods_supported=["client_secret_post"])
    ctx = ctx_with(document)
    ctx.token_fetch = json_exchange(f"{DOMAIN}/oauth2/token", {"id_token": "x"})
    finding = only("DSC006", ctx)
    assert finding.status is Status.WARN
    assert "authenticated with it and succeeded" in finding.message


def test_dsc007_notes_none_as_offered_not_used_when_the_token_verified() -> None:
    from oidc_probe.core.context import SignatureResult

    document = cognito_document(id_token_signing_alg_values_supported=["RS256", "none"])
    ctx = ctx_with(document)
    ctx.signature = SignatureResult("RS256", "k", True, True)
    found = by_subject(run("DSC007", ctx))
    assert found["none"].status is Status.INFO
    assert "signed RS256 and verified" in found["none"].message


def test_dsc007_warns_when_no_listed_alg_is_accepted_but_the_token_verified() -> None:
    from oidc_probe.core.context import SignatureResult

    document = cognito_document(id_token_signing_alg_values_supported=["HS256"])
    ctx = ctx_with(document)
    ctx.signature = SignatureResult("RS256", "k", True, True)
    statuses = {f.status for f in run("DSC007", ctx)}
    assert statuses == {Status.WARN, Status.INFO}


def test_dsc003_warns_when_the_login_through_the_other_domain_worked() -> None:
    """Issue 19: the hint calls a custom domain expected, so a run that proves it works warns."""
    from oidc_probe.core.context import SignatureResult

    document = cognito_document(token_endpoint="https://auth.example.com/oauth2/token")
    ctx = ctx_with(document)
    ctx.token_fetch = json_exchange(f"{DOMAIN}/oauth2/token", {"id_token": "x"})
    ctx.signature = SignatureResult("RS256", "k", True, True)
    found = by_subject(run("DSC003", ctx))
    assert found["token_url"].status is Status.WARN
    assert "the ID token it brought verifies" in found["token_url"].message
    ctx.signature = SignatureResult("RS256", "k", True, None)
    assert by_subject(run("DSC003", ctx))["token_url"].status is Status.FAIL
