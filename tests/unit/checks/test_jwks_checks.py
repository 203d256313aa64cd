"""JWK001-JWK004: checks of the JSON Web Key Set at certs_url."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.model import Status
from tests.factories import ISSUER, failed_exchange, json_exchange, make_context
from tests.unit.checks.helpers import by_subject, only, run, text_of

JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
JWK_IDS = ["JWK001", "JWK002", "JWK003", "JWK004"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def modulus(bits: int) -> str:
    """An odd number of ``bits`` bits: shaped like an RSA modulus (RFC 8017 3.1)."""
    return b64(b"\xc1" + b"\x5a" * (bits // 8 - 2) + b"\x5b")


def rsa_key(kid: str | None, bits: int = 2048, **changes: Any) -> dict[str, Any]:
    key: dict[str, Any] = {
        "alg": "RS256",
        "e": "AQAB",
        "kid": kid,
        "kty": "RSA",
        "n": modulus(bits),
        "use": "sig",
    }
    for name, value in changes.items():
        if value is None:
            key.pop(name, None)
        else:
            key[name] = value
    if kid is None:
        del key["kid"]
    return key


def ec_key(kid: str) -> dict[str, Any]:
    """RFC 7517 appendix A.1's P-256 public key: a point on the curve."""
    return {
        "kty": "EC",
        "kid": kid,
        "crv": "P-256",
        "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
    }


def ctx_with(keys: Any = None, fetch: HttpExchange | None = None) -> RunContext:
    if fetch is None:
        body = {"keys": [rsa_key("id-key"), rsa_key("access-key")] if keys is None else keys}
        fetch = json_exchange(JWKS_URL, body)
    return make_context(jwks_fetch=fetch)


@pytest.mark.parametrize("check_id", JWK_IDS)
def test_cognito_like_jwks_passes(check_id: str) -> None:
    assert [f.status for f in run(check_id, ctx_with())] == [Status.PASS]


@pytest.mark.parametrize("check_id", JWK_IDS)
def test_every_check_skips_without_a_fetch(check_id: str) -> None:
    ctx = make_context()
    ctx.stopped["jwks"] = "certs_url is not a usable URL"
    finding = only(check_id, ctx)
    assert finding.status is Status.SKIP
    assert "not a usable URL" in finding.message


@pytest.mark.parametrize("check_id", JWK_IDS[1:])
def test_later_checks_skip_naming_jwk001(check_id: str) -> None:
    finding = only(check_id, ctx_with(keys=[]))
    assert finding.status is Status.SKIP
    assert "JWK001" in finding.message


# JWK001 jwks-reachable


def test_jwk001_pass_counts_keys() -> None:
    assert "2 keys" in only("JWK001", ctx_with()).message


@pytest.mark.parametrize(
    ("fetch", "cause"),
    [
        (failed_exchange(JWKS_URL, "connection refused"), "connection refused"),
        (json_exchange(JWKS_URL, {"message": "boom"}, status=500), "HTTP 500"),
        (
            HttpExchange(
                "GET",
                JWKS_URL,
                status=200,
                headers={"content-type": "text/html; charset=utf-8"},
                text="<html><body>Sign in</body></html>",
                json_error="Expecting value",
            ),
            "HTML",
        ),
        (json_exchange(JWKS_URL, {"keys": []}), "empty"),
        (json_exchange(JWKS_URL, {"kty": "RSA"}), 'no "keys" array'),
        (json_exchange(JWKS_URL, {"keys": {"kty": "RSA"}}), '"keys" is a object'),
    ],
)
def test_jwk001_fails_naming_url_and_cause(fetch: HttpExchange, cause: str) -> None:
    finding = only("JWK001", ctx_with(fetch=fetch))
    assert finding.status is Status.FAIL
    assert JWKS_URL in finding.message
    assert cause in finding.message
    assert "cognito-idp.<region>.amazonaws.com" in finding.hint


def test_jwk001_warns_when_the_refetch_failed() -> None:
    ctx = ctx_with()
    ctx.jwks_refetch = failed_exchange(JWKS_URL, "timed out")
    findings = by_subject(run("JWK001", ctx))
    assert findings[""].status is Status.PASS
    assert findings["refetch"].status is Status.WARN


# JWK002 jwks-keys-well-formed


def test_jwk002_passes_for_rsa_and_ec_keys() -> None:
    assert only("JWK002", ctx_with([rsa_key("a"), ec_key("b")])).status is Status.PASS


def test_jwk002_fails_for_duplicate_kids() -> None:
    findings = run("JWK002", ctx_with([rsa_key("same"), rsa_key("same")]))
    assert [f.status for f in findings] == [Status.FAIL, Status.FAIL]
    assert "used by 2 keys" in findings[0].message
    assert findings[0].subject == "kid same"


