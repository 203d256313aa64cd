"""Decode the ID token without trusting it, then verify its signature as Access would.

Only the signature is judged here (with joserfc): algorithms limited to
:data:`~oidc_probe.core.settings.ACCESS_ALGORITHMS`, the key chosen from the JWKS by
``kid`` and never from ``jku``/``x5u``/``jwk``/``x5c`` header parameters, one
JWKS refetch when the ``kid`` is unknown. Claims are left to the checks.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError, SecurityWarning
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey, import_key

from oidc_probe.core.context import DecodedJwt, RunContext, SignatureResult
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import ACCESS_ALGORITHMS
from oidc_probe.stages.jwks import fetch_jwks

KEY = Stage.ID_TOKEN.key
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_KTY_FOR_ALG = {"RS": "RSA", "PS": "RSA", "ES": "EC"}

Key = RSAKey | ECKey | OctKey | OKPKey


def _b64url_json(segment: str, part: str) -> tuple[dict[str, Any] | None, str | None]:
    if not segment:
        return None, f"the {part} segment is empty"
    if not _B64URL.match(segment) or len(segment) % 4 == 1:
        return None, f"the {part} is not valid base64url"
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None, f"the {part} is not valid base64url"
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None, f"the {part} is not JSON"
    if not isinstance(value, dict):
        return None, f"the {part} is not a JSON object"
    return value, None


def decode_jwt(raw: str) -> DecodedJwt:
    """Split a compact JWS into header and claims, without verifying anything."""
    segments = raw.strip().split(".")
    if len(segments) == 5:
        return DecodedJwt(
            raw=raw, error="five segments: an encrypted token (JWE), not a signed JWT"
        )
    if len(segments) != 3:
        return DecodedJwt(
            raw=raw, error=f"not three dot-separated segments (found {len(segments)})"
        )
    header, error = _b64url_json(segments[0], "header")
    if header is None:
        return DecodedJwt(raw=raw, error=error)
    claims, error = _b64url_json(segments[1], "payload")
    if claims is None:
        return DecodedJwt(raw=raw, header=header, error=error)
    if not _B64URL.match(segments[2]) or len(segments[2]) % 4 == 1:
        return DecodedJwt(
            raw=raw, header=header, claims=claims, error="the signature is not valid base64url"
        )
    return DecodedJwt(raw=raw, header=header, claims=claims)


@dataclass(frozen=True)
class LoadedKeys:
    """Keys of a JWKS imported one by one; broken entries are kept aside with the reason."""

    keys: tuple[Key, ...]
    broken: Mapping[str, str]  # kid (or "#index") -> why it could not be imported

    @property
    def kids(self) -> tuple[str, ...]:
        found = [k.kid for k in self.keys if k.kid] + list(self.broken)
        return tuple(k for k in found if not k.startswith("#"))

    def by_kid(self, kid: str) -> Key | None:
        return next((k for k in self.keys if k.kid == kid), None)


def load_keys(jwks: Mapping[str, Any] | None) -> LoadedKeys:
    entries = jwks.get("keys") if jwks is not None else None
    if not isinstance(entries, list):
        return LoadedKeys((), {})
    keys: list[Key] = []
    broken: dict[str, str] = {}
    for index, entry in enumerate(entries):
        label = entry.get("kid") if isinstance(entry, dict) else None
        label = label if isinstance(label, str) else f"#{index}"
        if not isinstance(entry, dict):
            broken[label] = "not a JSON object"
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)  # weak keys are judged by checks
                keys.append(import_key(entry))
        except (JoseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            broken[label] = _describe(exc)
    return LoadedKeys(tuple(keys), broken)


def _describe(exc: Exception) -> str:
    if isinstance(exc, JoseError):
        return exc.description or exc.error or type(exc).__name__
    return str(exc) or type(exc).__name__


def run(ctx: RunContext, client: httpx2.Client) -> None:
    response = ctx.token_response
    raw = response.get("id_token") if response is not None else None
    if not isinstance(raw, str) or not raw:
        ctx.stopped[KEY] = "no ID token in the token response"
        return
    ctx.id_token = decode_jwt(raw)
    ctx.signature = verify_signature(ctx, client, ctx.id_token)


def verify_signature(
    ctx: RunContext, client: httpx2.Client, token: DecodedJwt, keys: LoadedKeys | None = None
) -> SignatureResult:
    """Judge the signature of ``token``; ``keys`` are ``ctx.jwks`` already imported, if given.

    The JWKS refetch for an unknown kid goes through ``ctx.jwks_refetcher`` when set.
    """
    header = token.header or {}
    alg = header.get("alg") if isinstance(header.get("alg"), str) else None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if token.error is not None:
        return SignatureResult(alg, kid, None, None, f"not verified: {token.error}")
    if alg not in ACCESS_ALGORITHMS:
        shown = alg if alg is not None else repr(header.get("alg"))
        return SignatureResult(alg, kid, None, None, f"alg {shown} is not accepted")
    if ctx.jwks is None:
        return SignatureResult(alg, kid, None, None, "no JWKS to verify against")
    loaded = keys if keys is not None else load_keys(ctx.jwks)
    refetched = False
    if kid is not None and kid not in loaded.kids:
        refetch = (ctx.jwks_refetcher or fetch_jwks)(ctx, client)
        if refetch is not None:
            ctx.jwks_refetch = refetch
            refetched = True
            loaded = load_keys(ctx.jwks)
    known = loaded.kids

    def result(key_found: bool | None, valid: bool | None, reason: str) -> SignatureResult:
        return SignatureResult(alg, kid, key_found, valid, reason, refetched, known)

    if kid is not None:
        if kid in loaded.broken:
            return result(True, None, f"key {kid} in the JWKS cannot be used: {loaded.broken[kid]}")
        key = loaded.by_kid(kid)
        if key is None:
            again = " (also after refetching the JWKS)" if refetched else ""
            return result(False, None, f"kid {kid} is not in the JWKS{again}")
    else:
        kty = _KTY_FOR_ALG.get(alg[:2], "")
        candidates = [k for k in loaded.keys if k.key_type == kty]
        if len(candidates) != 1:
            return result(False, None, f"no kid and {len(candidates)} {kty} keys in the JWKS")
        key = candidates[0]
    try:
        jws.deserialize_compact(token.raw.strip(), key, registry=_registry(alg))
    except BadSignatureError:
        return result(True, False, "the signature does not match the key")
    except (JoseError, ValueError, TypeError) as exc:
        return result(
            True, False, f"cannot verify with key {key.kid or '(no kid)'}: {_describe(exc)}"
        )
    return result(True, True, f"signature verified with key {key.kid or '(no kid)'} ({alg})")


def _registry(alg: str) -> jws.JWSRegistry:
    """Only ``alg``; header parameters it does not know are ignored (RFC 7515 4), not refused.

    joserfc's defaults refuse unknown header parameters and headers over 512 bytes, which
    would fail valid tokens that carry an ``x5c`` chain; the keys still come only from
    the JWKS, never from the header.
    """
    registry = jws.JWSRegistry(algorithms=[alg], strict_check_header=False)
    registry.max_header_length = 16 * 1024
    registry.max_signature_length = 4 * 1024
    return registry
