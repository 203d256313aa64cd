"""Access application token checks (CFT001-CFT006), run only by ``oidc-probe verify-access``.

The token is the one Access gives the protected application (``Cf-Access-Jwt-Assertion``
header, ``CF_Authorization`` cookie). What is checked follows Cloudflare's "Validate JWTs"
page: the signature with a key from the team's certs endpoint matched by ``kid``, ``iss``
the team domain, ``aud`` the application's AUD tag, the times, ``type`` ``app``, and
the ``custom`` claim compared with the configured claims.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from oidc_probe.access.identity import CUSTOM_CLAIM_BUDGET_NOTE
from oidc_probe.checks._claims import configured_claims
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import AccessJwt, RunContext
from oidc_probe.core.model import Outcome, Stage, Status, failed, passed, skipped

REFS = ("CF-validating-jwt", "CF-access-jwt", "RFC7519-4.1")
NO_TOKEN = "no Access application token given (oidc-probe verify-access TOKEN)"


def _given(ctx: RunContext) -> AccessJwt | str:
    return NO_TOKEN if ctx.access_jwt is None else ctx.access_jwt


def _token(ctx: RunContext) -> AccessJwt | str:
    jwt = _given(ctx)
    if isinstance(jwt, str):
        return jwt
    if jwt.token.claims is None:
        return f"the token could not be decoded ({jwt.token.error}; see CFT001)"
    return jwt


# The Access application token given to verify-access, decoded or not.
ACCESS_JWT: Need[AccessJwt] = need("Access token", _given)
# The Access application token, with its claims decoded.
DECODED_ACCESS_JWT: Need[AccessJwt] = need("decoded Access token", _token)


@check("CFT001", "access-token-signature-valid", Stage.ACCESS_JWT, refs=REFS, needs=(ACCESS_JWT,))
def access_token_signature_valid(ctx: RunContext, jwt: AccessJwt) -> Iterator[Outcome]:
    """The Access token is a JWS signed (RS256) by a key of the team's certs endpoint, by kid.

    The key is the one whose ``kid`` matches the token header among the ``keys`` of
    ``https://<team>.cloudflareaccess.com/cdn-cgi/access/certs`` (or ``--certs FILE``);
    keys are never taken from the token header, and only RS256 is accepted: Cloudflare
    "generates the signature by signing the encoded header and payload using the SHA-256
    algorithm (RS256)" (Application token page), so a token with any other ``alg``, even
    one that verifies with the team's key, is not one Access issued.

    Why it matters: the application trusts the identity in this token only if the
    signature is Cloudflare's; a token signed by anything else is a forgery.

    How to fix: give the team name whose certs signed the token (``--team-name``), fetch
    the certs fresh (Access rotates its key every 6 weeks and keeps the previous one 7
    days), and never accept a token whose signature fails.

    References: Cloudflare: validate JWTs; Cloudflare: application token; RFC 7519 4.1.
    """
    if jwt.token.error is not None:
        yield failed(f"the token is not a signed JWT: {jwt.token.error}")
        return
    signature = jwt.signature
    evidence = {"alg": signature.alg, "kid": signature.kid, "certs": jwt.certs.describe()}
    alg = (jwt.token.header or {}).get("alg")
    if alg != "RS256":
        yield failed(
            f"the token's alg is {alg!r}, not RS256, the only algorithm Access signs with",
            hint="Cloudflare signs application tokens with RS256; treat this token as not "
            "issued by Access",
            expected="RS256",
            actual=evidence,
        )
        return
    if signature.valid is True:
        yield passed(signature.reason, actual=evidence)
        return
    yield failed(
        f"the signature was not verified: {signature.reason}",
        hint="the token was not signed by this team's Access keys: check --team-name, or "
        "treat the token as forged",
        expected=f"a valid signature by a key of {jwt.certs.url}",
        actual=evidence,
    )


@check("CFT002", "access-token-iss-team", Stage.ACCESS_JWT, refs=REFS, needs=(DECODED_ACCESS_JWT,))
def access_token_iss_team(ctx: RunContext, jwt: AccessJwt) -> Iterator[Outcome]:
    """The Access token's ``iss`` is the team domain, ``https://<team>.cloudflareaccess.com``.

    Why it matters: another team's token is signed by Cloudflare too; only ``iss``
    ties it to your Zero Trust organization.

    How to fix: validate with the team name of the organization that protects the
    application (Zero Trust, Settings, Custom Pages: the team domain).

    References: Cloudflare: validate JWTs; Cloudflare: application token; RFC 7519 4.1.
    """
    iss = _claims(jwt).get("iss")
    if iss == jwt.team_domain:
        yield passed(f"iss is the team domain {iss}", expected=jwt.team_domain, actual=iss)
        return
    yield failed(
        f"iss is {iss!r}, not the team domain {jwt.team_domain}",
        hint="the token comes from another Zero Trust organization (or --team-name is wrong)",
        expected=jwt.team_domain,
        actual=iss,
    )


@check("CFT003", "access-token-aud-tag", Stage.ACCESS_JWT, refs=REFS, needs=(DECODED_ACCESS_JWT,))
def access_token_aud_tag(ctx: RunContext, jwt: AccessJwt) -> Iterator[Outcome]:
    """The Access token's ``aud`` (an array) holds the application's AUD tag (``--aud``).

    Why it matters: every Access application of the team gets tokens signed by the
    same keys; the AUD tag is what says the token was issued for this application.

    How to fix: copy the Application Audience (AUD) tag from the application's
    overview in Zero Trust; it changes only when the application is recreated.

    References: Cloudflare: validate JWTs; Cloudflare: application token; RFC 7519 4.1.
    """
    if not jwt.audiences:
        yield skipped("no AUD tag given (--aud TAG)")
        return
    aud = _claims(jwt).get("aud")
    values = aud if isinstance(aud, list) else [aud]
    if any(tag in values for tag in jwt.audiences):
        yield passed(
            "aud holds the application's AUD tag", expected=list(jwt.audiences), actual=aud
        )
        return
    yield failed(
        "aud does not hold the application's AUD tag: the token is for another application",
        hint="check --aud against the application's AUD tag in Zero Trust",
        expected=list(jwt.audiences),
        actual=aud,
    )


@check(
    "CFT004", "access-token-times-valid", Stage.ACCESS_JWT, refs=REFS, needs=(DECODED_ACCESS_JWT,)
)
def access_token_times_valid(ctx: RunContext, jwt: AccessJwt) -> Iterator[Outcome]:
    """The Access token's ``exp`` is in the future and ``iat``/``nbf`` not, within the leeway.

    Why it matters: an expired token must be refused; Access sets ``exp`` from the
    application's session duration.

    How to fix: get a fresh token (log in again); if the times look wrong for a fresh
    token, synchronise this machine's clock (``--leeway SECONDS`` widens the tolerance).

    References: Cloudflare: application token; RFC 7519 4.1.
    """
    claims = _claims(jwt)
    now = ctx.now()
    leeway = ctx.settings.leeway
    problems = []
    exp: Any = claims.get("exp")
    if not _number(exp):
        problems.append(f"exp is {exp!r}, not a number of seconds")
    elif now >= exp + leeway:
        problems.append(f"expired {int(now - exp)} s ago")
    for name in ("iat", "nbf"):
        value: Any = claims.get(name)
        if value is None:
            continue
        if not _number(value):
            problems.append(f"{name} is {value!r}, not a number of seconds")
        elif value > now + leeway:
            problems.append(f"{name} is {int(value - now)} s in the future")
    times = {k: claims.get(k) for k in ("exp", "iat", "nbf") if k in claims}
    if not problems:
        yield passed(f"valid for {int(exp - now)} s more", actual=times)
        return
    yield failed(
        f"the token's times are not valid now: {'; '.join(problems)} (leeway {leeway} s)",
        hint="get a fresh token (log in again) or fix this machine's clock",
        expected=f"iat, nbf <= now + {leeway} < exp + {2 * leeway}",
        actual=times,
    )


@check("CFT005", "access-token-type-app", Stage.ACCESS_JWT, refs=REFS, needs=(DECODED_ACCESS_JWT,))
def access_token_type_app(ctx: RunContext, jwt: AccessJwt) -> Iterator[Outcome]:
    """The Access token's ``type`` is ``app``: an application token, not the global ``org`` one.

    Why it matters: ``org`` tokens are Access's global session on the team domain and
    are not meant for applications; an application should accept ``app`` only.

    How to fix: take the token from the application's ``Cf-Access-Jwt-Assertion``
    header (or its ``CF_Authorization`` cookie), not from the team domain's cookie.

    References: Cloudflare: application token.
    """
    kind = _claims(jwt).get("type")
    if kind == "app":
        yield passed("type is app", expected="app", actual=kind)
        return
    yield failed(
        f"type is {kind!r}, not app",
        hint="use the application token (Cf-Access-Jwt-Assertion), not the org session token",
        expected="app",
        actual=kind,
    )


@check(
    "CFT006",
    "access-token-custom-claims",
    Stage.ACCESS_JWT,
    refs=("CF-custom-trimming", "CF-generic-oidc", "CF-access-jwt"),
    severity=Status.WARN,
    needs=(DECODED_ACCESS_JWT,),
)
def access_token_custom_claims(ctx: RunContext, jwt: AccessJwt) -> Iterator[Outcome]:
    """Every configured claim reached the application in the Access token's ``custom`` claim.

    The configured claims come from ``--config`` (or ``--claims``). Access copies them
    into ``custom`` and, past an internal size budget, drops them from the end of the
    list first (Cloudflare docs pull request 31700).

    Why it matters: this shows which claims really reached the application once the
    identity provider is connected: a claim missing here is missing for every
    application that reads the token, even though policies saw it.

    How to fix: a claim missing from the end of the list was probably trimmed: put the
    claims applications need first, or drop claims nobody reads. A claim missing from
    the middle was not in the ID token for this user (run ``oidc-probe check`` for that
    user).

    References: Cloudflare docs PR 31700; Cloudflare generic OIDC; Cloudflare:
    application token.
    """
    names = configured_claims(ctx.config)
    if not names:
        yield skipped("no configured claims to compare (--config FILE or --claims)")
        return
    custom = _claims(jwt).get("custom")
    custom = custom if isinstance(custom, Mapping) else {}
    missing = [n for n in names if n not in custom]
    if not missing:
        yield passed(
            f"all {len(names)} configured claim(s) are in custom",
            expected=list(names),
            actual=list(custom),
        )
        return
    yield failed(
        f"configured claim(s) not in the token's custom claim: {', '.join(missing)}",
        hint=f"trimmed, or absent from this user's ID token; {CUSTOM_CLAIM_BUDGET_NOTE}",
        expected=list(names),
        actual=list(custom),
    )


def _claims(jwt: AccessJwt) -> Mapping[str, Any]:
    return jwt.token.claims or {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
