"""Property-based tests: malformed tokens and documents from a server never crash a parser
or a check, and never turn into a pass.

Random and mutated JWTs, JWKS and discovery documents go through the parsers
(``decode_jwt``, ``load_keys``), the verify stage and the whole check catalogue.
A check that raised becomes an "internal error in this check" finding; that
counts as a failure here too.
"""

from __future__ import annotations

import base64
import json
import string
from collections.abc import Mapping
from typing import Any

import httpx2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.hashes import SHA256
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc.jwk import RSAKey

from oidc_probe.checks.catalogue import run_checks
from oidc_probe.core.context import DecodedJwt, RunContext
from oidc_probe.core.model import Finding, Status
from oidc_probe.core.settings import ACCESS_ALGORITHMS
from oidc_probe.plumbing.http import make_client
from oidc_probe.plumbing.jose import decode_jwt, load_keys
from oidc_probe.stages import verify
from tests.factories import ISSUER, json_exchange
from tests.unit.checks.token_fixtures import (
    ACCESS_TOKEN,
    CLIENT_ID,
    NONCE,
    SUB,
    healthy_claims,
    healthy_context,
)

KID = "prop-key-1"
KEY = RSAKey.generate_key(2048, parameters={"kid": KID, "alg": "RS256", "use": "sig"})
PUBLIC_JWK: dict[str, Any] = dict(KEY.as_dict(private=False))
JWKS: dict[str, Any] = {"keys": [PUBLIC_JWK]}
HEADER: dict[str, Any] = {"alg": "RS256", "kid": KID, "typ": "JWT"}
INTERNAL = "internal error in this check"

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64url(json.dumps(value).encode())


def sign(header: Any, claims: Any) -> str:
    """An RS256 signature by KEY over any header and payload (no header validation)."""
    signing_input = f"{b64json(header)}.{b64json(claims)}"
    private = KEY.private_key
    assert private is not None
    signature = private.sign(signing_input.encode(), PKCS1v15(), SHA256())
    return f"{signing_input}.{b64url(signature)}"


def validly_signed(raw: str) -> bool:
    """Whether ``raw`` carries a correct RS256 signature by KEY over its signing input."""
    parts = raw.strip().split(".")
    if len(parts) != 3:
        return False
    try:
        signature = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        KEY.public_key.verify(
            signature, f"{parts[0]}.{parts[1]}".encode("ascii"), PKCS1v15(), SHA256()
        )
    except (ValueError, InvalidSignature, UnicodeEncodeError):
        return False
    return True


VALID_TOKEN = sign(HEADER, healthy_claims())


# --- strategies -----------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 10**20, 2**63, 10**400, -(10**400), 1e308, float("inf"), float("nan")]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "RS256", "none", "HS256", ISSUER, CLIENT_ID, NONCE, SUB, "null"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
b64_chars = string.ascii_letters + string.digits + "-_"
segments = st.one_of(
    st.text(alphabet=b64_chars, max_size=60),
    st.text(max_size=30),
    json_values.map(lambda v: b64json(v)),
    st.binary(max_size=40).map(b64url),
)


