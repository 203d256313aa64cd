from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx2
import pytest
from joserfc import jws
from joserfc.jwk import ECKey

from oidc_probe.core.context import RunContext
from oidc_probe.plumbing.http import make_client
from oidc_probe.plumbing.jose import decode_jwt, load_keys
from oidc_probe.stages import verify
from tests.factories import json_exchange, make_context
from tests.unit.stages.idp import ISSUER, make_config, make_settings, public_jwk, rsa_key, sign

CERTS = f"{ISSUER}/.well-known/jwks.json"
CLAIMS = {"iss": ISSUER, "sub": "s", "aud": "client-1", "exp": 2_000_000_000, "iat": 1}


def _b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwks(*keys: dict[str, Any]) -> dict[str, Any]:
    return {"keys": list(keys)}


def _run(
    id_token: str, jwks: dict[str, Any], refetched: dict[str, Any] | None = None
) -> tuple[RunContext, list[httpx2.Request]]:
    ctx = make_context(make_config(), make_settings())
    ctx.jwks_fetch = json_exchange(CERTS, jwks)
    ctx.token_fetch = json_exchange("https://idp.test/oauth2/token", {"id_token": id_token})
    seen: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=refetched if refetched is not None else jwks)

    with make_client(ctx.settings, transport=httpx2.MockTransport(handle)) as client:
        verify.run(ctx, client)
    return ctx, seen


def test_valid_rs256_signature() -> None:
    key = rsa_key("key-1")
    ctx, seen = _run(sign(CLAIMS, key), _jwks(public_jwk(rsa_key("key-2")), public_jwk(key)))
    assert ctx.id_token is not None
    assert ctx.id_token.claims == CLAIMS
    assert ctx.id_token.header == {"alg": "RS256", "kid": "key-1"}
    sig = ctx.signature
    assert sig is not None
    assert (sig.alg, sig.kid, sig.key_found, sig.valid, sig.refetched) == (
        "RS256",
        "key-1",
        True,
        True,
        False,
    )
    assert sig.known_kids == ("key-2", "key-1")
    assert seen == []


def test_tampered_payload_is_invalid() -> None:
    header, _, signature = sign(CLAIMS, rsa_key("key-1")).split(".")
    forged = ".".join([header, _b64({**CLAIMS, "sub": "admin"}), signature])
    ctx, _ = _run(forged, _jwks(public_jwk(rsa_key("key-1"))))
    assert ctx.signature is not None
    assert ctx.signature.key_found is True
    assert ctx.signature.valid is False
    assert ctx.id_token is not None
    assert ctx.id_token.claims is not None
    assert ctx.id_token.claims["sub"] == "admin"


def test_signature_by_another_key_with_the_same_kid_is_invalid() -> None:
    token = sign(CLAIMS, rsa_key("other"), header={"kid": "key-1"})
    ctx, _ = _run(token, _jwks(public_jwk(rsa_key("key-1"))))
    assert ctx.signature is not None
    assert ctx.signature.valid is False


def test_unknown_kid_refetches_once_and_finds_a_rotated_key() -> None:
    token = sign(CLAIMS, rsa_key("key-2"))
    old = _jwks(public_jwk(rsa_key("key-1")))
    new = _jwks(public_jwk(rsa_key("key-1")), public_jwk(rsa_key("key-2")))
    ctx, seen = _run(token, old, refetched=new)
    assert [str(r.url) for r in seen] == [CERTS]
    assert ctx.jwks_refetch is not None
    assert ctx.jwks == new
    assert ctx.signature is not None
    assert (ctx.signature.key_found, ctx.signature.valid, ctx.signature.refetched) == (
        True,
        True,
        True,
    )
    assert ctx.signature.known_kids == ("key-1", "key-2")


def test_unknown_kid_after_refetch_is_not_found() -> None:
    token = sign(CLAIMS, rsa_key("key-2"))
    ctx, seen = _run(token, _jwks(public_jwk(rsa_key("key-1"))))
    assert len(seen) == 1
    sig = ctx.signature
    assert sig is not None
    assert (sig.key_found, sig.valid, sig.refetched) == (False, None, True)
    assert "key-2" in sig.reason
    assert sig.known_kids == ("key-1",)


@pytest.mark.parametrize("alg", ["none", "HS256", "RS384"])
def test_algorithms_outside_the_allowlist_are_not_attempted(alg: str) -> None:
    token = f"{_b64({'alg': alg, 'kid': 'unknown'})}.{_b64(CLAIMS)}."
    ctx, seen = _run(token, _jwks(public_jwk(rsa_key("key-1"))))
    assert seen == []  # not even the refetch for the unknown kid
    sig = ctx.signature
    assert sig is not None
    assert (sig.alg, sig.key_found, sig.valid) == (alg, None, None)
    assert sig.reason == f"alg {alg} is not accepted"


