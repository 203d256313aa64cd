"""RSA signing keys of the emulated pool, their JWKs, and compact JWS signing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


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