@st.composite
def mutated_mapping(draw: st.DrawFn, base: Mapping[str, Any], extra_keys: list[str]) -> Any:
    """``base`` with members dropped, retyped or added; sometimes not an object at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    result = dict(base)
    for name in list(base) + extra_keys:
        choice = draw(st.integers(0, 5))
        if choice == 0:
            result.pop(name, None)
        elif choice == 1:
            result[name] = draw(json_values)
    return result


headers = mutated_mapping(HEADER, ["jku", "x5u", "jwk", "crit", "b64", "zip"])
claims = mutated_mapping(
    healthy_claims(), ["azp", "cognito:groups", "email", "email_verified", "auth_time"]
)


@st.composite
def tampered_tokens(draw: st.DrawFn) -> str:
    """The valid token with one or more segments replaced, truncated or re-encoded."""
    head, body, sig = VALID_TOKEN.split(".")
    how = draw(st.sampled_from(["header", "payload", "signature", "segments", "text", "resign"]))
    if how == "header":
        head = b64json(draw(headers))
    elif how == "payload":
        body = b64json(draw(claims))
    elif how == "signature":
        sig = draw(
            st.one_of(
                segments,
                st.just(""),
                st.integers(1, len(sig) - 1).map(lambda n: sig[:n]),
                st.integers(0, len(sig) - 1).map(lambda i: sig[:i] + "A" + sig[i + 1 :]),
                st.just(sig[::-1]),
            )
        )
    elif how == "segments":
        parts = draw(st.lists(segments, min_size=0, max_size=6))
        return ".".join(parts)
    elif how == "text":
        return draw(st.text(max_size=80))
    else:  # a real signature over a mutated header and payload, with the real key
        return sign(draw(headers), draw(claims))
    return f"{head}.{body}.{sig}"


key_entries = st.one_of(
    json_values,
    mutated_mapping(PUBLIC_JWK, ["d", "p", "q", "k", "crv", "x", "y", "x5c"]),
    st.fixed_dictionaries({"kty": st.sampled_from(["RSA", "EC", "oct", "OKP", "", "rsa"])}).map(
        dict
    ),
)
jwks_documents = st.one_of(
    json_values,
    st.builds(lambda keys: {"keys": keys}, st.lists(key_entries, max_size=3)),
    st.builds(lambda keys: {"keys": [PUBLIC_JWK, *keys]}, st.lists(key_entries, max_size=2)),
    mutated_mapping({"keys": [PUBLIC_JWK]}, []),
)


def healthy_discovery() -> dict[str, Any]:
    ctx = healthy_context()
    assert ctx.discovery is not None
    return {
        **ctx.discovery,
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
    }


discovery_documents = mutated_mapping(healthy_discovery(), ["registration_endpoint"])


# --- running everything ---------------------------------------------------------------------


def verified_context(raw: str, jwks: Any = JWKS, **artefacts: Any) -> RunContext:
    """A healthy context whose token response holds ``raw``, after the real verify stage."""
    ctx = healthy_context(**artefacts)
    config = ctx.config
    ctx.token_fetch = json_exchange(
        config.token_url,
        {"access_token": ACCESS_TOKEN, "id_token": raw, "token_type": "Bearer", "expires_in": 3600},
        method="POST",
    )
    ctx.jwks_fetch = json_exchange(config.certs_url, jwks)
    ctx.id_token = None
    ctx.signature = None

    def serve(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, content=json.dumps(jwks), headers={"content-type": "application/json"}
        )

    with make_client(ctx.settings, transport=httpx2.MockTransport(serve)) as client:
        verify.run(ctx, client)
    return ctx


def all_findings(ctx: RunContext) -> list[Finding]:
    findings = run_checks(ctx)
    broken = [f for f in findings if INTERNAL in f.message]
    assert not broken, broken
    return findings


def passes(findings: list[Finding], check_id: str) -> bool:
    return any(f.check_id == check_id and f.status is Status.PASS for f in findings)


# --- parsers --------------------------------------------------------------------------------


@PROPERTY
@given(st.one_of(st.text(max_size=200), tampered_tokens()))
def test_decode_jwt_never_raises(raw: str) -> None:
    token = decode_jwt(raw)
    assert isinstance(token, DecodedJwt)
    if token.error is None:
        assert isinstance(token.header, Mapping)
        assert isinstance(token.claims, Mapping)


@PROPERTY
@given(jwks_documents)
def test_load_keys_never_raises(document: Any) -> None:
    loaded = load_keys(document if isinstance(document, dict) else None)
    assert all(isinstance(k, str) for k in loaded.kids)


# --- tokens through the verify stage and every check ---------------------------------------


@PROPERTY
@given(tampered_tokens())
def test_a_tampered_token_never_verifies(raw: str) -> None:
    ctx = verified_context(raw)
    findings = all_findings(ctx)
    if not validly_signed(raw):
        assert ctx.signature is None or ctx.signature.valid is not True, raw
        assert not passes(findings, "IDT004"), raw
    header = ctx.id_token.header if ctx.id_token is not None else None
    if header is None or header.get("alg") != "RS256" or header.get("kid", KID) != KID:
        assert not passes(findings, "IDT004"), raw
    if ctx.id_token is None or ctx.id_token.error is not None:
        assert not passes(findings, "IDT001")
        assert not passes(findings, "IDT004")


@PROPERTY
@given(claims)
def test_mutated_claims_never_pass_their_checks(body: Any) -> None:
    raw = sign(HEADER, body)
    ctx = verified_context(raw)
    findings = all_findings(ctx)
    values = body if isinstance(body, dict) else {}
    if not isinstance(body, dict):
        assert not passes(findings, "IDT001")
    if values.get("iss") != ISSUER:
        assert not passes(findings, "IDT005")
    aud = values.get("aud")
    if aud != CLIENT_ID and not (isinstance(aud, list) and CLIENT_ID in aud):
        assert not passes(findings, "IDT006")
    exp = values.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp != exp:
        assert not passes(findings, "IDT007")
    if values.get("nonce") != NONCE:
        assert not passes(findings, "IDT009")
    sub = values.get("sub")
    if not isinstance(sub, str) or not sub:
        assert not passes(findings, "IDT011")
    email = values.get("email")
    if not isinstance(email, str) or "@" not in email:
        assert not passes(findings, "CLM001")
    verified = values.get("email_verified")
    if verified is not True and not (isinstance(verified, str) and verified.lower() == "true"):
        assert not passes(findings, "CLM002")


@PROPERTY
@given(headers)
def test_mutated_headers_never_pass_the_alg_and_key_checks(header: Any) -> None:
    _head, body, sig = VALID_TOKEN.split(".")
    raw = f"{b64json(header)}.{body}.{sig}"
    ctx = verified_context(raw)
    findings = all_findings(ctx)
    values = header if isinstance(header, dict) else {}
    assert not validly_signed(raw) or b64json(header) == VALID_TOKEN.split(".")[0]
    if b64json(header) != VALID_TOKEN.split(".")[0]:
        assert not passes(findings, "IDT004")
    if values.get("alg") not in ACCESS_ALGORITHMS:
        assert not passes(findings, "IDT002")


# --- JWKS -----------------------------------------------------------------------------------


def _usable_keys(document: Any) -> int:
    loaded = load_keys(document if isinstance(document, dict) else None)
    return sum(1 for k in loaded.keys if k.key_type in ("RSA", "EC"))


@PROPERTY
@given(jwks_documents)
def test_a_jwks_without_usable_keys_never_passes(document: Any) -> None:
    ctx = verified_context(VALID_TOKEN, jwks=document)
    findings = all_findings(ctx)
    if _usable_keys(document) == 0:
        assert not passes(findings, "JWK001"), document
        assert not passes(findings, "IDT004"), document
    if ctx.signature is not None and ctx.signature.valid:
        keys = document.get("keys") if isinstance(document, dict) else None
        assert isinstance(keys, list)
        assert any(
            isinstance(k, dict)
            and k.get("kid") == KID
            and k.get("n") == PUBLIC_JWK["n"]
            and k.get("e") == PUBLIC_JWK["e"]
            for k in keys
        ), document


@PROPERTY
@given(st.lists(key_entries, min_size=1, max_size=4))
def test_jwk_checks_on_random_key_entries(entries: list[Any]) -> None:
    ctx = healthy_context()
    ctx.jwks_fetch = json_exchange(ctx.config.certs_url, {"keys": entries})
    findings = all_findings(ctx)
    dict_entries = [e for e in entries if isinstance(e, dict)]
    if len(dict_entries) < len(entries):
        assert not passes(findings, "JWK002")
    if any(k in e for e in dict_entries for k in ("d", "p", "q", "k")):
        assert not passes(findings, "JWK003")
    if any(e.get("kty") == "oct" for e in dict_entries):
        assert not passes(findings, "JWK003")


# --- discovery ------------------------------------------------------------------------------


@PROPERTY
@given(discovery_documents)
def test_a_malformed_discovery_document_never_passes(document: Any) -> None:
    ctx = healthy_context()
    ctx.discovery_fetch = json_exchange(ctx.discovery_fetch.url, document)  # type: ignore[union-attr]
    findings = all_findings(ctx)
    values = document if isinstance(document, dict) else {}
    if not isinstance(document, dict):
        assert not passes(findings, "DSC001")
    if values.get("issuer") != ISSUER:
        assert not passes(findings, "DSC002")
    for field, meta in (
        ("auth_url", "authorization_endpoint"),
        ("token_url", "token_endpoint"),
        ("certs_url", "jwks_uri"),
    ):
        if values.get(meta) != getattr(ctx.config, field):
            assert not any(
                f.check_id == "DSC003" and f.subject == field and f.status is Status.PASS
                for f in findings
            ), (field, values.get(meta))
    required_strings = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if any(not isinstance(values.get(n), str) or not values.get(n) for n in required_strings):
        assert not passes(findings, "DSC004")
    algs = values.get("id_token_signing_alg_values_supported")
    if not isinstance(algs, list) or not any(a in ACCESS_ALGORITHMS for a in algs):
        assert not passes(findings, "DSC007"), algs


# --- userinfo and the token response --------------------------------------------------------


@PROPERTY
@given(json_values, mutated_mapping({"sub": SUB, "email": "ana@example.com"}, ["email_verified"]))
def test_random_userinfo_and_token_responses(token_body: Any, userinfo: Any) -> None:
    ctx = healthy_context()
    ctx.userinfo_fetch = json_exchange(ctx.userinfo_fetch.url, userinfo)  # type: ignore[union-attr]
    findings = all_findings(ctx)
    if not isinstance(userinfo, dict) or userinfo.get("sub") != SUB:
        assert not passes(findings, "USR002")
    if not isinstance(userinfo, dict):
        assert not passes(findings, "USR001")
    ctx.token_fetch = json_exchange(ctx.config.token_url, token_body, method="POST")
    ctx.id_token = None
    ctx.signature = None
    with make_client(ctx.settings, transport=_no_network()) as client:
        verify.run(ctx, client)
    findings = all_findings(ctx)
    if not isinstance(token_body, dict) or not isinstance(token_body.get("id_token"), str):
        assert not passes(findings, "TOK002")
        assert not passes(findings, "IDT004")


def _no_network() -> httpx2.MockTransport:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("no network in this test", request=request)

    return httpx2.MockTransport(refuse)


def test_strategies_reach_the_interesting_cases() -> None:
    """Guard against a strategy that silently never produces what the properties assume."""
    ctx = verified_context(VALID_TOKEN)
    assert ctx.signature is not None
    assert ctx.signature.valid is True
    assert passes(all_findings(ctx), "IDT004")
    tampered = VALID_TOKEN[:-5] + ("AAAAA" if not VALID_TOKEN.endswith("AAAAA") else "BBBBB")
    bad = verified_context(tampered)
    assert bad.signature is not None
    assert bad.signature.valid is False
