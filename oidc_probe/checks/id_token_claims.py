"""ID-token claim checks (IDT005-IDT012): issuer, audience, times, nonce, at_hash, sub, token_use.

Registered when :mod:`oidc_probe.checks.id_token` is imported. The nonce and the
access token are never quoted in findings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from oidc_probe.checks._inputs import claims_or_reason, header_alg
from oidc_probe.checks._support import is_cognito
from oidc_probe.checks.needs import CLAIMS, Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core import cognito
from oidc_probe.core.cognito import is_cognito_issuer
from oidc_probe.core.config import derive_issuer
from oidc_probe.core.context import RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, failed, info, passed, skipped, warned
from oidc_probe.core.settings import LoginMode

# A NumericDate above this (year 5138 in seconds) is almost certainly in milliseconds.
MILLISECONDS_THRESHOLD = 10**11
# Why --login initiate-auth cannot judge IDT009 and IDT010.
_NO_NONCE = "initiate-auth sends no nonce, so its ID token carries none to compare"
_NO_AT_HASH = "InitiateAuth ID tokens carry no at_hash (only token-endpoint ones do)"
_HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}
_CLOCK_HINT = (
    "check that this machine's clock and the identity provider's are synchronised (NTP); "
    "--leeway SECONDS widens the tolerance the probe allows"
)


def _when(timestamp: float) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return "out of range"


def _number(value: Any) -> float | None:
    """A finite JSON number; ``None`` for booleans, NaN, infinities and ints too big for a float."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _not_a_number(name: str, raw: Any) -> str:
    if raw is None:
        return f"the ID token has no {name} claim"
    if json_type(raw) == "number":
        return f"{name} is not a finite number"
    return f"{name} is a {json_type(raw)}, not a number"


def _seconds(name: str, raw: Any) -> float | Outcome:
    """The NumericDate claim ``name`` in seconds, or the failure saying why it is not one."""
    number = _number(raw)
    if number is None:
        return failed(
            _not_a_number(name, raw),
            hint=f"the identity provider must set {name} to seconds since the epoch",
            expected="a NumericDate (seconds)",
            actual=json_type(raw),
        )
    if number > MILLISECONDS_THRESHOLD:
        return failed(
            f"{name} ({raw}) looks like milliseconds, not seconds since the epoch",
            hint=f"the identity provider must write {name} in seconds (divide by 1000)",
            expected="seconds since the epoch",
            actual=raw,
        )
    return number


@check(
    "IDT005",
    "id-token-iss-matches",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.7", "RFC7519-4.1.1", "COGNITO-id-token"),
    needs=(CLAIMS,),
)
def id_token_iss_matches(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's ``iss`` claim equals the expected issuer exactly.

    Why it matters: a relying party must reject ID tokens from any issuer but the one it
    trusts. The probe expects ``--issuer``, a Cognito pool's issuer (``certs_url`` without
    ``/.well-known/jwks.json``), or the issuer a discovery document confirms
    (docs/providers.md); with none of these it skips. A mismatch means the keys and the
    tokens come from different providers, or the issuer differs by a detail such as a
    trailing slash.

    How to fix: set ``certs_url`` to the JWKS of the issuer named in the token's ``iss``,
    or pass ``--issuer`` with the exact ``iss`` value. (Cognito) certs_url is
    ``<iss>/.well-known/jwks.json``; newer pools use the ``issuer-cognito-idp`` host. When ``iss`` and the expected
    issuer name the same pool on ``cognito-idp`` and ``issuer-cognito-idp``, the hint names
    the pool's issuer configuration (ORIGINAL or UPDATED) and the certs_url that goes with it.

    References: OpenID Connect Core 1.0 section 3.1.3.7 (step 2); RFC 7519 section 4.1.1;
    AWS: using the ID token; AWS API reference, IssuerConfigurationType.
    """
    expected = ctx.issuer.issuer
    iss = claims.get("iss")
    hint = (
        "set certs_url to <iss>/.well-known/jwks.json of the pool that issues the tokens, or "
        "pass --issuer with the exact issuer"
        if is_cognito(ctx)
        else "set certs_url to the jwks_uri of the issuer that signs the tokens, or pass "
        "--issuer with the exact issuer"
    )
    if not isinstance(iss, str):
        yield failed(
            "the ID token has no iss claim"
            if iss is None
            else f"iss is a {json_type(iss)}, not a string",
            hint="the identity provider must put its issuer identifier in every ID token",
            expected=expected,
            actual=json_type(iss),
        )
    elif not ctx.issuer.established:
        yield skipped(f"iss {iss} cannot be judged: {ctx.issuer.unconfirmed_reason()}")
    elif iss != expected:
        configuration = cognito.other_issuer_configuration(iss, expected)
        if iss.rstrip("/") == expected.rstrip("/"):
            hint = "the issuers differ only by a trailing slash; comparison is exact: " + hint
        elif configuration is not None:
            hint = _issuer_configuration_hint(ctx, iss, configuration)
        yield failed(
            "iss does not match the expected issuer", hint=hint, expected=expected, actual=iss
        )
    else:
        yield passed("iss matches the expected issuer", actual=iss)


def _issuer_configuration_hint(ctx: RunContext, iss: str, configuration: str) -> str:
    """IDT005's hint when ``iss`` is the same pool on the other Cognito issuer host."""
    said = f"the pool's issuer configuration is {configuration}, so its tokens name " + (
        f"{urlsplit(iss).hostname}: "
    )
    config = ctx.config
    if config.usable("certs_url") and derive_issuer(config.certs_url) == iss:
        return said + f"drop --issuer (certs_url already names {iss}) or pass --issuer {iss}"
    return said + f"set certs_url to {iss.rstrip('/')}/.well-known/jwks.json"


