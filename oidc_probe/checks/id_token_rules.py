"""ID-token checks, part three (IDT013-IDT017): nbf, crit and b64, typ, unique names, lifetime.

The clauses of RFC 7519, RFC 7515, RFC 7797 and RFC 8725 that a token can break
while its signature, issuer, audience and expiry are all fine. Registered when
:mod:`oidc_probe.checks.id_token` is imported. The raw token is never quoted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from oidc_probe.checks.id_token_claims import (
    _CLOCK_HINT,
    MILLISECONDS_THRESHOLD,
    _number,
    _seconds,
    _when,
)
from oidc_probe.checks.needs import CLAIMS, HEADED_ID_TOKEN, HEADER
from oidc_probe.checks.registry import check
from oidc_probe.core.artefacts import DecodedJwt
from oidc_probe.core.cognito import is_cognito_issuer
from oidc_probe.core.context import RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, Status, failed, passed, skipped, warned

# Header parameters RFC 7515 4.1 registers: crit must never list them (4.1.11).
REGISTERED_HEADER_PARAMS = frozenset(
    {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}
)
# typ values that say "a JWT" without naming a kind (RFC 7519 5.1, compared case-insensitively).
PLAIN_JWT_TYPES = frozenset({"jwt", "application/jwt"})
# Cognito's longest ID-token lifetime (app client setting, 5 minutes to 1 day).
COGNITO_MAX_LIFETIME = 86_400
DAY = 86_400
YEAR = 365 * DAY


@check(
    "IDT013",
    "id-token-nbf-valid",
    Stage.ID_TOKEN,
    refs=("RFC7519-4.1.5", "RFC8725-3.10"),
    needs=(CLAIMS,),
)
def id_token_nbf_valid(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """When the ID token has ``nbf``, it is a number of seconds and not in the future.

    Why it matters: RFC 7519 says a token MUST NOT be accepted before its ``nbf``
    ("not before") time, allowing a small leeway for clock skew. A token used early was
    minted for later, or the provider's clock is far ahead. ``nbf`` is optional and
    Cognito does not set it in ID tokens, so its absence passes.

    Access: whether Access checks ``nbf`` on ID tokens is not documented (unknown); the
    spec's verdict is kept.

    How to fix: synchronise the clocks (NTP); the provider must not set ``nbf`` later
    than ``iat``. ``--leeway SECONDS`` widens the tolerance the probe allows.

    References: RFC 7519 section 4.1.5 (nbf); RFC 8725 section 3.10.
    """
    if "nbf" not in claims:
        yield passed("the ID token has no nbf claim (optional): usable at once")
        return
    raw = claims.get("nbf")
    nbf = _seconds("nbf", raw)
    if isinstance(nbf, Outcome):
        yield nbf
        return
    now = ctx.now()
    leeway = ctx.settings.leeway
    if nbf > now + leeway:
        yield failed(
            f"the ID token is not valid before {_when(nbf)}, {int(nbf - now)} s from now "
            f"(leeway {leeway} s): it must not be accepted yet",
            hint=_CLOCK_HINT,
            expected=f"nbf <= now + {leeway}",
            actual=raw,
        )
        return
    yield passed(f"the ID token's nbf ({_when(nbf)}) has passed", actual=raw)


@check(
    "IDT014",
    "id-token-crit-understood",
    Stage.ID_TOKEN,
    refs=("RFC7515-4.1.11", "RFC7797-6", "RFC7797-7", "RFC8725-3.1"),
    needs=(HEADER,),
)
def id_token_crit_understood(ctx: RunContext, header: dict[str, object]) -> Iterator[Outcome]:
    """The ID token header has no ``crit`` extensions and no ``b64`` parameter.

    What it checks: a ``crit`` header parameter lists extensions the verifier MUST
    understand or reject the token (RFC 7515 4.1.11); it must be a non-empty array
    naming parameters present in the header, never registered ones. ID tokens use no
    JWS extension, so any ``crit`` fails here. ``b64`` (RFC 7797's unencoded payload)
    is not for JWTs: a JWT's payload is always base64url-encoded claims, so a header
    saying ``b64: false`` contradicts the token, whatever the signature.

    Why it matters: verifiers that ignore ``crit`` treat such a token as ordinary while
    others reject it, or read the payload differently: the same token means different
    things to different relying parties.

    Access: unknown whether Access rejects ``crit``; the spec says reject.

    How to fix: the identity provider must sign ID tokens with a plain JWS header
    (``alg``, ``kid``, optionally ``typ``). Cognito's header is ``{"kid", "alg"}``; a
    ``crit`` means the token was not minted by Cognito unchanged.

    References: RFC 7515 section 4.1.11 (crit); RFC 7797 sections 6 and 7 (b64, not for
    JWTs); RFC 8725 section 3.1.
    """
    problems: list[str] = []
    crit = header.get("crit")
    if "crit" in header:
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            problems.append(f"crit is {json_type(crit)}, not a non-empty array of names")
        else:
            registered = sorted(set(crit) & REGISTERED_HEADER_PARAMS)
            absent = [c for c in crit if c not in header]
            if registered:
                problems.append(f"crit lists registered parameter(s) {', '.join(registered)}")
            if absent:
                problems.append(f"crit names {', '.join(absent)}, absent from the header")
            problems.append(
                f"crit requires extension(s) {', '.join(crit)} that an ID-token verifier "
                "does not understand"
            )
    if "b64" in header:
        b64 = header.get("b64")
        problems.append(
            f"b64 is {b64!r} (RFC 7797): JWTs always have a base64url-encoded payload"
            + (", yet the header says it is not encoded" if b64 is False else "")
        )
    if problems:
        yield failed(
            "the ID token header demands extensions a verifier must reject: " + "; ".join(problems),
            hint=(
                "the identity provider must sign ID tokens with a plain JWS header, without "
                "crit or b64 (Cognito's is alg and kid only)"
            ),
            expected="no crit, no b64",
            actual={k: header[k] for k in ("crit", "b64") if k in header},
        )
        return
    yield passed("the ID token header has no crit extensions and no b64")


@check(
    "IDT015",
    "id-token-typ",
    Stage.ID_TOKEN,
    refs=("RFC8725-3.11", "RFC7519-5.1", "RFC9068-2.1"),
    needs=(HEADER,),
)
def id_token_typ(ctx: RunContext, header: dict[str, object]) -> Iterator[Outcome]:
    """The ID token header's ``typ``, when present, says "JWT" and names no other kind of token.

    What it checks: no ``typ`` or ``JWT``/``application/jwt`` (case-insensitive) pass.
    A ``typ`` naming another kind of JWT fails: ``at+jwt`` (an RFC 9068 access token),
    ``logout+jwt``, ``secevent+jwt``... Any other value is a warning. A ``cty`` is a
    warning too (RFC 7519 5.2: not recommended without nesting), and ``cty: JWT``, which
    announces a nested JWT, fails.

    Why it matters: explicit typing (RFC 8725 3.11) exists so one kind of JWT cannot be
    taken for another; a relying party that honours it must refuse an access token
    presented as an ID token, even when the signature and claims look right.

    Access: unknown whether Access reads ``typ``; the spec's verdict is kept.

    How to fix: the identity provider must return its ID token as ``id_token``, not an
    access token; Cognito's ID tokens have no ``typ`` at all.

    References: RFC 8725 section 3.11 (explicit typing); RFC 7519 section 5.1 (typ);
    RFC 9068 section 2.1 (at+jwt).
    """
    yield _typ_outcome(header)
    if "cty" in header:
        yield _cty_outcome(header.get("cty"))


def _cty_outcome(cty: object) -> Outcome:
    """RFC 7519 5.2: cty is NOT RECOMMENDED without nesting; cty JWT announces a nested JWT."""
    if isinstance(cty, str) and cty.lower().removeprefix("application/") == "jwt":
        return failed(
            "cty JWT says the payload is another, nested JWT, but an ID token's payload is "
            "its claims",
            hint="the identity provider must not nest ID tokens or set cty",
            subject="cty",
            expected="no cty",
            actual=cty,
        )
    return warned(
        f"the ID token header sets cty ({cty if isinstance(cty, str) else json_type(cty)}), "
        "which RFC 7519 does not recommend for a JWT that is not nested",
        hint="ID tokens carry no cty",
        subject="cty",
        expected="no cty",
        actual=cty if isinstance(cty, str) else json_type(cty),
    )


def _typ_outcome(header: dict[str, object]) -> Outcome:
    if "typ" not in header:
        return passed("the ID token header has no typ (allowed)")
    typ = header.get("typ")
    if not isinstance(typ, str):
        return failed(
            f"typ is a {json_type(typ)}, not a string",
            hint="typ, when present, must be the string JWT",
            expected="JWT",
            actual=json_type(typ),
        )
    kind = typ.lower().removeprefix("application/")
    if kind == "jwt":
        return passed(f"typ is {typ}", actual=typ)
    if kind.endswith("+jwt"):
        what = "an OAuth access token (RFC 9068)" if kind == "at+jwt" else f"a {kind} token"
        return failed(
            f"typ {typ} says this is {what}, not an ID token: explicit typing forbids "
            "accepting it as one",
            hint=(
                "the token endpoint must return the ID token as id_token; check for proxies "
                "or custom token endpoints that swap the tokens"
            ),
            expected="no typ, or JWT",
            actual=typ,
        )
    return warned(
        f"typ {typ} is not JWT: an unusual type for an ID token",
        hint="ID tokens carry no typ or typ JWT",
        expected="no typ, or JWT",
        actual=typ,
    )


@check(
    "IDT016",
    "id-token-names-unique",
    Stage.ID_TOKEN,
    refs=("RFC7519-4", "RFC7515-4", "RFC8725-3.9"),
    needs=(HEADED_ID_TOKEN,),
)
def id_token_names_unique(ctx: RunContext, token: DecodedJwt) -> Iterator[Outcome]:
    """No claim name appears twice in the ID token payload, nor a parameter twice in its header.

    Why it matters: RFC 7519 says claim names MUST be unique and lets a parser reject
    duplicates or keep the last. The probe keeps the last (as Python's and most JSON
    parsers do); a relying party that keeps the first sees another value, for example
    another issuer. A provider that repeats names is non-conformant.

    Access: unknown which value Access keeps; the spec's verdict is kept.

    How to fix: the identity provider (or the pre token generation Lambda) must not
    write a claim that is already set; with Cognito, a Lambda's ``claimsToAddOrOverride``
    replaces a claim rather than repeating it, so a repeat points at a custom issuer.

    References: RFC 7519 section 4; RFC 7515 section 4; RFC 8725 section 3.9.
    """
    repeated = [f"header {name}" for name in token.repeated_header]
    repeated += [f"claim {name}" for name in token.repeated_claims]
    if repeated:
        yield failed(
            f"the ID token repeats {', '.join(repeated)}: the probe used the last value, a "
            "relying party that takes the first sees another",
            hint="the identity provider must write each claim and header parameter once",
            expected="unique names",
            actual=list(token.repeated_header) + list(token.repeated_claims),
        )
        return
    if token.claims is None:
        yield skipped("the ID token payload could not be decoded (see IDT001)")
        return
    yield passed("every claim and header parameter name appears once")


def _duration(seconds: float) -> str:
    if seconds >= 2 * YEAR:
        return f"{seconds / YEAR:.1f} years ({int(seconds)} s)"
    if seconds >= 2 * DAY:
        return f"{seconds / DAY:.1f} days ({int(seconds)} s)"
    if seconds >= 7200:
        return f"{seconds / 3600:.1f} hours ({int(seconds)} s)"
    return f"{int(seconds)} s"


@check(
    "IDT017",
    "id-token-lifetime",
    Stage.ID_TOKEN,
    refs=("RFC7519-4.1.4", "OIDCC-3.1.3.7", "COGNITO-id-token"),
    severity=Status.WARN,
    needs=(CLAIMS,),
)
def id_token_lifetime(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's lifetime (``exp`` minus ``iat``) is positive and at most one day.

    Why it matters: OIDC Core lets a relying party reject tokens issued too far in the
    past. Cognito's ID tokens live 5 minutes to 1 day (app client setting "ID token
    expiration"); a far longer lifetime means the token was not minted by Cognito as
    configured, or a stolen token stays usable for a long time. A warning, naming the
    figure; ``exp`` not after ``iat`` is also a warning (IDT007 judges expiry itself).

    Access: Access checks ``exp`` only, as far as is documented; it does not limit the
    lifetime (laxer than this check).

    How to fix: set the app client's ID token expiration (Cognito: at most 1 day); for
    other providers, issue short-lived ID tokens.

    References: RFC 7519 section 4.1.4; OpenID Connect Core 1.0 section 3.1.3.7 (step 10);
    AWS: using the ID token.
    """
    iat, exp = _number(claims.get("iat")), _number(claims.get("exp"))
    if iat is None or exp is None or max(iat, exp) > MILLISECONDS_THRESHOLD:
        yield skipped("iat or exp is not a number of seconds (see IDT007, IDT008)")
        return
    lifetime = exp - iat
    cognito = is_cognito_issuer(ctx.issuer.issuer)
    if lifetime <= 0:
        yield failed(
            f"exp ({_when(exp)}) is not after iat ({_when(iat)})",
            hint="the identity provider must set exp later than iat",
            expected="exp > iat",
            actual=f"{int(lifetime)} s",
        )
        return
    if lifetime > COGNITO_MAX_LIFETIME:
        limit = (
            "Cognito ID tokens live 5 minutes to 1 day" if cognito else "ID tokens are short-lived"
        )
        yield failed(
            f"the ID token lives {_duration(lifetime)}; {limit}",
            hint=(
                "set the app client's ID token expiration to at most 1 day; a token this "
                "long-lived was not minted by Cognito as configured"
                if cognito
                else "issue ID tokens that live at most a day"
            ),
            expected=f"<= {COGNITO_MAX_LIFETIME} s",
            actual=f"{int(lifetime)} s",
        )
        return
    yield passed(f"the ID token lives {_duration(lifetime)}", actual=f"{int(lifetime)} s")
