"""Files the benchmark generates: a pool with many users, users files, and signed ID tokens."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

POOL_ID = "us-east-1_BenchPool1"
CLIENT_ID = "5benchclient000000000000001"
CLIENT_SECRET = "bench-secret-not-for-production-use-0000000001"
CALLBACK = "http://localhost:8765/callback"
PASSWORD = "Bench-Passw0rd!"


def username(index: int) -> str:
    return f"bench{index:03d}"


def password_env(index: int) -> str:
    return f"BENCH_PASSWORD_{index:03d}"


def write_pool(path: Path, users: int) -> Path:
    """A pool file for ``fake-cognito --pool`` with ``users`` users (one group each)."""
    pool = {
        "pool_id": POOL_ID,
        "clients": [
            {
                "name": "bench",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "callback_urls": [CALLBACK],
                "allowed_scopes": ["openid", "email", "profile"],
                "allowed_flows": ["code"],
            }
        ],
        "users": [
            {
                "username": username(i),
                "password": PASSWORD,
                "attributes": {
                    "email": f"{username(i)}@example.com",
                    "email_verified": True,
                    "name": f"Bench User {i}",
                },
                "groups": ["bench"],
            }
            for i in range(users)
        ],
    }
    path.write_text(json.dumps(pool, indent=1))
    return path


def password_environ(users: int) -> dict[str, str]:
    return {password_env(i): PASSWORD for i in range(users)}


def write_users(path: Path, users: int) -> Path:
    """A ``--users`` file (JSON) naming the first ``users`` users of the pool."""
    doc = {
        "users": [{"username": username(i), "password_env": password_env(i)} for i in range(users)]
    }
    path.write_text(json.dumps(doc, indent=1))
    return path


def probe_config(base_url: str) -> dict[str, object]:
    """Cloudflare's identity-provider JSON for the bench pool at ``base_url``."""
    issuer = f"{base_url}/{POOL_ID}"
    return {
        "name": "bench",
        "type": "oidc",
        "config": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_url": f"{base_url}/oauth2/authorize",
            "token_url": f"{base_url}/oauth2/token",
            "certs_url": f"{issuer}/.well-known/jwks.json",
            "scopes": ["openid", "email", "profile"],
            "claims": ["cognito:groups"],
            "pkce_enabled": False,
        },
    }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _uint(number: int) -> str:
    return _b64(number.to_bytes((number.bit_length() + 7) // 8, "big"))


def write_tokens(
    directory: Path, counts: Sequence[int], base_url: str
) -> tuple[dict[int, Path], Path, Path]:
    """Files of RS256 ID tokens (one per count) signed with one throwaway key, its JWKS, a config.

    The tokens pass every check ``oidc-probe verify`` runs (iss, aud, exp, iat,
    ``token_use``, email, the configured claim). Returns ({count: tokens}, jwks, config).
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    kid = "bench-key-1"
    jwks = {
        "keys": [
            {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256"}
            | {"n": _uint(numbers.n), "e": _uint(numbers.e)}
        ]
    }
    issuer = f"{base_url}/{POOL_ID}"
    header = _b64(json.dumps({"alg": "RS256", "kid": kid, "typ": "JWT"}).encode())
    now = int(time.time())
    lines = []
    for i in range(max(counts)):
        claims = {
            "sub": f"00000000-0000-4000-8000-{i:012d}",
            "iss": issuer,
            "aud": CLIENT_ID,
            "token_use": "id",
            "auth_time": now,
            "iat": now,
            "exp": now + 3600,
            "email": f"{username(i)}@example.com",
            "email_verified": True,
            "cognito:username": username(i),
            "cognito:groups": ["bench"],
        }
        signing_input = f"{header}.{_b64(json.dumps(claims).encode())}"
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        lines.append(f"{signing_input}.{_b64(signature)}")
    tokens = {n: directory / f"tokens-{n}.txt" for n in counts}
    for n, path in tokens.items():
        path.write_text("\n".join(lines[:n]) + "\n")
    jwks_path = directory / "jwks.json"
    jwks_path.write_text(json.dumps(jwks))
    config = directory / "verify-config.json"
    config.write_text(json.dumps(probe_config(base_url)))
    return tokens, jwks_path, config
