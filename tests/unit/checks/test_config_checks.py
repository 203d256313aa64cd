"""CFG001-CFG005: checks of the Cloudflare identity-provider config."""

from __future__ import annotations

import pytest

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.model import Status
from tests.factories import DOMAIN, make_config, make_context
from tests.unit.checks.helpers import by_subject, only, run, text_of

EMULATOR = "http://127.0.0.1:9999"
EMULATOR_POOL = "us-east-1_Emu1ator0"


def emulator_config() -> ProbeConfig:
    return make_config(
        auth_url=f"{EMULATOR}/oauth2/authorize",
        token_url=f"{EMULATOR}/oauth2/token",
        certs_url=f"{EMULATOR}/{EMULATOR_POOL}/.well-known/jwks.json",
    )


# CFG001 config-complete


def test_cfg001_passes_with_every_field_set() -> None:
    finding = only("CFG001", make_context())
    assert finding.status is Status.PASS


def test_cfg001_fails_on_missing_secret_with_env_hint() -> None:
    ctx = make_context(make_config(client_secret=None))
    finding = only("CFG001", ctx)
    assert finding.status is Status.FAIL
    assert finding.subject == "client_secret"
    assert "OIDC_PROBE_CLIENT_SECRET" in finding.hint


def test_cfg001_names_each_placeholder_of_cloudflares_example() -> None:
    config = make_config(
        client_id="<your client id>",
        client_secret="<your client secret>",
        auth_url="https://<your user pool domain>/oauth2/authorize",
    )
    findings = by_subject(run("CFG001", make_context(config)))
    assert set(findings) == {"client_id", "client_secret", "auth_url"}
    assert all(f.status is Status.FAIL for f in findings.values())
    assert findings["client_id"].evidence["actual"] == "<your client id>"
    assert "<your client secret>" not in text_of(findings["client_secret"])


def test_cfg001_says_empty_for_an_empty_value() -> None:
    finding = only("CFG001", make_context(make_config(client_id="  ")))
    assert finding.status is Status.FAIL
    assert finding.message == "client_id is empty"


# CFG002 endpoints-https


def test_cfg002_passes_for_https_urls() -> None:
    findings = run("CFG002", make_context())
    assert [f.subject for f in findings] == ["auth_url", "token_url", "certs_url"]
    assert all(f.status is Status.PASS for f in findings)


def test_cfg002_warns_for_http_on_loopback() -> None:
    findings = run("CFG002", make_context(emulator_config()))
    assert all(f.status is Status.WARN for f in findings)


@pytest.mark.parametrize("host", ["localhost:8080", "[::1]:80", "127.0.0.2"])
def test_cfg002_treats_loopback_hosts_alike(host: str) -> None:
    config = make_config(token_url=f"http://{host}/oauth2/token")
    assert by_subject(run("CFG002", make_context(config)))["token_url"].status is Status.WARN


def test_cfg002_fails_for_http_elsewhere() -> None:
    config = make_config(token_url="http://example.auth.us-east-1.amazoncognito.com/oauth2/token")
    findings = by_subject(run("CFG002", make_context(config)))
    assert findings["token_url"].status is Status.FAIL
    assert findings["token_url"].evidence == {"expected": "https", "actual": "http"}
    assert findings["auth_url"].status is Status.PASS


def test_cfg002_skips_placeholder_urls() -> None:
    config = make_config(auth_url="https://<your user pool domain>/oauth2/authorize")
    assert by_subject(run("CFG002", make_context(config)))["auth_url"].status is Status.SKIP


# CFG003 scopes-usable


def test_cfg003_passes_with_openid_and_email() -> None:
    assert only("CFG003", make_context()).status is Status.PASS


def test_cfg003_fails_without_openid() -> None:
    findings = by_subject(run("CFG003", make_context(make_config(scopes=("email", "profile")))))
    assert findings["openid"].status is Status.FAIL
    assert "openid" in findings["openid"].hint
    assert "email" not in findings


def test_cfg003_warns_without_email() -> None:
    finding = only("CFG003", make_context(make_config(scopes=("openid", "profile"))))
    assert finding.status is Status.WARN
    assert finding.subject == "email"
    assert "Access needs an email" in finding.message


# CFG004 cognito-urls-consistent


def test_cfg004_passes_for_a_consistent_pool() -> None:
    findings = by_subject(run("CFG004", make_context()))
    assert findings["auth_url/token_url"].status is Status.PASS
    assert findings["certs_url"].status is Status.PASS
    assert findings["region"].status is Status.PASS


def test_cfg004_passes_for_the_emulator_on_loopback() -> None:
    findings = by_subject(run("CFG004", make_context(emulator_config())))
    assert findings["auth_url/token_url"].status is Status.PASS
    assert findings["certs_url"].status is Status.PASS
    assert findings["region"].status is Status.SKIP
    assert not any(f.status is Status.FAIL for f in findings.values())


def test_cfg004_fails_when_auth_and_token_hosts_differ() -> None:
    config = make_config(token_url="https://other.auth.us-east-1.amazoncognito.com/oauth2/token")
    finding = by_subject(run("CFG004", make_context(config)))["auth_url/token_url"]
    assert finding.status is Status.FAIL
    assert finding.evidence["actual"] == "other.auth.us-east-1.amazoncognito.com"


