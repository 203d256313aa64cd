"""Decode the ID token without trusting it, then verify its signature as Access would.

Only the signature is judged here (with joserfc): algorithms limited to
:data:`~oidc_probe.core.settings.ACCESS_ALGORITHMS`, the key chosen from the JWKS by
``kid`` and never from ``jku``/``x5u``/``jwk``/``x5c`` header parameters, one
JWKS refetch when the ``kid`` is unknown. A header with ``crit`` or ``b64`` (JWS
extensions no ID token uses) is refused before any key is tried, since joserfc
would verify an RFC 7797 unencoded-payload token. Claims are left to the checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError

from oidc_probe.core.context import DecodedJwt, RunContext, SignatureResult
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import ACCESS_ALGORITHMS
from oidc_probe.plumbing.http import MAX_BODY_BYTES
from oidc_probe.plumbing.jose import (
    Key,
    LoadedKeys,
    decode_jwt,
    describe_error,
    key_misfit,
    load_keys,
)
from oidc_probe.stages.jwks import fetch_jwks

KEY = Stage.ID_TOKEN.key
_KTY_FOR_ALG = {"RS": "RSA", "PS": "RSA", "ES": "EC"}


def run(ctx: RunContext, client: httpx2.Client) -> None:
    response = ctx.token_response
    raw = response.get("id_token") if response is not None else None
    if not isinstance(raw, str) or not raw:
        ctx.stopped[KEY] = "no ID token in the token response"
        return
    ctx.id_token = decode_jwt(raw)
    ctx.signature = verify_signature(ctx, client, ctx.id_token)


def verify_signature(
    ctx: RunContext,
    client: httpx2.Client,
    token: DecodedJwt,
    keys: LoadedKeys | None = None,
    *,
    refetch: bool = True,
) -> SignatureResult:
    """Judge the signature of ``token``; ``keys`` are ``ctx.jwks`` already imported, if given.

    The JWKS refetch for an unknown kid goes through ``ctx.jwks_refetcher`` when set;
    ``refetch=False`` judges with the keys at hand (a later token of the same run, whose
    JWKS findings must not change after the main ID token was verified).
    """
    header = token.header or {}
    alg = header.get("alg") if isinstance(header.get("alg"), str) else None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if token.error is not None:
        return SignatureResult(alg, kid, None, None, f"not verified: {token.error}")
    size = len(token.raw.strip().encode("utf-8", "replace"))
    if size > MAX_BODY_BYTES:
        return SignatureResult(
            alg,
            kid,
            None,
            None,
            f"not verified: the token is {size:,} bytes, over the {MAX_BODY_BYTES:,}-byte "
            "(1 MiB) cap on what the probe reads from a server",
        )
    if alg not in ACCESS_ALGORITHMS:
        shown = alg if alg is not None else repr(header.get("alg"))
        return SignatureResult(alg, kid, None, None, f"alg {shorten(shown)} is not accepted")
    extensions = [name for name in ("crit", "b64") if name in header]
    if extensions:
        return SignatureResult(
            alg,
            kid,
            None,
            None,
            f"the header declares {' and '.join(extensions)}, JWS extensions an ID-token "
            "verifier does not understand and must reject (see IDT014)",
        )
    if ctx.jwks is None:
        return SignatureResult(alg, kid, None, None, "no JWKS to verify against")
    loaded = keys if keys is not None else load_keys(ctx.jwks)
    refetched = False
    if refetch and kid is not None and kid not in loaded.kids:
        fetched = (ctx.jwks_refetcher or fetch_jwks)(ctx, client)
        if fetched is not None:
            ctx.jwks_refetch = fetched
            refetched = True
            loaded = load_keys(ctx.jwks)
    known = loaded.kids

    def result(
        key_found: bool | None,
        valid: bool | None,
        reason: str,
        problems: tuple[str, ...] = (),
        same_kid: tuple[bool, ...] = (),
        unusable: str = "",
    ) -> SignatureResult:
        return SignatureResult(
            alg, kid, key_found, valid, reason, refetched, known, problems, same_kid, unusable
        )

    if kid is not None:
        entry = _entry(ctx.jwks, kid)
        problems = tuple(key_misfit(entry, alg)) if entry else ()
        if problems:
            return result(
                True,
                None,
                f"key {shorten(kid)} may not verify {alg} tokens: {'; '.join(problems)} (see IDT018)",
                problems,
            )
        if kid in loaded.broken and loaded.by_kid(kid) is None:
            why = loaded.broken[kid]
            return result(
                True, None, f"key {shorten(kid)} in the JWKS cannot be used: {why}", unusable=why
            )
        key = loaded.by_kid(kid)
        if key is None:
            again = " (also after refetching the JWKS)" if refetched else ""
            return result(False, None, f"kid {shorten(kid)} is not in the JWKS{again}")
    else:
        kty = _KTY_FOR_ALG.get(alg[:2], "")
        candidates = [k for k in loaded.keys if k.key_type == kty]
        if len(candidates) != 1:
            return result(False, None, f"no kid and {len(candidates)} {kty} keys in the JWKS")
        key = candidates[0]
        problems = tuple(key_misfit(key.as_dict(private=False), alg))
        if problems:
            return result(
                True,
                None,
                f"the only {key.key_type} key may not verify {alg} tokens: "
                f"{'; '.join(problems)} (see IDT018)",
                problems,
            )
    same_kid = _each_verifies(token, loaded.all_by_kid(kid), alg) if kid is not None else ()
    verified, why = _verify_with(token, key, alg)
    if verified is None:
        return result(True, None, why, same_kid=same_kid)
    if not verified:
        return result(True, False, why, same_kid=same_kid)
    return result(
        True,
        True,
        f"signature verified with key {key.kid or '(no kid)'} ({alg})",
        same_kid=same_kid,
    )


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: values from the token in messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _entry(jwks: Mapping[str, Any] | None, kid: str) -> Mapping[str, Any]:
    """The first JWKS entry with ``kid``, as published (a key joserfc refused included)."""
    entries = jwks.get("keys") if jwks is not None else None
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and entry.get("kid") == kid:
            return entry
    return {}


def _verify_with(token: DecodedJwt, key: Key, alg: str) -> tuple[bool | None, str]:
    """Whether ``key`` verifies the token (``None``: the verifier refused the token before
    checking the signature, e.g. a registered header parameter of the wrong type), and why not."""
    try:
        jws.deserialize_compact(token.raw.strip(), key, registry=_registry(alg))
    except BadSignatureError:
        return False, "the signature does not match the key"
    except (JoseError, ValueError, TypeError) as exc:
        return None, (
            f"the verifier refused the token before checking the signature with key "
            f"{shorten(key.kid or '(no kid)')}: {shorten(describe_error(exc), 200)}"
        )
    return True, ""


def _each_verifies(token: DecodedJwt, keys: tuple[Key, ...], alg: str) -> tuple[bool, ...]:
    """For an ambiguous kid: which of its keys verify, to tell the user (never to accept)."""
    if len(keys) < 2:
        return ()
    return tuple(_verify_with(token, key, alg)[0] is True for key in keys)


def _registry(alg: str) -> jws.JWSRegistry:
    """Only ``alg``; header parameters it does not know are ignored (RFC 7515 4), not refused.

    joserfc's defaults refuse unknown header parameters and headers over 512 bytes, which
    would fail valid tokens that carry an ``x5c`` chain; the keys still come only from
    the JWKS, never from the header.
    """
    registry = jws.JWSRegistry(algorithms=[alg], strict_check_header=False)
    # joserfc's defaults (a 128,000-byte payload) would call a large valid token's
    # signature bad; the limit is the probe's response cap, checked before (issue 19).
    registry.max_header_length = MAX_BODY_BYTES
    registry.max_payload_length = MAX_BODY_BYTES
    registry.max_signature_length = MAX_BODY_BYTES
    return registry
