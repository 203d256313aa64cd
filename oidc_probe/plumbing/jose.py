"""JOSE without I/O: a compact JWS decoded without trusting it, a JWKS imported as keys.

Shared by the verification stage and the JWKS checks, so both read tokens and key
sets the same way (joserfc underneath).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey, import_key

from oidc_probe.core.context import DecodedJwt
from oidc_probe.plumbing.normalise import finite_float, normalise

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")

Key = RSAKey | ECKey | OctKey | OKPKey


class _Members:
    """An ``object_pairs_hook`` that keeps the last value of a repeated name, as
    :func:`json.loads` does, and notes the names of the top-level object that repeat."""

    def __init__(self) -> None:
        self.repeated: list[str] = []
        self.last: dict[str, Any] | None = None

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        repeated = []
        for name, _ in pairs:
            if name in seen and name not in repeated:
                repeated.append(name)
            seen.add(name)
        self.repeated, self.last = repeated, dict(pairs)  # the outermost object comes last
        return self.last


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259)")


def loads_noting_repeats(
    data: str, *, allow_constants: bool = False
) -> tuple[Any, tuple[str, ...]]:
    """``json.loads`` (last value wins) and the names the top-level object repeats.

    RFC 7519 4 and RFC 7515 4 require unique member names; parsers differ on which
    duplicate they keep, so a repeated name is a finding even though the last one is used.
    ``NaN`` and ``Infinity``, which Python accepts, are refused unless ``allow_constants``.
    Raises what :func:`json.loads` raises (``ValueError``, ``RecursionError``).
    """
    members = _Members()
    constant = None if allow_constants else _not_json
    value = json.loads(
        data, object_pairs_hook=members, parse_constant=constant, parse_float=finite_float
    )
    return value, tuple(members.repeated) if value is members.last else ()


def _b64url_json(
    segment: str, part: str, notes: list[str] | None = None
) -> tuple[dict[str, Any] | None, str | None, tuple[str, ...]]:
    """The decoded JSON object (normalised: ``notes`` gets what changed), or why not, and
    the member names that appear twice in it."""
    if not segment:
        return None, f"the {part} segment is empty", ()
    if not _B64URL.match(segment) or len(segment) % 4 == 1:
        return None, f"the {part} is not valid base64url", ()
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None, f"the {part} is not valid base64url", ()
    try:  # RFC 7519 7.2 and RFC 8725 3.7: UTF-8 only (json.loads would guess UTF-16 too)
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, f"the {part} is not UTF-8", ()
    try:
        value, repeated = loads_noting_repeats(text)
    except RecursionError:
        return None, f"the {part} is JSON nested deeper than the probe's parser reads", ()
    except ValueError:
        return None, f"the {part} is not JSON", ()
    if not isinstance(value, dict):
        return None, f"the {part} is not a JSON object", ()
    normalised = normalise(value, f"the ID token {part}")
    if notes is not None:
        notes.extend(normalised.notes)
    return normalised.value, None, repeated


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
    notes: list[str] = []
    header, error, header_repeats = _b64url_json(segments[0], "header", notes)
    if header is None:
        return DecodedJwt(raw=raw, error=error)
    claims, error, claim_repeats = _b64url_json(segments[1], "payload", notes)
    if claims is None:
        return DecodedJwt(
            raw=raw, header=header, error=error, repeated_header=header_repeats, notes=tuple(notes)
        )
    signature_error = None
    if not _B64URL.match(segments[2]) or len(segments[2]) % 4 == 1:
        signature_error = "the signature is not valid base64url"
    return DecodedJwt(
        raw=raw,
        header=header,
        claims=claims,
        error=signature_error,
        repeated_header=header_repeats,
        repeated_claims=claim_repeats,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class LoadedKeys:
    """Keys of a JWKS imported one by one; broken entries are kept aside with the reason."""

    keys: tuple[Key, ...]
    broken: Mapping[str, str]  # kid (or "#index") -> why it could not be imported

    # Computed once: ``verify --tokens`` asks them of the same keys for every token.
    @cached_property
    def kids(self) -> tuple[str, ...]:
        found = [k.kid for k in self.keys if k.kid] + list(self.broken)
        return tuple(k for k in found if not k.startswith("#"))

    @cached_property
    def _by_kid(self) -> dict[str | None, tuple[Key, ...]]:
        grouped: dict[str | None, list[Key]] = {}
        for key in self.keys:
            grouped.setdefault(key.kid, []).append(key)
        return {kid: tuple(keys) for kid, keys in grouped.items()}

    def by_kid(self, kid: str) -> Key | None:
        found = self.all_by_kid(kid)
        return found[0] if found else None

    def all_by_kid(self, kid: str) -> tuple[Key, ...]:
        """Every usable key with ``kid``, in JWKS order (several: an ambiguous set)."""
        return self._by_kid.get(kid, ())


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
        why = key_unusable(entry)
        if why is not None:
            broken[label] = why
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)  # weak keys are judged by checks
                keys.append(import_key(entry))
        except (JoseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            broken[label] = describe_error(exc)
    return LoadedKeys(tuple(keys), broken)


# OpenSSL (under ``cryptography``, which verifies here) refuses RSA moduli over
# OPENSSL_RSA_MAX_MODULUS_BITS, and public exponents over 64 bits once the modulus is over
# 3072 bits (RSA_SMALL_MODULUS_BITS, RSA_MAX_PUBEXP_BITS in OpenSSL's include/openssl/rsa.h).
RSA_MAX_BITS = 16384
_RSA_SMALL_MODULUS_BITS = 3072
_RSA_MAX_PUBEXP_BITS = 64
SIGNING_CURVES = ("P-256", "P-384", "P-521")


def _b64url_int(value: Any) -> int | None:
    if not isinstance(value, str) or not value or not _B64URL.match(value):
        return None
    try:
        return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")
    except (binascii.Error, ValueError):
        return None


def key_unusable(jwk: Mapping[str, Any]) -> str | None:
    """Why no verifier can use this public JWK although its members are present, or None.

    RFC 8017 3.1: an RSA modulus n is a product of odd primes (so odd) and the public
    exponent satisfies 3 <= e <= n - 1 (and is odd, being coprime to the even lambda(n));
    sizes beyond what OpenSSL verifies with are refused too. An EC key must name a curve
    of the ES* algorithms (its point is checked on import). Members that are missing or
    not base64url are left to the import, which names them.
    """
    kty = jwk.get("kty")
    if kty == "RSA":
        n, e = _b64url_int(jwk.get("n")), _b64url_int(jwk.get("e"))
        if n is None or e is None:
            return None
        bits = n.bit_length()
        if n < 3 or n % 2 == 0:
            return (
                f"its modulus n ({bits} bits) is even, so not an RSA modulus "
                "(RFC 8017 3.1: a product of odd primes)"
                if n >= 3
                else "its modulus n is smaller than 3 (RFC 8017 3.1)"
            )
        if not 3 <= e <= n - 1:
            shown = e if e.bit_length() <= 64 else f"a {e.bit_length()}-bit number"
            return f"its public exponent e is {shown}; RFC 8017 3.1 requires 3 <= e <= n - 1"
        if e % 2 == 0:
            return (
                f"its public exponent e is {e if e.bit_length() <= 64 else 'even'}, even; "
                "RFC 8017 3.1 requires an odd e (coprime to the even lambda(n))"
            )
        if bits > RSA_MAX_BITS:
            return (
                f"its modulus is {bits} bits; verifiers (OpenSSL) refuse more than {RSA_MAX_BITS}"
            )
        if bits > _RSA_SMALL_MODULUS_BITS and e.bit_length() > _RSA_MAX_PUBEXP_BITS:
            return (
                f"its public exponent is {e.bit_length()} bits with a {bits}-bit modulus; "
                f"verifiers (OpenSSL) refuse exponents over {_RSA_MAX_PUBEXP_BITS} bits there"
            )
        return None
    if kty == "EC":
        crv = jwk.get("crv")
        if isinstance(crv, str) and crv not in SIGNING_CURVES:
            return (
                f"its curve {crv!r} is not one an ES* algorithm uses ({', '.join(SIGNING_CURVES)})"
            )
        x, y = _b64url_int(jwk.get("x")), _b64url_int(jwk.get("y"))
        if isinstance(crv, str) and x is not None and y is not None and not _on_curve(crv, x, y):
            return f"its point (x, y) is not on curve {crv}"
    return None


def _on_curve(crv: str, x: int, y: int) -> bool:
    from cryptography.hazmat.primitives.asymmetric import ec

    curves: dict[str, ec.EllipticCurve] = {
        "P-256": ec.SECP256R1(),
        "P-384": ec.SECP384R1(),
        "P-521": ec.SECP521R1(),
    }
    curve = curves[crv]
    try:
        ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    except ValueError:
        return False
    return True


def describe_error(exc: Exception) -> str:
    if isinstance(exc, JoseError):
        return exc.description or exc.error or type(exc).__name__
    if isinstance(exc, KeyError):
        return f"unsupported value {exc}"
    text = str(exc)
    if "not on the curve" in text:
        return "its point (x, y) is not on its curve"
    return text or type(exc).__name__


_KTY_FOR_ALG = {"RS": "RSA", "PS": "RSA", "ES": "EC"}
_CURVE_FOR_ALG = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


def key_misfit(jwk: Mapping[str, Any], alg: str) -> list[str]:
    """Why the JWK may not verify a token signed with ``alg`` (RFC 7517 4.2-4.4, RFC 8725 3.1).

    Its type and curve must suit ``alg``; ``use``, when present, is ``sig``; ``key_ops``,
    when present, includes ``verify``; ``alg``, when present, is the token's.
    """
    problems = []
    kty = jwk.get("kty")
    wanted = _KTY_FOR_ALG.get(alg[:2])
    if wanted is not None and kty != wanted:
        problems.append(f"it is an {kty} key and {alg} needs an {wanted} key")
    elif alg in _CURVE_FOR_ALG and jwk.get("crv") != _CURVE_FOR_ALG[alg]:
        problems.append(f"its curve is {jwk.get('crv')} and {alg} needs {_CURVE_FOR_ALG[alg]}")
    use = jwk.get("use")
    if use is not None and use != "sig":
        problems.append(f"its use is {use!r}, not 'sig'")
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
        problems.append(f"its key_ops {ops!r} do not include 'verify'")
    key_alg = jwk.get("alg")
    if key_alg is not None and key_alg != alg:
        problems.append(f"its alg is {key_alg!r} and the token's is {alg}")
    return problems
