"""Unit tests of the ID-token checks IDT001-IDT012."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from oidc_probe.core.context import DecodedJwt, LoginResult, RunContext, SignatureResult
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from tests.factories import ISSUER, NOW, failed_exchange, json_exchange, make_config, make_context
from tests.unit.checks.helpers import only, run, text_of
from tests.unit.checks.token_fixtures import (
    ACCESS_TOKEN,
    CLIENT_ID,
    KIDS,
    NONCE,
    assert_documented,
    at_hash,
    healthy_context,
    secrets_in,
)

IDT_IDS = [f"IDT{n:03d}" for n in range(1, 19)]


@pytest.mark.parametrize("check_id", IDT_IDS)
def test_healthy_token_passes(check_id: str) -> None:
    finding = only(check_id, healthy_context())
    assert finding.status is Status.PASS, finding


@pytest.mark.parametrize("check_id", IDT_IDS)
def test_documented(check_id: str) -> None:
    assert_documented(check_id)


# IDT001 id-token-well-formed


def test_idt001_skips_when_token_exchange_failed() -> None:
    ctx = healthy_context(
        id_token=None,
        signature=None,
        token_fetch=failed_exchange(make_config().token_url, "connection refused", "POST"),
    )
    finding = only("IDT001", ctx)
    assert finding.status is Status.SKIP
    assert "TOK001" in finding.message


def test_idt001_skips_when_login_did_not_finish() -> None:
    ctx = healthy_context(id_token=None, token_fetch=None, login=LoginResult(login_error="bad"))
    finding = only("IDT001", ctx)
    assert finding.status is Status.SKIP
    assert "AUT002" in finding.message


def test_idt001_skips_when_response_has_no_id_token() -> None:
    token_fetch = json_exchange(make_config().token_url, {"access_token": "x" * 20}, method="POST")
    finding = only("IDT001", healthy_context(id_token=None, token_fetch=token_fetch))
    assert finding.status is Status.SKIP
    assert "TOK002" in finding.message


def test_idt001_fails_for_two_segments() -> None:
    token = DecodedJwt(raw="abc.def", error="not a compact JWS")
    finding = only("IDT001", healthy_context(id_token=token))
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": "3 segments", "actual": "2 segment(s)"}


def test_idt001_fails_for_encrypted_token() -> None:
    token = DecodedJwt(raw="a.b.c.d.e", error="not a compact JWS")
    finding = only("IDT001", healthy_context(id_token=token))
    assert finding.status is Status.FAIL
    assert "encrypted" in finding.message
    assert "encryption" in finding.hint


def test_idt001_fails_when_payload_is_not_json() -> None:
    token = DecodedJwt(
        raw="eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        header={"alg": "RS256"},
        error="payload is not JSON",
    )
    finding = only("IDT001", healthy_context(id_token=token))
    assert finding.status is Status.FAIL
    assert "payload is not JSON" in finding.message


def test_idt001_fails_when_header_missing_without_error() -> None:
    token = DecodedJwt(raw="a.b.c", header=None, claims={"sub": "x"})
    assert only("IDT001", healthy_context(id_token=token)).status is Status.FAIL


# IDT002 id-token-alg-accepted


@pytest.mark.parametrize("alg", ["RS256", "RS512", "PS512", "ES256", "ES384", "ES512"])
def test_idt002_passes_accepted_algorithms(alg: str) -> None:
    finding = only("IDT002", healthy_context(header={"alg": alg, "kid": KIDS[0]}))
    assert finding.status is Status.PASS
    assert finding.evidence["actual"] == alg


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_idt002_fails_unsigned(alg: str) -> None:
    finding = only("IDT002", healthy_context(header={"alg": alg}))
    assert finding.status is Status.FAIL
    assert "unsigned" in finding.message


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_idt002_fails_hmac_as_key_confusion(alg: str) -> None:
    finding = only("IDT002", healthy_context(header={"alg": alg, "kid": KIDS[0]}))
    assert finding.status is Status.FAIL
    assert "key-confusion" in finding.message
    assert "RS256" in finding.hint


@pytest.mark.parametrize("alg", ["RS384", "PS256", "EdDSA"])
def test_idt002_fails_algorithms_access_rejects(alg: str) -> None:
    finding = only("IDT002", healthy_context(header={"alg": alg, "kid": KIDS[0]}))
    assert finding.status is Status.FAIL
    assert "does not accept" in finding.message
    assert finding.evidence["expected"] == ["RS256", "RS512", "PS512", "ES256", "ES384", "ES512"]


@pytest.mark.parametrize("header", [{"kid": "k"}, {"alg": 256}, {"alg": ""}])
def test_idt002_fails_without_usable_alg(header: dict[str, object]) -> None:
    assert only("IDT002", healthy_context(header=header)).status is Status.FAIL


def test_idt002_mentions_ignored_key_header_parameters() -> None:
    header = {"alg": "RS256", "kid": KIDS[0], "jku": "https://evil.example/jwks", "x5u": "u"}
    finding = only("IDT002", healthy_context(header=header))
    assert finding.status is Status.PASS
    assert "jku, x5u ignored" in finding.message
    assert "evil.example" not in text_of(finding)


def test_idt002_skips_without_header() -> None:
    token = DecodedJwt(raw="a.b", error="not a compact JWS")
    finding = only("IDT002", healthy_context(id_token=token))
    assert finding.status is Status.SKIP
    assert "IDT001" in finding.message


# IDT003 id-token-kid-known


def test_idt003_passes_after_refetch() -> None:
    signature = SignatureResult(
        "RS256", "new-kid", True, True, refetched=True, known_kids=("new-kid",)
    )
    finding = only("IDT003", healthy_context(signature=signature))
    assert finding.status is Status.PASS
    assert "after refetching" in finding.message


def test_idt003_fails_for_unknown_kid() -> None:
    signature = SignatureResult("RS256", "rotated", False, None, refetched=True, known_kids=KIDS)
    finding = only("IDT003", healthy_context(signature=signature))
    assert finding.status is Status.FAIL
    assert "rotated" in finding.message
    assert finding.evidence == {"expected": list(KIDS), "actual": "rotated"}
    assert "even after refetching" in finding.message
    assert "certs_url" in finding.hint


def test_idt003_no_kid_single_key_passes() -> None:
    ctx = healthy_context(
        header={"alg": "RS256"},
        jwks_fetch=json_exchange(make_config().certs_url, {"keys": [{"kty": "RSA"}]}),
        signature=SignatureResult("RS256", None, True, True, known_kids=()),
    )
    finding = only("IDT003", ctx)
    assert finding.status is Status.PASS
    assert "exactly one key" in finding.message


def test_idt003_no_kid_single_key_of_the_wrong_type_fails() -> None:
    ctx = healthy_context(
        header={"alg": "RS256"},
        jwks_fetch=json_exchange(make_config().certs_url, {"keys": [{"kty": "EC"}]}),
        signature=SignatureResult(
            "RS256", None, False, None, reason="no kid and 0 RSA keys in the JWKS", known_kids=()
        ),
    )
    finding = only("IDT003", ctx)
    assert finding.status is Status.FAIL
    assert "0 RSA keys" in finding.message


def test_idt003_no_kid_several_keys_warns() -> None:
    ctx = healthy_context(
        header={"alg": "RS256"},
        signature=SignatureResult("RS256", None, False, None, known_kids=KIDS),
    )
    finding = only("IDT003", ctx)
    assert finding.status is Status.WARN
    assert "no kid" in finding.message
    assert "2 keys" in finding.message


def test_idt003_skips_without_signature_result() -> None:
    finding = only("IDT003", healthy_context(signature=None))
    assert finding.status is Status.SKIP


def test_idt003_skips_when_key_selection_not_attempted() -> None:
    signature = SignatureResult("HS256", KIDS[0], None, None, reason="alg HS256 not allowed")
    finding = only(
        "IDT003", healthy_context(header={"alg": "HS256", "kid": KIDS[0]}, signature=signature)
    )
    assert finding.status is Status.SKIP
    assert "alg HS256 not allowed" in finding.message


# IDT004 id-token-signature-valid


def test_idt004_fails_for_bad_signature() -> None:
    signature = SignatureResult("RS256", KIDS[0], True, False, reason="signature mismatch")
    finding = only("IDT004", healthy_context(signature=signature))
    assert finding.status is Status.FAIL
    assert "signature mismatch" in finding.message


def test_idt004_skips_when_not_verified() -> None:
    signature = SignatureResult("RS256", "gone", False, None, reason="no key with kid 'gone'")
    finding = only("IDT004", healthy_context(signature=signature))
    assert finding.status is Status.SKIP
    assert "no key with kid 'gone'" in finding.message


def test_idt004_fails_without_kid_among_several_keys() -> None:
    signature = SignatureResult("RS256", None, False, None, reason="no kid and 2 RSA keys")
    finding = only("IDT004", healthy_context(header={"alg": "RS256"}, signature=signature))
    assert finding.status is Status.FAIL
    assert "does not guess" in finding.message


def test_idt004_fails_naming_an_unusable_key_and_why() -> None:
    why = "its public exponent e is 1; RFC 8017 3.1 requires 3 <= e <= n - 1"
    signature = SignatureResult(
        "RS256", KIDS[0], True, None, reason=f"key {KIDS[0]} cannot be used", key_unusable=why
    )
    finding = only("IDT004", healthy_context(signature=signature))
    assert finding.status is Status.FAIL
    assert KIDS[0] in finding.message
    assert why in finding.message


def test_the_run_fails_when_the_signature_was_not_verified_and_nothing_else_fails() -> None:
    """The net under IDT001-IDT018: an unverified signature no check explains still fails."""
    from oidc_probe.checks.catalogue import all_checks, run_checks

    signature = SignatureResult("RS256", KIDS[0], True, None, reason="a cause nobody names")
    ctx = healthy_context(signature=signature)
    ids = {"IDT003", "IDT004", "IDT018"}
    findings = run_checks(ctx, [c for c in all_checks() if c.id in ids])
    failing = [f for f in findings if f.failing]
    assert [f.check_id for f in failing] == ["IDT004"]
    assert "a cause nobody names" in failing[0].message
    # The owner of the cause (IDT018 here) is not in this run: the net still fails IDT004.
    owned = replace(signature, key_problems=("its use is 'enc', not 'sig'",))
    ctx = healthy_context(signature=owned)
    findings = run_checks(ctx, [c for c in all_checks() if c.id == "IDT004"])
    assert [(f.check_id, f.status) for f in findings] == [("IDT004", Status.FAIL)]
    assert "cannot pass" in findings[0].message


def test_the_net_does_not_add_a_failure_when_another_check_fails() -> None:
    from oidc_probe.checks.catalogue import all_checks, run_checks

    signature = SignatureResult("RS256", "gone", False, None, reason="kid gone is not in the JWKS")
    ctx = healthy_context(signature=signature)
    findings = run_checks(ctx, [c for c in all_checks() if c.id in {"IDT003", "IDT004"}])
    assert {(f.check_id, f.status) for f in findings} == {
        ("IDT003", Status.FAIL),
        ("IDT004", Status.SKIP),
    }


@pytest.mark.parametrize("valid", [True, None])
def test_idt004_never_passes_with_rejected_alg(valid: bool | None) -> None:
    header = {"alg": "HS256", "kid": KIDS[0]}
    signature = SignatureResult("HS256", KIDS[0], True, valid, reason="alg not allowed")
    finding = only("IDT004", healthy_context(header=header, signature=signature))
    assert finding.status is Status.SKIP
    assert "IDT002" in finding.message


def test_idt004_uses_header_alg_over_signature_alg() -> None:
    header = {"alg": "none"}
    signature = SignatureResult("RS256", None, True, True)
    finding = only("IDT004", healthy_context(header=header, signature=signature))
    assert finding.status is not Status.PASS


# IDT005 id-token-iss-matches


def test_idt005_fails_for_other_issuer() -> None:
    other = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Zz99Yy88X"
    finding = only("IDT005", healthy_context(set_claims={"iss": other}))
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": ISSUER, "actual": other}
    assert "--issuer" in finding.hint


def test_idt005_trailing_slash_is_named() -> None:
    finding = only("IDT005", healthy_context(set_claims={"iss": ISSUER + "/"}))
    assert finding.status is Status.FAIL
    assert "trailing slash" in finding.hint


UPDATED = ISSUER.replace("//cognito-idp.", "//issuer-cognito-idp.")


def test_idt005_names_the_updated_issuer_configuration() -> None:
    finding = only("IDT005", healthy_context(set_claims={"iss": UPDATED}))
    assert finding.status is Status.FAIL
    assert "issuer configuration is UPDATED" in finding.hint
    assert f"set certs_url to {UPDATED}/.well-known/jwks.json" in finding.hint


def test_idt005_names_the_original_issuer_configuration_and_the_issuer_option() -> None:
    config = make_config(certs_url=f"{ISSUER}/.well-known/jwks.json")
    settings = RunSettings(issuer=UPDATED)  # --issuer names the other host
    finding = only("IDT005", healthy_context(config=config, settings=settings))
    assert finding.status is Status.FAIL
    assert "issuer configuration is ORIGINAL" in finding.hint
    assert f"drop --issuer (certs_url already names {ISSUER})" in finding.hint


def test_idt005_another_pool_on_the_other_host_is_not_an_issuer_configuration() -> None:
    other = UPDATED.replace("us-east-1_", "us-east-1_Other")
    finding = only("IDT005", healthy_context(set_claims={"iss": other}))
    assert finding.status is Status.FAIL
    assert "issuer configuration" not in finding.hint


def test_idt005_fails_when_missing() -> None:
    finding = only("IDT005", healthy_context(drop=["iss"]))
    assert finding.status is Status.FAIL
    assert "no iss" in finding.message


def test_idt005_skips_without_claims() -> None:
    token = DecodedJwt(raw="a.b.c", header={"alg": "RS256"}, error="payload is not JSON")
    finding = only("IDT005", healthy_context(id_token=token))
    assert finding.status is Status.SKIP
    assert "IDT001" in finding.message


# IDT006 id-token-aud-matches


def test_idt006_fails_for_other_client() -> None:
    finding = only("IDT006", healthy_context(set_claims={"aud": "someotherclient"}))
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": CLIENT_ID, "actual": "someotherclient"}


def test_idt006_passes_single_element_list() -> None:
    assert only("IDT006", healthy_context(set_claims={"aud": [CLIENT_ID]})).status is Status.PASS


def test_idt006_several_audiences_need_azp() -> None:
    ctx = healthy_context(set_claims={"aud": [CLIENT_ID, "api"]})
    finding = only("IDT006", ctx)
    assert finding.status is Status.FAIL
    assert "azp is missing" in finding.message
    ok = healthy_context(set_claims={"aud": [CLIENT_ID, "api"], "azp": CLIENT_ID})
    assert only("IDT006", ok).status is Status.PASS
    wrong = healthy_context(set_claims={"aud": [CLIENT_ID, "api"], "azp": "api"})
    assert only("IDT006", wrong).status is Status.FAIL


@pytest.mark.parametrize("aud", [None, 5, ["other"], [CLIENT_ID, 7]])
def test_idt006_fails_bad_aud(aud: object) -> None:
    assert only("IDT006", healthy_context(set_claims={"aud": aud})).status is Status.FAIL


# IDT007 id-token-not-expired


def test_idt007_fails_when_expired() -> None:
    finding = only("IDT007", healthy_context(set_claims={"exp": int(NOW) - 600}))
    assert finding.status is Status.FAIL
    assert "expired 600 s ago" in finding.message
    assert "NTP" in finding.hint


def test_idt007_leeway_applies() -> None:
    assert only("IDT007", healthy_context(set_claims={"exp": int(NOW) - 30})).status is Status.PASS
    strict = RunSettings(issuer=ISSUER, leeway=0)
    ctx = healthy_context(set_claims={"exp": int(NOW) - 30}, settings=strict)
    assert only("IDT007", ctx).status is Status.FAIL


def test_idt007_flags_milliseconds() -> None:
    finding = only("IDT007", healthy_context(set_claims={"exp": int(NOW + 3600) * 1000}))
    assert finding.status is Status.FAIL
    assert "milliseconds" in finding.message


@pytest.mark.parametrize("exp", [None, "1800003600", True])
def test_idt007_fails_non_numeric(exp: object) -> None:
    finding = only("IDT007", healthy_context(set_claims={"exp": exp}))
    assert finding.status is Status.FAIL


# IDT008 id-token-iat-valid


def test_idt008_fails_in_future() -> None:
    finding = only("IDT008", healthy_context(set_claims={"iat": int(NOW) + 300}))
    assert finding.status is Status.FAIL
    assert "300 s in the future" in finding.message


def test_idt008_within_leeway_passes() -> None:
    assert only("IDT008", healthy_context(set_claims={"iat": int(NOW) + 30})).status is Status.PASS


def test_idt008_flags_milliseconds_and_missing() -> None:
    ms = only("IDT008", healthy_context(set_claims={"iat": int(NOW) * 1000}))
    assert ms.status is Status.FAIL
    assert "milliseconds" in ms.message
    assert only("IDT008", healthy_context(drop=["iat"])).status is Status.FAIL


def test_idt008_warns_when_a_fresh_login_brings_an_old_token() -> None:
    finding = only("IDT008", healthy_context(set_claims={"iat": int(NOW) - 3600}))
    assert finding.status is Status.WARN
    assert "was issued 3600 s before it was checked" in finding.message
    assert finding.evidence["expected"] == "iat within 660 s before the token response"


def test_idt008_an_old_token_within_the_code_lifetime_and_leeway_passes() -> None:
    finding = only("IDT008", healthy_context(set_claims={"iat": int(NOW) - 660}))
    assert finding.status is Status.PASS


def test_idt008_a_token_given_to_verify_may_be_of_any_age() -> None:
    ctx = healthy_context(set_claims={"iat": int(NOW) - 3600}, token_fetch=None)
    assert only("IDT008", ctx).status is Status.PASS


# IDT009 id-token-nonce-matches


def test_idt009_fails_on_mismatch_without_printing_values() -> None:
    other = "another-nonce-value-1234567890"
    finding = only("IDT009", healthy_context(set_claims={"nonce": other}))
    assert finding.status is Status.FAIL
    assert other not in text_of(finding)
    assert NONCE not in text_of(finding)


def test_idt009_fails_when_missing() -> None:
    finding = only("IDT009", healthy_context(drop=["nonce"]))
    assert finding.status is Status.FAIL
    assert "the probe sent one" in finding.message


def test_idt009_skips_without_authorization_request() -> None:
    finding = only("IDT009", healthy_context(authorization=None))
    assert finding.status is Status.SKIP


# IDT010 id-token-at-hash-valid


def test_idt010_info_when_absent() -> None:
    assert only("IDT010", healthy_context(drop=["at_hash"])).status is Status.INFO


def test_idt010_fails_on_mismatch() -> None:
    finding = only("IDT010", healthy_context(set_claims={"at_hash": at_hash("another token")}))
    assert finding.status is Status.FAIL
    assert "SHA-256" in finding.hint


def test_idt010_hash_follows_alg() -> None:
    header = {"alg": "RS512", "kid": KIDS[0]}
    good = healthy_context(header=header, set_claims={"at_hash": at_hash(ACCESS_TOKEN, "sha512")})
    assert only("IDT010", good).status is Status.PASS
    assert "SHA-512" in only("IDT010", good).message
    wrong = healthy_context(header=header)  # at_hash computed with SHA-256
    assert only("IDT010", wrong).status is Status.FAIL
    es384 = {"alg": "ES384", "kid": KIDS[0]}
    ctx = healthy_context(header=es384, set_claims={"at_hash": at_hash(ACCESS_TOKEN, "sha384")})
    assert only("IDT010", ctx).status is Status.PASS


def test_idt010_skips_without_access_token() -> None:
    token_fetch = json_exchange(make_config().token_url, {"id_token": "a.b.c"}, method="POST")
    finding = only("IDT010", healthy_context(token_fetch=token_fetch))
    assert finding.status is Status.SKIP
    assert "TOK002" in finding.message


def test_idt010_skips_for_alg_without_hash_size() -> None:
    finding = only("IDT010", healthy_context(header={"alg": "EdDSA", "kid": KIDS[0]}))
    assert finding.status is Status.SKIP


# IDT011 id-token-sub-present


@pytest.mark.parametrize("sub", [None, "", "  ", 42])
def test_idt011_fails_without_usable_sub(sub: object) -> None:
    finding = only("IDT011", healthy_context(set_claims={"sub": sub}))
    assert finding.status is Status.FAIL


def test_idt011_warns_for_overlong_sub() -> None:
    assert only("IDT011", healthy_context(set_claims={"sub": "x" * 256})).status is Status.WARN


# IDT012 cognito-token-use-id


def test_idt012_fails_for_access_token() -> None:
    finding = only("IDT012", healthy_context(set_claims={"token_use": "access"}))
    assert finding.status is Status.FAIL
    assert "access token" in finding.message
    assert finding.evidence == {"expected": "id", "actual": "access"}


def test_idt012_fails_when_missing() -> None:
    assert only("IDT012", healthy_context(drop=["token_use"])).status is Status.FAIL


def test_idt012_skips_for_other_issuers() -> None:
    issuer = "https://login.example.com"
    settings = RunSettings(issuer=issuer)
    finding = only("IDT012", healthy_context(settings=settings, drop=["token_use"]))
    assert finding.status is Status.SKIP
    assert "not a Cognito" in finding.message


# Secrets


def _hostile_contexts() -> list[RunContext]:
    return [
        healthy_context(),
        healthy_context(set_claims={"nonce": "wrong-nonce-abcdefgh"}, header={"alg": "HS256"}),
        healthy_context(set_claims={"at_hash": "bad", "exp": 5}, drop=["sub"]),
        healthy_context(signature=SignatureResult("RS256", "k", False, False, reason="bad")),
        healthy_context(id_token=DecodedJwt(raw="a.b.c.d.e", error="x")),
        healthy_context(set_claims={"token_use": "access", "iss": "x", "aud": ["a", "b"]}),
        healthy_context(drop=["nonce", "at_hash"], header={"alg": "none", "jwk": {"k": "v"}}),
    ]


@pytest.mark.parametrize("ctx", _hostile_contexts())
def test_no_secret_in_any_idt_finding(ctx: RunContext) -> None:
    secrets = secrets_in(ctx)
    assert ctx.id_token is not None
    assert ctx.id_token.raw in secrets
    for check_id in IDT_IDS:
        for finding in run(check_id, ctx):
            dump = text_of(finding) + json.dumps(finding.evidence, default=str)
            for secret in secrets:
                assert secret not in dump, (check_id, finding.message)


def test_idt004_skips_without_header() -> None:
    ctx = healthy_context()
    assert ctx.id_token is not None
    ctx.id_token = replace(ctx.id_token, header=None)
    finding = only("IDT004", ctx)
    assert finding.status is Status.SKIP
    assert "IDT001" in finding.message


def test_idt003_names_a_failed_refetch() -> None:
    signature = SignatureResult("RS256", "rotated", False, None, refetched=False, known_kids=KIDS)
    refetch = failed_exchange(make_config().certs_url, "timed out")
    finding = only("IDT003", healthy_context(signature=signature, jwks_refetch=refetch))
    assert finding.status is Status.FAIL
    assert "the refetch failed" in finding.message
    assert "timed out" in finding.message


@pytest.mark.parametrize("check_id", IDT_IDS)
def test_empty_run_only_skips(check_id: str) -> None:
    findings = run(check_id, make_context())
    assert findings
    assert all(f.status is Status.SKIP for f in findings), findings
    assert all(f.message for f in findings)