def test_jwk002_names_each_problem_of_a_key() -> None:
    bad = rsa_key("bad", n=None, e="not base64!", use="enc")
    finding = by_subject(run("JWK002", ctx_with([rsa_key("good"), bad])))["kid bad"]
    assert finding.status is Status.FAIL
    # use enc is no longer a problem (issue 19: OIDC Discovery 1.0 3 allows encryption keys).
    assert finding.evidence["actual"] == ["n missing", "e is not base64url"]


def test_jwk002_allows_an_encryption_key_and_an_unknown_type_beside_the_signing_keys() -> None:
    enc = rsa_key("enc-1", use="enc", alg="RSA-OAEP")
    other = {"kty": "ML-DSA", "kid": "pq-1", "pub": "AAAA"}
    assert only("JWK002", ctx_with([rsa_key("id-key"), enc, other])).status is Status.PASS


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"e": "AQ"}, "public exponent e is 1"),
        ({"e": b64((65536).to_bytes(3, "big"))}, "requires an odd e"),
        ({"n": b64(b"\xc1" + b"\x5a" * 255)}, "not an RSA modulus"),
        ({"n": b64(b"\xc1" + b"\x5a" * 2100 + b"\x5b")}, "refuse more than 16384"),
    ],
)
def test_jwk002_fails_a_key_no_verifier_can_use(changes: dict[str, str], words: str) -> None:
    bad = rsa_key("bad", **changes)
    finding = by_subject(run("JWK002", ctx_with([rsa_key("good"), bad])))["kid bad"]
    assert finding.status is Status.FAIL
    assert words in finding.message


def test_jwk002_fails_an_ec_point_off_its_curve_and_an_unknown_curve() -> None:
    off = {**ec_key("off"), "y": ec_key("x")["x"]}
    curve = {**ec_key("curve"), "crv": "P-192"}
    found = by_subject(run("JWK002", ctx_with([rsa_key("good"), off, curve])))
    assert "not on curve P-256" in found["kid off"].message
    assert "'P-192' is not one an ES* algorithm uses" in found["kid curve"].message


def test_jwk002_requires_kid_with_several_keys_and_kty() -> None:
    findings = run("JWK002", ctx_with([rsa_key(None), {"n": modulus(2048)}]))
    subjects = by_subject(findings)
    assert "kid missing" in subjects["keys[0]"].message
    assert "kty missing" in subjects["keys[1]"].message


def test_jwk002_allows_a_single_key_without_kid() -> None:
    assert only("JWK002", ctx_with([rsa_key(None)])).status is Status.PASS


def test_jwk002_fails_for_ec_key_without_y() -> None:
    key = ec_key("ec")
    del key["y"]
    assert "y missing" in only("JWK002", ctx_with([key])).message


def test_jwk002_fails_for_a_non_object_key() -> None:
    finding = only("JWK002", ctx_with(["RSA"]))
    assert finding.status is Status.FAIL
    assert finding.subject == "keys[0]"


# JWK003 jwks-no-private-or-symmetric-keys


def test_jwk003_fails_for_private_members_without_showing_values() -> None:
    private = rsa_key("leaky", d="PRIVATEVALUEd", p="PRIVATEVALUEp", qi="PRIVATEVALUEqi")
    finding = only("JWK003", ctx_with([rsa_key("ok"), private]))
    assert finding.status is Status.FAIL
    assert finding.subject == "kid leaky"
    assert "d, p, qi" in finding.message
    assert "PRIVATEVALUE" not in text_of(finding)
    assert "rotate" in finding.hint


def test_jwk003_fails_for_symmetric_keys() -> None:
    finding = only("JWK003", ctx_with([{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}]))
    assert finding.status is Status.FAIL
    assert "symmetric" in finding.message
    assert "c2VjcmV0" not in text_of(finding)


# JWK004 jwks-rsa-key-size


def test_jwk004_fails_for_a_1024_bit_key() -> None:
    finding = only("JWK004", ctx_with([rsa_key("big", 4096), rsa_key("small", 1024)]))
    assert finding.status is Status.FAIL
    assert finding.subject == "kid small"
    assert finding.evidence == {"expected": ">= 2048 bits", "actual": "1024 bits"}


def test_jwk004_reports_sizes_on_pass() -> None:
    finding = only("JWK004", ctx_with([rsa_key("a", 2048), rsa_key("b", 3072)]))
    assert finding.status is Status.PASS
    assert finding.evidence["actual"] == ["2048 bits", "3072 bits"]


def test_jwk004_skips_without_rsa_keys() -> None:
    finding = only("JWK004", ctx_with([ec_key("ec")]))
    assert finding.status is Status.SKIP
    assert "no RSA keys" in finding.message


def test_jwk004_skips_an_undecodable_modulus() -> None:
    finding = only("JWK004", ctx_with([rsa_key("broken", n="***")]))
    assert finding.status is Status.SKIP
    assert "JWK002" in finding.message


def test_jwk004_uses_the_refetched_set() -> None:
    ctx = ctx_with()
    ctx.jwks_refetch = json_exchange(JWKS_URL, {"keys": [rsa_key("new", 1024)]})
    assert only("JWK004", ctx).status is Status.FAIL
