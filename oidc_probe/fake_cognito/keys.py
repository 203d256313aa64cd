"""RSA signing keys of the emulated pool, their JWKs, and compact JWS signing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    """One RSA key with a Cognito-looking ``kid`` (Base64 of a SHA-256 digest)."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls, bits: int = 2048) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        kid = base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")
        return cls(kid=kid, private_key=key)

    @property
    def bits(self) -> int:
        return self.private_key.key_size

    def public_jwk(self) -> dict[str, str]:
        """The JWK as Cognito lists it: alg, e, kid, kty, n, use."""
        numbers = self.private_key.public_key().public_numbers()
        return {
            "alg": "RS256",
            "e": _int_b64(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _int_b64(numbers.n),
            "use": "sig",
        }

    def private_jwk(self) -> dict[str, str]:
        """The JWK including the private parts (only for the private-key-in-jwks fault)."""
        private = self.private_key.private_numbers()
        return {
            **self.public_jwk(),
            "d": _int_b64(private.d),
            "p": _int_b64(private.p),
            "q": _int_b64(private.q),
            "dp": _int_b64(private.dmp1),
            "dq": _int_b64(private.dmq1),
            "qi": _int_b64(private.iqmp),
        }

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@dataclass(frozen=True)
class PoolKeys:
    """Cognito signs ID tokens and access tokens with two different keys."""

    id_key: SigningKey
    access_key: SigningKey

    @classmethod
    def generate(cls, bits: int = 2048) -> PoolKeys:
        return cls(id_key=SigningKey.generate(bits), access_key=SigningKey.generate(bits))


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def sign_rs256(header: dict[str, Any], claims: dict[str, Any], key: SigningKey) -> str:
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False)
    return sign_rs256_payload(header, payload, key)


def sign_rs256_payload(header: dict[str, Any], payload: str, key: SigningKey) -> str:
    """RS256 over a payload given as JSON text, which may repeat names (a fault)."""
    signing_input = f"{_segment({'alg': 'RS256', **header})}.{b64url(payload.encode('utf-8'))}"
    signature = key.private_key.sign(
        signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{signing_input}.{b64url(signature)}"


def sign_hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{_segment({**header, 'alg': 'HS256'})}.{_segment(claims)}"
    digest = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(digest)}"


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A JWT with ``alg: none`` and an empty signature."""
    return f"{_segment({**header, 'alg': 'none'})}.{_segment(claims)}."


def replace_payload(token: str, claims: dict[str, Any]) -> str:
    """The same header and signature over a different payload: a forged token."""
    header, _, signature = token.split(".")
    return f"{header}.{_segment(claims)}.{signature}"


def at_hash(access_token: str) -> str:
    """OIDC Core 3.1.3.6: left half of SHA-256 of the access token, base64url."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


# A fixed P-256 key for the signing-key-ec-off-curve fault: the ID token is signed ES256 with
# it, and the JWKS publishes its public point with y bent off the curve.
_EC_FAULT_KEY = ec.derive_private_key(0x5EED_0F_0FF_C0DE_1D_70_4E_2026, ec.SECP256R1())


def sign_es256(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """ES256 (RFC 7518 3.4: r and s, 32 bytes each) with the fault's fixed P-256 key."""
    signing_input = f"{_segment({**header, 'alg': 'ES256'})}.{_segment(claims)}"
    der = _EC_FAULT_KEY.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def ec_jwk(kid: str) -> dict[str, str]:
    """The fault key's public JWK (P-256, ES256)."""
    numbers = _EC_FAULT_KEY.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }


def ec_jwk_off_curve(kid: str) -> dict[str, str]:
    """The fault key's public JWK with y + 1: a point not on P-256 (built by hand,
    since ``cryptography`` refuses to make such a key)."""
    y = _EC_FAULT_KEY.public_key().public_numbers().y
    return {**ec_jwk(kid), "y": b64url(((y + 1) % (2**256)).to_bytes(32, "big"))}


def unusable_rsa_jwk(jwk: dict[str, str], how: str) -> dict[str, str]:
    """The RSA JWK with a member no verifier accepts, built by hand (``cryptography``
    refuses to create such keys): ``e1``, ``e-even``, ``n-even`` or ``oversized``."""
    n = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")
    bent = dict(jwk)
    if how == "e1":
        bent["e"] = _int_b64(1)
    elif how == "e-even":
        bent["e"] = _int_b64(65536)
    elif how == "n-even":
        bent["n"] = _int_b64(n - 1)
    elif how == "oversized":
        bent["n"] = _int_b64(n + (1 << 16399))
    return bent