def test_hs256_key_confusion_is_not_attempted() -> None:
    public_pem = rsa_key("key-1").as_pem(private=False)
    signing_input = f"{_b64({'alg': 'HS256', 'kid': 'key-1'})}.{_b64(CLAIMS)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{_b64(mac)}"
    ctx, _ = _run(token, _jwks(public_jwk(rsa_key("key-1"))))
    assert ctx.signature is not None
    assert ctx.signature.valid is None
    assert ctx.signature.reason == "alg HS256 is not accepted"


def test_no_kid_with_a_single_key_verifies() -> None:
    key = rsa_key("key-1")
    token = jws.serialize_compact({"alg": "RS256"}, json.dumps(CLAIMS), key, algorithms=["RS256"])
    ctx, seen = _run(token, _jwks(public_jwk(key)))
    assert seen == []
    assert ctx.signature is not None
    assert (ctx.signature.kid, ctx.signature.key_found, ctx.signature.valid) == (None, True, True)


def test_no_kid_with_several_keys_is_not_guessed() -> None:
    key = rsa_key("key-1")
    token = jws.serialize_compact({"alg": "RS256"}, json.dumps(CLAIMS), key, algorithms=["RS256"])
    ctx, seen = _run(token, _jwks(public_jwk(key), public_jwk(rsa_key("key-2"))))
    assert seen == []
    assert ctx.signature is not None
    assert ctx.signature.key_found is False
    assert ctx.signature.valid is None
    assert ctx.signature.reason.startswith("no kid and 2 ")


def test_an_unusable_key_named_by_kid_is_reported_not_tried() -> None:
    key = rsa_key("key-1")
    token = jws.serialize_compact(
        {"alg": "RS256", "kid": "key-1"}, json.dumps(CLAIMS), key, algorithms=["RS256"]
    )
    ctx, _ = _run(token, _jwks({**public_jwk(key), "e": "AQ"}))
    assert ctx.signature is not None
    assert (ctx.signature.key_found, ctx.signature.valid) == (True, None)
    assert "public exponent e is 1" in ctx.signature.key_unusable


def test_key_material_in_the_header_is_ignored() -> None:
    attacker = ECKey.generate_key("P-256")
    signer = rsa_key("attacker")
    token = sign(
        CLAIMS,
        signer,
        header={"kid": "key-1", "jku": "https://evil.test/jwks", "jwk": attacker.as_dict()},
    )
    ctx, seen = _run(token, _jwks(public_jwk(rsa_key("key-1"))))
    assert seen == []
    assert ctx.signature is not None
    assert ctx.signature.valid is False
    assert ctx.signature.reason == "the signature does not match the key"


def _signed_with_header(key: Any, extra: dict[str, Any]) -> str:
    """A correctly signed RS256 token whose protected header holds ``extra`` too."""
    header = _b64({"alg": "RS256", "kid": key.kid, **extra})
    signing_input = f"{header}.{_b64(CLAIMS)}".encode()
    private = key.private_key
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signature = private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode()}.{_b64(signature)}"


def test_a_valid_token_with_an_x5c_chain_and_unknown_header_parameters_verifies() -> None:
    key = rsa_key("key-1")
    chain = [base64.b64encode(b"c" * 1200).decode()]  # not used: keys come from the JWKS
    token = _signed_with_header(key, {"x5c": chain, "custom": "ignored per RFC 7515"})
    ctx, _ = _run(token, _jwks(public_jwk(key)))
    assert ctx.signature is not None
    assert (ctx.signature.valid, ctx.signature.reason) == (
        True,
        "signature verified with key key-1 (RS256)",
    )


def test_an_unknown_critical_header_parameter_is_refused() -> None:
    key = rsa_key("key-1")
    token = _signed_with_header(key, {"crit": ["exp-only"], "exp-only": 1})
    ctx, _ = _run(token, _jwks(public_jwk(key)))
    assert ctx.signature is not None
    assert ctx.signature.valid is None  # refused before any key is tried (IDT014 says why)
    assert "IDT014" in ctx.signature.reason


@pytest.mark.parametrize(
    "extra", [{"b64": False, "crit": ["b64"]}, {"crit": []}, {"crit": ["alg"]}, {"b64": True}]
)
def test_crit_and_b64_headers_are_never_verified(extra: dict[str, Any]) -> None:
    """joserfc would verify these (RFC 7797 over an encoded payload, an empty crit)."""
    key = rsa_key("key-1")
    ctx, seen = _run(_signed_with_header(key, extra), _jwks(public_jwk(key)))
    assert ctx.signature is not None
    assert (ctx.signature.valid, ctx.signature.key_found) == (None, None)
    assert seen == []


def test_broken_keys_are_skipped() -> None:
    key = rsa_key("key-1")
    broken = {"kty": "RSA", "kid": "bad", "n": "!!", "e": "AQAB"}
    ctx, _ = _run(sign(CLAIMS, key), _jwks(broken, "not a key", public_jwk(key)))  # type: ignore[arg-type]
    assert ctx.signature is not None
    assert ctx.signature.valid is True
    loaded = load_keys(_jwks(broken, public_jwk(key), {"kty": "nope"}))
    assert [k.kid for k in loaded.keys] == ["key-1"]
    assert set(loaded.broken) == {"bad", "#2"}


