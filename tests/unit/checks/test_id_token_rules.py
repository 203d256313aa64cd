"""Unit tests of IDT013-IDT017 and of IDT006's azp clause: one broken clause per token."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oidc_probe.core.context import SignatureResult
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing.jose import decode_jwt
from tests.factories import ISSUER, NOW
from tests.unit.checks.helpers import only, run
from tests.unit.checks.token_fixtures import (
    CLIENT_ID,
    KIDS,
    b64url,
    healthy_claims,
    healthy_context,
)

HEADER = {"alg": "RS256", "kid": KIDS[0]}


def raw_token(header_json: str, payload_json: str) -> str:
    return ".".join([b64url(header_json.encode()), b64url(payload_json.encode()), "c2ln"])


# IDT006 azp with a single audience (OIDC Core 3.1.3.7 step 5)


def test_idt006_fails_azp_naming_another_client_with_single_aud() -> None:
    finding = only("IDT006", healthy_context(set_claims={"azp": "someotherclient"}))
    assert finding.status is Status.FAIL
    assert finding.subject == "azp"
    assert finding.evidence == {"expected": CLIENT_ID, "actual": "someotherclient"}


def test_idt006_fails_azp_not_a_string() -> None:
    finding = only("IDT006", healthy_context(set_claims={"aud": [CLIENT_ID], "azp": 7}))
    assert finding.status is Status.FAIL
    assert "number" in finding.message


def test_idt006_passes_azp_equal_to_client_id() -> None:
    assert only("IDT006", healthy_context(set_claims={"azp": CLIENT_ID})).status is Status.PASS


# IDT013 id-token-nbf-valid


def test_idt013_fails_nbf_two_hours_ahead() -> None:
    finding = only("IDT013", healthy_context(set_claims={"nbf": int(NOW) + 7200}))
    assert finding.status is Status.FAIL
    assert "7200 s from now" in finding.message


def test_idt013_passes_nbf_within_leeway_and_in_the_past() -> None:
    assert only("IDT013", healthy_context(set_claims={"nbf": int(NOW) + 30})).status is Status.PASS
    assert only("IDT013", healthy_context(set_claims={"nbf": int(NOW) - 5})).status is Status.PASS


def test_idt013_passes_without_nbf() -> None:
    finding = only("IDT013", healthy_context())
    assert finding.status is Status.PASS
    assert "no nbf" in finding.message


@pytest.mark.parametrize("nbf", ["soon", True, (int(NOW) + 10) * 1000])
def test_idt013_fails_nbf_not_seconds(nbf: object) -> None:
    assert only("IDT013", healthy_context(set_claims={"nbf": nbf})).status is Status.FAIL


# IDT014 id-token-crit-understood


def test_idt014_fails_b64_false_in_crit() -> None:
    finding = only("IDT014", healthy_context(header={**HEADER, "b64": False, "crit": ["b64"]}))
    assert finding.status is Status.FAIL
    assert "b64" in finding.message
    assert "not encoded" in finding.message


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["exp"], "exp": 1},
        {"crit": []},
        {"crit": "foo", "foo": 1},
        {"crit": ["foo"]},
        {"crit": ["alg"]},
        {"b64": True},
    ],
)
def test_idt014_fails_any_crit_or_b64(extra: dict[str, object]) -> None:
    assert only("IDT014", healthy_context(header={**HEADER, **extra})).status is Status.FAIL


def test_idt014_passes_plain_header() -> None:
    assert only("IDT014", healthy_context(header=HEADER)).status is Status.PASS


# IDT015 id-token-typ


@pytest.mark.parametrize("typ", ["at+jwt", "application/at+JWT", "logout+jwt"])
def test_idt015_fails_other_jwt_kinds(typ: str) -> None:
    finding = only("IDT015", healthy_context(header={**HEADER, "typ": typ}))
    assert finding.status is Status.FAIL
    assert typ in finding.message


def test_idt015_at_jwt_named_access_token() -> None:
    finding = only("IDT015", healthy_context(header={**HEADER, "typ": "at+jwt"}))
    assert "access token" in finding.message


@pytest.mark.parametrize("typ", ["JWT", "jwt", "application/jwt"])
def test_idt015_passes_jwt(typ: str) -> None:
    assert only("IDT015", healthy_context(header={**HEADER, "typ": typ})).status is Status.PASS


def test_idt015_passes_no_typ_warns_odd_and_fails_non_string() -> None:
    assert only("IDT015", healthy_context(header=HEADER)).status is Status.PASS
    assert only("IDT015", healthy_context(header={**HEADER, "typ": "JOSE"})).status is Status.WARN
    assert only("IDT015", healthy_context(header={**HEADER, "typ": 1})).status is Status.FAIL


# IDT016 id-token-names-unique


def test_idt016_fails_duplicate_iss_and_keeps_the_last() -> None:
    claims = json.dumps(healthy_claims())[:-1] + ', "iss": "' + ISSUER + '"}'
    claims = claims.replace(f'"iss": "{ISSUER}"', '"iss": "https://evil.example"', 1)
    token = decode_jwt(raw_token(json.dumps(HEADER), claims))
    assert token.claims is not None
    assert token.claims["iss"] == ISSUER
    assert token.repeated_claims == ("iss",)
    finding = only("IDT016", healthy_context(id_token=token))
    assert finding.status is Status.FAIL
    assert "claim iss" in finding.message


def test_idt016_fails_duplicate_header_parameter() -> None:
    token = decode_jwt(raw_token('{"alg":"HS256","alg":"RS256"}', json.dumps(healthy_claims())))
    assert token.repeated_header == ("alg",)
    finding = only("IDT016", healthy_context(id_token=token))
    assert finding.status is Status.FAIL
    assert "header alg" in finding.message


def test_idt016_nested_repeats_are_not_top_level_repeats() -> None:
    token = decode_jwt(raw_token(json.dumps(HEADER), '{"sub":"a","address":{"x":1,"x":2}}'))
    assert token.repeated_claims == ()


def test_idt016_passes_unique_names() -> None:
    token = decode_jwt(raw_token(json.dumps(HEADER), json.dumps(healthy_claims())))
    assert only("IDT016", healthy_context(id_token=token)).status is Status.PASS


# IDT017 id-token-lifetime


def test_idt017_warns_ten_year_lifetime_naming_the_figure() -> None:
    ten_years = 10 * 365 * 86400
    ctx = healthy_context(set_claims={"iat": int(NOW) - ten_years, "exp": int(NOW) + 600})
    finding = only("IDT017", ctx)
    assert finding.status is Status.WARN
    assert "10.0 years" in finding.message
    assert "5 minutes to 1 day" in finding.message


def test_idt017_generic_issuer_wording() -> None:
    settings = RunSettings(issuer="https://login.example.com")
    ctx = healthy_context(settings=settings, set_claims={"exp": int(NOW) + 3 * 86400})
    finding = only("IDT017", ctx)
    assert finding.status is Status.WARN
    assert "days" in finding.message
    assert "Cognito" not in finding.message


def test_idt017_warns_exp_not_after_iat() -> None:
    ctx = healthy_context(set_claims={"iat": int(NOW), "exp": int(NOW)})
    assert only("IDT017", ctx).status is Status.WARN


def test_idt017_passes_one_hour_and_skips_without_numbers() -> None:
    assert only("IDT017", healthy_context()).status is Status.PASS
    assert only("IDT017", healthy_context(drop=["iat"])).status is Status.SKIP


# IDT018 id-token-key-fits-alg, and IDT003/IDT004 on a kid shared by several keys


def _signature(**changes: object) -> SignatureResult:
    values: dict[str, Any] = {
        "alg": "RS256",
        "kid": KIDS[0],
        "key_found": True,
        "valid": True,
        "reason": "signature verified",
        "known_kids": KIDS,
    }
    values.update(changes)
    return SignatureResult(**values)


def test_idt018_fails_a_key_that_may_not_verify_the_alg() -> None:
    problems = ("its use is 'enc', not 'sig'",)
    ctx = healthy_context(signature=_signature(valid=None, key_problems=problems))
    finding = only("IDT018", ctx)
    assert finding.status is Status.FAIL
    assert "use is 'enc'" in finding.message
    assert only("IDT004", ctx).status is Status.SKIP


def test_idt018_passes_a_fitting_key_and_skips_without_one() -> None:
    assert only("IDT018", healthy_context()).status is Status.PASS
    unknown = _signature(key_found=False, valid=None, reason="kid x is not in the JWKS")
    assert only("IDT018", healthy_context(signature=unknown)).status is Status.SKIP


def test_a_kid_naming_two_keys_warns_in_idt003_and_names_the_verifying_key() -> None:
    first_fails = healthy_context(
        signature=_signature(valid=False, reason="no match", same_kid=(False, True))
    )
    assert only("IDT003", first_fails).status is Status.WARN
    finding = only("IDT004", first_fails)
    assert finding.status is Status.FAIL
    assert "key 2 of them verifies it" in finding.message
    assert "ambiguous" in finding.message
    first_verifies = healthy_context(signature=_signature(same_kid=(True, False)))
    finding = only("IDT004", first_verifies)
    assert finding.status is Status.WARN
    assert "key 1 of them" in finding.message


def test_idt015_fails_cty_jwt_and_warns_other_cty() -> None:
    nested = {
        f.subject: f.status for f in run("IDT015", healthy_context(header={**HEADER, "cty": "JWT"}))
    }
    assert nested == {"": Status.PASS, "cty": Status.FAIL}
    other = {
        f.subject: f.status
        for f in run("IDT015", healthy_context(header={**HEADER, "cty": "json"}))
    }
    assert other == {"": Status.PASS, "cty": Status.WARN}


def test_idt017_leaves_milliseconds_to_idt007() -> None:
    ctx = healthy_context(set_claims={"exp": (int(NOW) + 3600) * 1000})
    assert only("IDT017", ctx).status is Status.SKIP


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (json.dumps({"sub": "a"}).encode("utf-16"), "the payload is not UTF-8"),
        (b"\xef\xbb\xbf" + json.dumps({"sub": "a"}).encode(), "the payload is not JSON"),
        (b'{"sub": "a", "exp": NaN}', "the payload is not JSON"),
    ],
)
def test_idt001_refuses_payloads_that_are_not_utf8_json(payload: bytes, error: str) -> None:
    token = decode_jwt(".".join([b64url(json.dumps(HEADER).encode()), b64url(payload), "c2ln"]))
    assert token.error == error
    finding = only("IDT001", healthy_context(id_token=token))
    assert finding.status is Status.FAIL