def test_cfg004_fails_for_wrong_endpoint_paths() -> None:
    config = make_config(auth_url=f"{DOMAIN}/login")
    finding = by_subject(run("CFG004", make_context(config)))["auth_url/token_url"]
    assert finding.status is Status.FAIL
    assert "/oauth2/authorize" in finding.message


def test_cfg004_fails_when_certs_regions_differ() -> None:
    config = make_config(
        certs_url="https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_Ab12Cd34E/.well-known/jwks.json"
    )
    finding = by_subject(run("CFG004", make_context(config)))["certs_url"]
    assert finding.status is Status.FAIL
    assert "eu-west-1" in finding.message
    assert "us-east-1" in finding.evidence["expected"]


def test_cfg004_fails_when_certs_url_is_not_a_pool_jwks_url() -> None:
    config = make_config(certs_url=f"{DOMAIN}/.well-known/jwks.json")
    finding = by_subject(run("CFG004", make_context(config)))["certs_url"]
    assert finding.status is Status.FAIL
    assert "cognito-idp.<region>.amazonaws.com" in finding.hint


def test_cfg004_fails_when_pool_domain_and_pool_regions_differ() -> None:
    domain = "https://example.auth.eu-west-1.amazoncognito.com"
    config = make_config(auth_url=f"{domain}/oauth2/authorize", token_url=f"{domain}/oauth2/token")
    finding = by_subject(run("CFG004", make_context(config)))["region"]
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": "us-east-1", "actual": "eu-west-1"}


UPDATED_ISSUER = "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E"


def test_cfg004_passes_for_the_updated_issuer_host() -> None:
    config = make_config(certs_url=f"{UPDATED_ISSUER}/.well-known/jwks.json")
    findings = by_subject(run("CFG004", make_context(config)))
    assert {f.status for f in findings.values()} == {Status.PASS}
    assert "issuer-cognito-idp.us-east-1.amazonaws.com" in findings["certs_url"].message


def test_cfg004_keeps_the_updated_host_in_the_expected_url() -> None:
    certs = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/us-east-1_Ab12Cd34E"
    config = make_config(certs_url=f"{certs}/.well-known/jwks.json")
    finding = by_subject(run("CFG004", make_context(config)))["certs_url"]
    assert finding.status is Status.FAIL
    assert finding.evidence["expected"] == f"{UPDATED_ISSUER}/.well-known/jwks.json"


def test_derive_issuer_keeps_either_issuer_host() -> None:
    from oidc_probe.core.config import derive_issuer

    assert derive_issuer(f"{UPDATED_ISSUER}/.well-known/jwks.json") == UPDATED_ISSUER
    original = UPDATED_ISSUER.replace("issuer-cognito-idp", "cognito-idp")
    assert derive_issuer(f"{original}/.well-known/jwks.json") == original


def test_cfg004_skips_for_other_providers() -> None:
    config = make_config(
        auth_url="https://login.example.com/authorize",
        token_url="https://login.example.com/token",
        certs_url="https://login.example.com/jwks",
    )
    finding = only("CFG004", make_context(config))
    assert finding.status is Status.SKIP
    assert "Cognito" in finding.message


def test_cfg004_skips_for_placeholder_urls() -> None:
    config = make_config(
        auth_url="https://<your user pool domain>/oauth2/authorize",
        token_url="https://<your user pool domain>/oauth2/token",
        certs_url="https://cognito-idp.<region>.amazonaws.com/<your user pool ID>"
        "/.well-known/jwks.json",
    )
    finding = only("CFG004", make_context(config))
    assert finding.status is Status.SKIP
    assert "CFG001" in finding.message


# CFG005 basic-auth-safe-credentials


def test_cfg005_passes_for_unreserved_characters() -> None:
    findings = run("CFG005", make_context())
    assert [(f.subject, f.status) for f in findings] == [
        ("client_id", Status.PASS),
        ("client_secret", Status.PASS),
    ]


def test_cfg005_warns_for_a_secret_with_special_characters_without_showing_it() -> None:
    secret = "abc+def/ghi=jk:lm"
    ctx = make_context(make_config(client_secret=secret))
    finding = by_subject(run("CFG005", ctx))["client_secret"]
    assert finding.status is Status.WARN
    assert "client secret" in finding.message
    assert "(4 such characters)" in finding.message
    shown = text_of(finding)
    assert secret not in shown
    for character in "+/=:":
        assert character not in finding.message
        assert all(character not in str(v) for v in finding.evidence.values())
    assert "form-encoding" in finding.hint


def test_cfg005_names_the_offending_characters_of_the_client_id() -> None:
    ctx = make_context(make_config(client_id="client+id"))
    finding = by_subject(run("CFG005", ctx))["client_id"]
    assert finding.status is Status.WARN
    assert "'+'" in finding.message
    assert "(1 such character" in finding.message


def test_cfg005_skips_a_missing_secret() -> None:
    finding = by_subject(run("CFG005", make_context(make_config(client_secret=None))))
    assert finding["client_secret"].status is Status.SKIP