def test_es256_signature_verifies() -> None:
    key = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
    token = jws.serialize_compact(
        {"alg": "ES256", "kid": "ec-1"}, json.dumps(CLAIMS), key, algorithms=["ES256"]
    )
    ctx, _ = _run(token, _jwks(dict(key.as_dict(private=False)), public_jwk(rsa_key("key-1"))))
    assert ctx.signature is not None
    assert ctx.signature.valid is True


def test_key_of_the_wrong_type_is_not_tried_and_says_why() -> None:
    key = ECKey.generate_key("P-256", parameters={"kid": "key-1"})
    token = sign(CLAIMS, rsa_key("key-1"))
    ctx, _ = _run(token, _jwks(dict(key.as_dict(private=False))))
    assert ctx.signature is not None
    assert ctx.signature.valid is None
    assert ctx.signature.key_problems == ("it is an EC key and RS256 needs an RSA key",)
    assert "IDT018" in ctx.signature.reason


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"use": "enc"}, "use is 'enc'"),
        ({"key_ops": ["encrypt"]}, "do not include 'verify'"),
        ({"alg": "RS512"}, "its alg is 'RS512'"),
    ],
)
def test_a_signing_key_that_may_not_verify_the_alg_is_not_tried(
    members: dict[str, Any], words: str
) -> None:
    key = rsa_key("key-1")
    ctx, _ = _run(sign(CLAIMS, key), _jwks({**public_jwk(key), **members}))
    assert ctx.signature is not None
    assert ctx.signature.valid is None
    assert any(words in p for p in ctx.signature.key_problems), ctx.signature.key_problems


def test_key_ops_with_verify_and_use_sig_are_fine() -> None:
    key = rsa_key("key-1")
    jwk = {**public_jwk(key), "use": "sig", "key_ops": ["verify"], "alg": "RS256"}
    ctx, _ = _run(sign(CLAIMS, key), _jwks(jwk))
    assert ctx.signature is not None
    assert ctx.signature.valid is True


@pytest.mark.parametrize("signer_first", [True, False])
def test_two_keys_with_one_kid_judge_the_first_and_report_each(signer_first: bool) -> None:
    """Never "try keys until one verifies": the first key with the kid decides."""
    key, other = rsa_key("key-1"), rsa_key("key-1-other")
    decoy = {**public_jwk(other), "kid": "key-1"}
    keys = [public_jwk(key), decoy] if signer_first else [decoy, public_jwk(key)]
    ctx, _ = _run(sign(CLAIMS, key), _jwks(*keys))
    assert ctx.signature is not None
    assert ctx.signature.valid is signer_first
    assert ctx.signature.same_kid == ((True, False) if signer_first else (False, True))


def test_no_jwks() -> None:
    ctx = make_context(make_config(), make_settings())
    ctx.token_fetch = json_exchange(
        "https://idp.test/t", {"id_token": sign(CLAIMS, rsa_key("key-1"))}
    )
    with make_client(
        ctx.settings, transport=httpx2.MockTransport(lambda r: httpx2.Response(500))
    ) as c:
        verify.run(ctx, c)
    assert ctx.signature is not None
    assert (ctx.signature.key_found, ctx.signature.valid) == (None, None)
    assert ctx.signature.reason == "no JWKS to verify against"


def test_no_id_token() -> None:
    ctx = make_context(make_config(), make_settings())
    ctx.token_fetch = json_exchange("https://idp.test/t", {"access_token": "a"})
    with make_client(
        ctx.settings, transport=httpx2.MockTransport(lambda r: httpx2.Response(500))
    ) as c:
        verify.run(ctx, c)
    assert ctx.id_token is None
    assert ctx.signature is None
    assert ctx.stopped["id_token"] == "no ID token in the token response"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("abc", "not three dot-separated segments (found 1)"),
        ("a.b.c.d.e", "five segments: an encrypted token (JWE), not a signed JWT"),
        ("%%%.e30.", "the header is not valid base64url"),
        (f"{_b64(b'not json')}.e30.", "the header is not JSON"),
        (f"{_b64(b'[1]')}.e30.", "the header is not a JSON object"),
        (f"{_b64({'alg': 'RS256'})}..", "the payload segment is empty"),
        (f"{_b64({'alg': 'RS256'})}.{_b64(b'[]')}.", "the payload is not a JSON object"),
        (f"{_b64({'alg': 'RS256'})}.e30.a", "the signature is not valid base64url"),
    ],
)
def test_decode_errors(raw: str, error: str) -> None:
    assert decode_jwt(raw).error == error


def test_malformed_token_is_not_verified() -> None:
    ctx, seen = _run("abc", _jwks(public_jwk(rsa_key("key-1"))))
    assert seen == []
    assert ctx.signature is not None
    assert ctx.signature.valid is None
    assert "not three" in ctx.signature.reason
