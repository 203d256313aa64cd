"""Checks of the JSON Web Key Set at certs_url."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from oidc_probe.checks import hints
from oidc_probe.checks._support import exchange_failure, is_cognito, normalised_notes, not_run
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, failed, passed, skipped, warned
from oidc_probe.plumbing.jose import load_keys

_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_MEMBERS_BY_KTY = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x")}
MIN_RSA_BITS = 2048
# Key types of the algorithms Access accepts (RS*, PS*, ES*).
_VERIFYING_KTYS = ("RSA", "EC")


def _fetch(ctx: RunContext) -> HttpExchange | str:
    fetch = ctx.jwks_fetch
    return not_run(ctx, "jwks", "the JWKS was not fetched") if fetch is None else fetch


def _keys(ctx: RunContext) -> list[Any] | str:
    """The ``keys`` array of the key set in use, or why there is none."""
    fetch = _fetch(ctx)
    if isinstance(fetch, str):
        return fetch
    jwks = ctx.jwks
    keys = jwks.get("keys") if jwks is not None else None
    if not isinstance(keys, list) or not keys:
        return "no usable JWKS (see JWK001)"
    return keys


# The exchange that fetched the JWKS at certs_url.
JWKS_FETCH: Need[HttpExchange] = need("JWKS fetch", _fetch)
# The non-empty keys array of the key set in use.
KEYS: Need[list[Any]] = need("JWKS keys", _keys)


def _label(key: Any, index: int) -> str:
    kid = key.get("kid") if isinstance(key, dict) else None
    return f"kid {kid}" if isinstance(kid, str) and kid else f"keys[{index}]"


def _b64url_int_bits(value: Any) -> int | None:
    if not isinstance(value, str) or not _B64URL.match(value):
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return int.from_bytes(raw, "big").bit_length()


@check(
    "JWK001",
    "jwks-reachable",
    Stage.JWKS,
    refs=("RFC7517-5", "CF-generic-oidc", "COGNITO-verify-jwt"),
    needs=(JWKS_FETCH,),
)
def jwks_reachable(ctx: RunContext, fetch: HttpExchange) -> Iterator[Outcome]:
    """certs_url answers HTTP 200 with a JSON key set holding at least one key.

    What it checks: a JSON object whose ``keys`` array holds at least one RSA or EC
    key that can be imported (the key types of the algorithms Access accepts).

    Why it matters: Access verifies every ID token with the keys at certs_url. If it
    cannot read them (an error status, an HTML page, a network failure, an empty
    ``keys`` array), no login can succeed.

    How to fix: set certs_url to the provider's jwks_uri. For Cognito:
    ``https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json``.

    A value normalised on arrival (an unpaired surrogate escape replaced with U+FFFD,
    JSON nested over 64 levels kept as text) is a warning naming where.

    References: RFC 7517 section 5 (JWK Set format).
    """
    hint = hints.with_cognito(
        hints.JWKS_UNREACHABLE, hints.JWKS_UNREACHABLE_COGNITO, is_cognito(ctx)
    )
    cause = exchange_failure(fetch)
    if cause is None:
        keys = fetch.json.get("keys")
        if not isinstance(keys, list):
            cause = 'no "keys" array' if keys is None else f'"keys" is a {json_type(keys)}'
        elif not keys:
            cause = 'the "keys" array is empty'
        elif not any(k.key_type in _VERIFYING_KTYS for k in load_keys(fetch.json).keys):
            cause = f'none of the {len(keys)} entries in "keys" is a usable RSA or EC key'
    if cause is not None:
        yield failed(
            f"cannot use the JWKS at {fetch.url}: {cause}",
            hint=hint,
            expected='HTTP 200 with a JSON object holding a non-empty "keys" array',
            actual=cause,
        )
        return
    count = len(fetch.json["keys"])
    yield passed(f"JWKS at {fetch.url} holds {count} key{'s' if count != 1 else ''}")
    yield from normalised_notes(fetch.json_notes)
    refetch = ctx.jwks_refetch
    if refetch is not None:
        recause = exchange_failure(refetch)
        if recause is not None:
            yield warned(
                f"refetching the JWKS (for an unknown kid) failed: {recause}",
                hint=hint,
                subject="refetch",
                actual=recause,
            )


@check(
    "JWK002",
    "jwks-keys-well-formed",
    Stage.JWKS,
    refs=("RFC7517-4", "RFC7518-6", "OIDCC-10.1", "OIDCD-3"),
    needs=(KEYS,),
)
def jwks_keys_well_formed(ctx: RunContext, keys: list[Any]) -> Iterator[Outcome]:
    """Every key has a kty, a unique kid and the public members of its type, and can be used.

    What it checks: ``kty`` present; ``kid`` present (when there are several keys)
    and unique; ``n`` and ``e`` for RSA; ``crv``, ``x`` and ``y`` for EC; base64url
    values; and that a verifier can use each RSA or EC signing key: an RSA exponent
    e with 3 <= e <= n - 1 and odd, an odd modulus of at most 16384 bits, an EC point
    on a curve of the ES* algorithms. Encryption keys (``use: enc``) under their own
    kid and key types the probe does not know are allowed beside the signing keys
    (OpenID Connect Discovery 1.0 section 3, ``jwks_uri``); they are not judged as
    signing keys. Whether the key the token names may verify it is IDT018's question.

    Why it matters: Access picks the verification key by the token's ``kid``. A
    missing or duplicated kid, or a key without its public members, makes the
    choice ambiguous; a key no verifier can load makes verification impossible.

    How to fix: publish well-formed public keys with distinct kids. Cognito's JWKS
    is always well formed; a problem here points at a proxy or another server.

    References: RFC 7517 section 4; RFC 7518 section 6; RFC 8017 section 3.1; OpenID
    Connect Core 10.1; OpenID Connect Discovery 1.0 section 3.
    """
    kids: dict[str, int] = {}
    for key in keys:
        kid = key.get("kid") if isinstance(key, dict) else None
        if isinstance(kid, str):
            kids[kid] = kids.get(kid, 0) + 1
    bad = 0
    for index, key in enumerate(keys):
        problems = _key_problems(key, kids, several=len(keys) > 1)
        if problems:
            bad += 1
            yield failed(
                f"{_label(key, index)}: {'; '.join(problems)}",
                hint=(
                    "publish each key with kty, a unique kid and its public members, as "
                    "a verifier can load them"
                ),
                subject=_label(key, index),
                actual=problems,
            )
    if not bad:
        yield passed(f"all {len(keys)} keys are well formed")


def _key_problems(key: Any, kids: dict[str, int], *, several: bool) -> list[str]:
    if not isinstance(key, dict):
        return [f"a {json_type(key)}, not a key object"]
    problems: list[str] = []
    kty = key.get("kty")
    if not isinstance(kty, str) or not kty:
        problems.append("kty missing")
    kid = key.get("kid")
    if kid is None:
        if several:
            problems.append("kid missing (needed to choose among several keys)")
    elif not isinstance(kid, str):
        problems.append("kid is not a string")
    elif kids.get(kid, 0) > 1:
        problems.append(f"kid {kid} is used by {kids[kid]} keys")
    for member in _MEMBERS_BY_KTY.get(kty, ()) if isinstance(kty, str) else ():
        value = key.get(member)
        if value is None:
            problems.append(f"{member} missing")
        elif not isinstance(value, str) or (member != "crv" and not _B64URL.match(value)):
            problems.append(f"{member} is not base64url")
    if not problems and kty in _VERIFYING_KTYS and key.get("use") != "enc":
        broken = load_keys({"keys": [key]}).broken
        if broken:
            problems.append(f"a verifier cannot use it: {next(iter(broken.values()))}")
    return problems


@check(
    "JWK003",
    "jwks-no-private-or-symmetric-keys",
    Stage.JWKS,
    refs=("RFC7517-5", "RFC7518-6.3.2", "RFC7518-6.4"),
    needs=(KEYS,),
)
def jwks_no_private_or_symmetric_keys(ctx: RunContext, keys: list[Any]) -> Iterator[Outcome]:
    """The JWKS holds public keys only: no private members and no symmetric (oct) keys.

    Why it matters: certs_url is public. A private key (members d, p, q, dp, dq, qi)
    or a symmetric key (kty ``oct``, member k) published there lets anyone sign ID
    tokens that Access would accept, or forge HMAC tokens.

    How to fix: remove the private or symmetric keys from the key set and rotate
    them, since they must be considered compromised.

    References: RFC 7517 section 5; RFC 7518 sections 6.3.2 and 6.4.
    """
    bad = 0
    for index, key in enumerate(keys):
        if not isinstance(key, dict):
            continue
        members = [m for m in _PRIVATE_MEMBERS if m in key]
        symmetric = key.get("kty") == "oct"
        if not members and not symmetric:
            continue
        bad += 1
        what = []
        if symmetric:
            what.append("a symmetric key (kty oct)")
        if members:
            what.append("private members " + ", ".join(members))
        yield failed(
            f"{_label(key, index)} publishes {' with '.join(what)}",
            hint=hints.PRIVATE_KEY_PUBLISHED,
            subject=_label(key, index),
            expected="public key members only",
            actual=members or ["kty oct"],
        )
    if not bad:
        yield passed(f"all {len(keys)} keys are public keys")


@check(
    "JWK004",
    "jwks-rsa-key-size",
    Stage.JWKS,
    refs=("RFC8725-3.5", "RFC7518-3.3", "COGNITO-verify-jwt"),
    needs=(KEYS,),
)
def jwks_rsa_key_size(ctx: RunContext, keys: list[Any]) -> Iterator[Outcome]:
    """RSA signing keys in the JWKS are at least 2048 bits long.

    Why it matters: RSA keys shorter than 2048 bits can be factored with feasible
    effort; whoever does so can sign ID tokens that Access accepts. RFC 7518 requires
    2048 bits for RS and PS algorithms.

    How to fix: rotate to a 2048-bit (or longer) RSA key, or an EC key. Cognito's
    keys are 2048 bits.

    References: RFC 8725 section 3.5; RFC 7518 section 3.3.
    """
    sizes: list[int] = []
    for index, key in enumerate(keys):
        if not isinstance(key, dict) or key.get("kty") != "RSA":
            continue
        bits = _b64url_int_bits(key.get("n"))
        if bits is None:
            yield skipped(
                f"{_label(key, index)}: n is missing or not base64url (see JWK002)",
                subject=_label(key, index),
            )
            continue
        sizes.append(bits)
        if bits < MIN_RSA_BITS:
            yield failed(
                f"{_label(key, index)} is a {bits}-bit RSA key",
                hint=hints.RSA_KEY_SIZE,
                subject=_label(key, index),
                expected=f">= {MIN_RSA_BITS} bits",
                actual=f"{bits} bits",
            )
    if not sizes:
        if not any(isinstance(k, dict) and k.get("kty") == "RSA" for k in keys):
            yield skipped("the JWKS holds no RSA keys")
        return
    if all(bits >= MIN_RSA_BITS for bits in sizes):
        yield passed(
            f"every RSA key is at least {MIN_RSA_BITS} bits",
            actual=[f"{bits} bits" for bits in sizes],
        )