@check(
    "IDT006",
    "id-token-aud-matches",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.7", "RFC7519-4.1.3", "CF-generic-oidc"),
    needs=(CLAIMS,),
)
def id_token_aud_matches(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's ``aud`` is (or holds) the client id; ``azp``, when present, is the client id.

    What it checks: ``aud`` is the client id or an array holding it; with several
    audiences ``azp`` must be present and be the client id; a present ``azp`` must be
    the client id even with a single audience (OIDC Core 3.1.3.7 step 5).

    Why it matters: an ID token is meant for one client. Access must reject a token
    issued to another app client, or it would accept logins meant for other
    applications. Whether Access itself compares ``azp`` with a single audience is not
    documented (unknown); the spec's verdict is kept.

    How to fix: make ``client_id`` in the Cloudflare config the id of the app client that
    the authorization and token requests use. Cognito sets ``aud`` to that app client's id.

    References: OpenID Connect Core 1.0 section 3.1.3.7 (steps 3-5); RFC 7519 section 4.1.3.
    """
    client_id = ctx.config.client_id
    aud = claims.get("aud")
    hint = (
        "client_id in the Cloudflare config must be the id of the app client that issued the token"
    )
    azp = claims.get("azp")
    if isinstance(aud, str):
        if aud != client_id:
            yield failed("aud is not the client id", hint=hint, expected=client_id, actual=aud)
        elif "azp" in claims and azp != client_id:
            yield _azp_not_client(azp, client_id)
        else:
            yield passed("aud is the client id", actual=aud)
        return
    if not isinstance(aud, list) or not all(isinstance(a, str) for a in aud):
        yield failed(
            "the ID token has no aud claim"
            if aud is None
            else "aud is neither a string nor an array of strings",
            hint="the identity provider must put the client id in aud",
            expected=client_id,
            actual=json_type(aud),
        )
        return
    if client_id not in aud:
        yield failed(
            "aud does not contain the client id", hint=hint, expected=client_id, actual=aud
        )
        return
    if len(set(aud)) == 1:
        if "azp" in claims and azp != client_id:
            yield _azp_not_client(azp, client_id)
        else:
            yield passed("aud is the client id", actual=aud)
        return
    if azp == client_id:
        yield passed("aud contains the client id and azp names it", actual=aud)
    else:
        yield failed(
            "aud has several audiences and azp is "
            + ("missing" if azp is None else "not the client id"),
            hint="with several audiences the identity provider must set azp to the client id",
            expected=client_id,
            actual=azp if isinstance(azp, str) else json_type(azp),
        )


def _azp_not_client(azp: Any, client_id: str) -> Outcome:
    """OIDC Core 3.1.3.7 (5): a present azp must be the client id, whatever aud holds."""
    return failed(
        "azp names another party than the client id"
        if isinstance(azp, str)
        else f"azp is a {json_type(azp)}, not the client id",
        hint=(
            "azp (authorized party) must be the client id the token was issued to; a token "
            "whose azp names another client was issued to that client"
        ),
        subject="azp",
        expected=client_id,
        actual=azp if isinstance(azp, str) else json_type(azp),
    )


@check(
    "IDT007",
    "id-token-not-expired",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.7", "RFC7519-4.1.4"),
    needs=(CLAIMS,),
)
def id_token_not_expired(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's ``exp`` is a number of seconds and lies in the future (within the leeway).

    Why it matters: a relying party rejects expired ID tokens (OpenID Connect Core
    3.1.3.7; that Access does is an ASSUMPTION, Cloudflare does not document its ID token
    checks). An ``exp`` written in milliseconds
    looks valid for millennia, which hides a provider bug and would make a stolen token
    valid forever to a lenient verifier.

    How to fix: check that this machine's clock is right (NTP) and that the identity
    provider writes ``exp`` as seconds since the epoch. Cognito ID tokens live between
    5 minutes and 1 day (app client setting "ID token expiration").

    References: OpenID Connect Core 1.0 section 3.1.3.7 (step 9); RFC 7519 section 4.1.4.
    """
    raw = claims.get("exp")
    exp = _seconds("exp", raw)
    if isinstance(exp, Outcome):
        yield exp
        return
    now = ctx.now()
    leeway = ctx.settings.leeway
    if now >= exp + leeway:
        yield failed(
            f"the ID token expired {int(now - exp)} s ago (at {_when(exp)}, leeway {leeway} s)",
            hint=_CLOCK_HINT,
            expected=f"now < exp + {leeway}",
            actual=raw,
        )
        return
    yield passed(f"the ID token expires in {int(exp - now)} s (at {_when(exp)})", actual=raw)


# A token the token endpoint has just returned was minted within this many seconds, even
# by a provider that mints it with the code (RFC 6749 4.1.2: code lifetime at most 10 min).
FRESH_TOKEN_AGE = 600


@check(
    "IDT008",
    "id-token-iat-valid",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.7", "RFC7519-4.1.6"),
    needs=(CLAIMS,),
)
def id_token_iat_valid(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's ``iat`` is a number of seconds and not in the future (beyond the leeway).

    What it checks: ``iat`` is a number, not after now plus the leeway (fail), and, for a
    token this run has just received from the token endpoint, not more than ten minutes
    plus the leeway in the past (a warning). The ten minutes are the longest authorization
    code lifetime RFC 6749 recommends, in case a provider mints the token when it issues
    the code; tokens given to ``verify`` may be of any age.

    Why it matters: a token issued "in the future" means the clocks of the provider
    and the verifier disagree; Access, like most verifiers, may reject it, and the
    login fails for reasons that look random. A fresh login answered with an old token
    means the provider hands out cached tokens, or this machine's clock is ahead; OIDC
    Core lets a relying party reject tokens issued too far from the current time, and
    whether Access does is not documented (unknown).

    How to fix: synchronise this machine's clock (NTP); ``--leeway SECONDS`` widens the
    tolerance. A provider writing ``iat`` in milliseconds must write seconds. A provider
    must mint a new ID token for every code it redeems.

    References: OpenID Connect Core 1.0 section 3.1.3.7 (step 10); RFC 7519 section 4.1.6;
    RFC 6749 section 4.1.2 (code lifetime).
    """
    raw = claims.get("iat")
    iat = _seconds("iat", raw)
    if isinstance(iat, Outcome):
        yield iat
        return
    now = ctx.now()
    leeway = ctx.settings.leeway
    if iat > now + leeway:
        yield failed(
            f"the ID token was issued {int(iat - now)} s in the future "
            f"(at {_when(iat)}, leeway {leeway} s)",
            hint=_CLOCK_HINT,
            expected=f"iat <= now + {leeway}",
            actual=raw,
        )
        return
    fresh_limit = FRESH_TOKEN_AGE + leeway
    if ctx.token_fetch is not None and now - iat > fresh_limit:
        yield warned(
            f"the ID token this login received was issued {int(now - iat)} s before it was "
            f"checked (at {_when(iat)})",
            hint="the provider must mint a new ID token for every code it redeems; if it "
            "does, this machine's clock is ahead: synchronise it (NTP)",
            expected=f"iat within {fresh_limit} s before the token response",
            actual=raw,
        )
        return
    yield passed(f"the ID token was issued {int(now - iat)} s ago", actual=raw)


@check(
    "IDT009",
    "id-token-nonce-matches",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.7", "OIDCC-3.1.2.1"),
    needs=(CLAIMS,),
    not_for={LoginMode.INITIATE_AUTH: _NO_NONCE},
    not_fed_by={
        "verify": "verify: the nonce of the original login is unknown, so it cannot be compared"
    },
)
def id_token_nonce_matches(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's ``nonce`` equals the nonce sent in the authorization request.

    Why it matters: a relying party that sends a nonce (that Access sends one with every
    login is an ASSUMPTION, Cloudflare does not document it) relies on it to bind the ID
    token to that login, so a token captured from another session cannot be replayed.
    A provider that drops or changes the nonce breaks this protection, and a relying
    party that checks it rejects the login. Neither value is ever shown.

    How to fix: the identity provider must copy the ``nonce`` parameter of the
    authorization request into the ID token unchanged. Cognito does; a missing or
    different nonce points at a proxy or a custom authorization endpoint in between.

    References: OpenID Connect Core 1.0 sections 3.1.2.1 (nonce) and 3.1.3.7 (step 11).
    """
    if ctx.authorization is None:
        yield skipped("no authorization request was made, so no nonce was sent (see AUT001)")
        return
    nonce = claims.get("nonce")
    if nonce is None:
        yield failed(
            "the ID token has no nonce, but the probe sent one; OpenID Connect Core "
            "3.1.3.7 requires it back",
            hint="the identity provider must copy the authorization request's nonce into the token",
            expected="the nonce sent in the authorization request",
            actual="no nonce claim",
        )
        return
    sent = ctx.authorization.nonce.encode()
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), sent):
        yield failed(
            "the ID token's nonce differs from the one sent in the authorization request",
            hint=(
                "the token belongs to another login, or something between the probe and the "
                "identity provider changes the nonce; the provider must echo it unchanged"
            ),
            expected="the nonce sent in the authorization request",
            actual="a different value" if isinstance(nonce, str) else json_type(nonce),
        )
        return
    yield passed("the ID token's nonce matches the one sent")


def _at_hash(access_token: str, alg: str) -> str | None:
    hash_function = _HASHES.get(alg[-3:])
    if hash_function is None:
        return None
    digest = hash_function(access_token.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


@check(
    "IDT010",
    "id-token-at-hash-valid",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.6", "OIDCC-3.3.2.11"),
    needs=(CLAIMS,),
    not_for={LoginMode.INITIATE_AUTH: _NO_AT_HASH},
    not_fed_by={"verify": "verify: no access token was given, so at_hash cannot be compared"},
)
def id_token_at_hash_valid(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """When the ID token has ``at_hash``, it matches the access token returned with it.

    Why it matters: ``at_hash`` binds the access token to the ID token; a mismatch means
    the two tokens come from different requests or were swapped in transit. In the
    authorization-code flow the claim is optional, so its absence is only noted.

    How to fix: the identity provider must compute ``at_hash`` as the base64url encoding
    of the left half of the hash of the access token, using the hash size of the ID
    token's ``alg`` (SHA-256 for RS256, ES256 and PS256). Make sure no proxy replaces
    either token in the token response.

    References: OpenID Connect Core 1.0 sections 3.1.3.6 and 3.3.2.11 (at_hash).
    """
    at_hash = claims.get("at_hash")
    if at_hash is None:
        yield info("the ID token has no at_hash (optional in the authorization-code flow)")
        return
    response = ctx.token_response or {}
    access_token = response.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        yield skipped("no access token in the token response to compare at_hash with (see TOK002)")
        return
    alg = header_alg(ctx)
    expected = _at_hash(access_token, alg) if isinstance(alg, str) else None
    if expected is None:
        shown = alg if isinstance(alg, str) else json_type(alg)
        yield skipped(f"cannot tell which hash alg {shown} implies for at_hash (see IDT002)")
        return
    hash_name = f"SHA-{alg[-3:]}" if isinstance(alg, str) else "hash"
    description = f"base64url of the left half of {hash_name}(access_token)"
    if not isinstance(at_hash, str) or not hmac.compare_digest(at_hash.encode(), expected.encode()):
        yield failed(
            "at_hash does not match the access token returned with the ID token",
            hint=(
                "the ID token and the access token come from different requests, or the "
                f"provider computes at_hash wrongly (expected {description})"
            ),
            expected=description,
            actual="a different value" if isinstance(at_hash, str) else json_type(at_hash),
        )
        return
    yield passed(f"at_hash matches the access token ({hash_name})")


@check(
    "IDT011",
    "id-token-sub-present",
    Stage.ID_TOKEN,
    refs=("OIDCC-2", "RFC7519-4.1.2"),
    needs=(CLAIMS,),
)
def id_token_sub_present(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token has a non-empty string ``sub`` claim.

    Why it matters: ``sub`` is the stable identifier of the user at the provider; Access
    records it in the user's identity. A token without it is not a valid ID token.

    How to fix: the identity provider must set ``sub`` in every ID token. Cognito always
    sets it to the user's immutable UUID; its absence means the token was not issued by
    Cognito unchanged (check pre-token-generation Lambdas and proxies).

    References: OpenID Connect Core 1.0 section 2 (ID token); RFC 7519 section 4.1.2.
    """
    sub = claims.get("sub")
    hint = "the identity provider must put the user's identifier in sub"
    if not isinstance(sub, str):
        yield failed(
            "the ID token has no sub claim"
            if sub is None
            else f"sub is a {json_type(sub)}, not a string",
            hint=hint,
            expected="a non-empty string",
            actual=json_type(sub),
        )
    elif not sub.strip():
        yield failed(
            "the ID token's sub is empty", hint=hint, expected="a non-empty string", actual=sub
        )
    elif len(sub) > 255:
        yield warned(
            f"sub is {len(sub)} characters long; OpenID Connect allows at most 255",
            hint="the identity provider should use a shorter subject identifier",
            expected="at most 255 characters",
            actual=len(sub),
        )
    else:
        yield passed("the ID token has a sub claim", actual=sub)


def _cognito_claims(ctx: RunContext) -> Mapping[str, Any] | str:
    if not is_cognito_issuer(ctx.issuer.issuer):
        return "the issuer is not a Cognito user pool"
    return claims_or_reason(ctx)


# The ID-token claims, asked about only when the issuer is a Cognito user pool.
COGNITO_CLAIMS: Need[Mapping[str, Any]] = need("Cognito ID-token claims", _cognito_claims)


@check(
    "IDT012",
    "cognito-token-use-id",
    Stage.ID_TOKEN,
    refs=("COGNITO-id-token", "COGNITO-verify-jwt"),
    needs=(COGNITO_CLAIMS,),
)
def cognito_token_use_id(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """For a Cognito issuer, the ID token's ``token_use`` claim is ``id``.

    Why it matters: Cognito signs ID and access tokens with keys from the same JWKS, so
    a signature alone does not tell them apart. An access token returned as the
    ``id_token`` carries no email or profile claims, and Access's login fails.
    Skipped for issuers that are not Cognito.

    How to fix: make sure nothing between Cognito and Access swaps the tokens, and that
    the token endpoint used is the pool's ``/oauth2/token``. AWS's guidance is to check
    ``token_use`` whenever a Cognito token is verified.

    References: AWS: using the ID token; AWS: verifying a JSON web token.
    """
    token_use = claims.get("token_use")
    if token_use == "id":
        yield passed("token_use is id", actual=token_use)
        return
    if token_use == "access":
        message = "the id_token is a Cognito access token (token_use access), not an ID token"
    elif token_use is None:
        message = "the ID token has no token_use claim, which every Cognito ID token carries"
    else:
        message = "token_use is not id"
    yield failed(
        message,
        hint=(
            "the token endpoint must return Cognito's ID token as id_token; check for proxies "
            "or custom token endpoints that swap the tokens"
        ),
        expected="id",
        actual=token_use if isinstance(token_use, str) else json_type(token_use),
    )
