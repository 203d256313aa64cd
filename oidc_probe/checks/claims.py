"""Claim checks (CLM001-CLM006): the identity Access will read from the ID token.

Access reads claims from the ID token (Cloudflare generic OIDC: "ensure that the custom
claim is included in your OIDC ID token"; the email claim is looked up "in the OIDC ID
token"); that it never calls userinfo is an ASSUMPTION from third-party reports. Every
check here judges the ID token; userinfo is consulted only to explain a missing claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from oidc_probe.access.derived import custom_of
from oidc_probe.access.identity import (
    CUSTOM_CLAIM_BUDGET,
    CUSTOM_CLAIM_BUDGET_NOTE,
)
from oidc_probe.checks import hints
from oidc_probe.checks._claims import (
    access_claims,
    configured_claims,
    email_missing_hint,
    lookup,
    missing_claim_hint,
)
from oidc_probe.checks._inputs import NO_USERINFO, no_claims_reason
from oidc_probe.checks._pool_causes import pool_cause
from oidc_probe.checks._support import is_cognito
from oidc_probe.checks.needs import CLAIMS, USERINFO
from oidc_probe.checks.registry import check
from oidc_probe.core.config import near_name
from oidc_probe.core.context import RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, Status, failed, info, passed, skipped, warned
from oidc_probe.core.settings import LoginMode

PLAUSIBLE_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def _email_claim(ctx: RunContext) -> str:
    return ctx.config.email_claim_name


@check(
    "CLM001",
    "email-claim-present",
    Stage.CLAIMS,
    refs=("OIDCC-5.1", "OIDCC-5.4", "CF-generic-oidc", "COGNITO-attributes", "COGNITO-app-client"),
    needs=(CLAIMS.about(_email_claim),),
)
def email_claim_present(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token has the ``email_claim_name`` claim (default ``email``) with a plausible address.

    Why it matters: Access identifies users by email (Cloudflare generic OIDC:
    ``email_claim_name``; the application token carries ``email``). ASSUMPTION from
    community reports: without it in the ID token the login fails with "Failed to fetch
    user/group information from the identity provider"; the cause Cloudflare documents
    for that message (on its Okta page) is a failure to fetch the user's groups, and the
    hint names both. A value that is not an address breaks email-based Access policies.

    How to fix: in Cognito, request the ``email`` scope (or ``openid`` alone, which
    returns every attribute the app client can read), allow that scope on the app
    client, give the app client read permission for ``email``, and give the user an
    email address. If the address lives in another claim, set ``email_claim_name`` to
    its exact name.

    References: OpenID Connect Core 1.0 sections 5.1 (standard claims) and 5.4 (scope
    claims); Cloudflare generic OIDC; AWS: user pool attributes; AWS: app clients.
    """
    name = ctx.config.email_claim_name
    found = lookup(ctx, name)
    if not found.in_id_token:
        where = "; userinfo has it, but Access reads only the ID token" if found.in_userinfo else ""
        yield failed(
            f"the ID token has no '{name}' claim{where}{_cause(ctx, name)}",
            hint=email_missing_hint(ctx, found.in_userinfo),
            subject=name,
            expected="an email address",
            actual="missing",
        )
        return
    value = found.value
    if not isinstance(value, str):
        yield failed(
            f"'{name}' is a {json_type(value)}, not an email address",
            hint="email_claim_name must name a claim holding the user's email address as a string",
            subject=name,
            expected="string",
            actual=json_type(value),
        )
    elif not PLAUSIBLE_EMAIL.match(value):
        yield failed(
            f"'{name}' does not look like an email address",
            hint=(
                "email_claim_name must name the claim that holds the user's email address; "
                "check the claim and the user's email attribute"
            ),
            subject=name,
            expected="an address like user@example.com",
            actual=value,
        )
    else:
        yield passed(f"the ID token has an email address in '{name}'", subject=name)


def _cause(ctx: RunContext, name: str) -> str:
    """``: <cause>`` when the pool audit found why ``name`` is missing (``check --aws``)."""
    cause = pool_cause(ctx, name)
    return f"; pool audit: {cause}" if cause else ""


def _email_verified_state(value: Any) -> bool | None:
    """True/False for boolean or "true"/"false" string values; ``None`` for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


@check(
    "CLM002",
    "email-verified",
    Stage.CLAIMS,
    refs=("OIDCC-5.1", "COGNITO-attributes"),
    severity=Status.WARN,
    needs=(CLAIMS.about(lambda _: "email_verified"),),
)
def email_verified(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The ID token's ``email_verified`` claim is true (a boolean, or the string ``"true"``).

    Why it matters: Access trusts the email in the ID token as the user's identity. An
    unverified address may not belong to the person who signed in, so a policy that
    allows ``@example.com`` could admit someone who merely typed such an address at
    sign-up. Access does not refuse the login, so this is a warning.

    How to fix: in Cognito, verify the user's email (the verification-code flow, or set
    ``email_verified`` to true as an administrator once verified out of band), and give
    the app client read permission for ``email_verified``; request the ``email`` scope.

    References: OpenID Connect Core 1.0 section 5.1 (email_verified); AWS: user pool
    attributes.
    """
    found = lookup(ctx, "email_verified")
    if not found.in_id_token:
        yield failed(
            "the ID token has no email_verified claim: the address is not known to be verified",
            hint=hints.with_cognito(
                "request the 'email' scope and make the provider release email_verified in the "
                "ID token",
                "Cognito: give the app client read permission for email_verified (App client > "
                "Attribute read permissions).",
                is_cognito(ctx),
            ),
            subject="email_verified",
            expected=True,
            actual="missing",
        )
        return
    state = _email_verified_state(found.value)
    if state is None:
        yield failed(
            f"email_verified is a {json_type(found.value)}, not true or false (see CLM005)",
            hint="the identity provider must send email_verified as a boolean",
            subject="email_verified",
            expected=True,
            actual=json_type(found.value),
        )
    elif not state:
        yield failed(
            "the user's email address is not verified (email_verified is false)",
            hint=(
                "verify the user's email in Cognito (verification code, or mark it verified as "
                "an administrator once confirmed); Access still logs the user in, so do not "
                "rely on email domains in policies for unverified users"
            ),
            subject="email_verified",
            expected=True,
            actual=found.value,
        )
    else:
        yield passed("the user's email address is verified", subject="email_verified")


@check(
    "CLM003",
    "configured-claim-present",
    Stage.CLAIMS,
    refs=("CF-generic-oidc", "COGNITO-id-token", "COGNITO-groups", "COGNITO-attributes"),
)
def configured_claim_present(ctx: RunContext) -> Iterator[Outcome]:
    """Each claim in the Cloudflare config's ``claims`` list is in the ID token (one finding each).

    Why it matters: Access copies the configured claims from the ID token into the
    user's identity, where policies ("OIDC Claim" rules) and applications read them. A
    claim that is missing does not fail the login: policies that rely on it silently
    deny. The most common case is ``cognito:groups``, which Cognito leaves out for a user
    in no group.

    How to fix: ``cognito:groups`` missing: the user is in no group; add the user to a
    group in Cognito, or write Access policies that do not rely on it. ``custom:*``
    missing: the attribute is unset for this user, or the app client cannot read it, or
    the scopes do not cover it. Standard profile claims such as ``name``: request the
    ``profile`` scope and give the app client read permission for the attribute. Check
    the spelling: claim names are case-sensitive.

    References: Cloudflare generic OIDC (custom claims); AWS: using the ID token; AWS:
    user pool groups; AWS: user pool attributes.
    """
    names = configured_claims(ctx.config)
    if not names:
        yield info("no claims are configured in the Cloudflare config's claims list")
        return
    reason = no_claims_reason(ctx)
    for name in names:
        if reason is not None:
            yield skipped(reason, subject=name)
            continue
        found = lookup(ctx, name)
        if found.in_id_token:
            yield passed(
                f"'{name}' is in the ID token ({json_type(found.value)})",
                subject=name,
                actual=json_type(found.value),
            )
            continue
        claims = ctx.id_token_claims
        state = "is null" if claims is not None and name in claims else "is missing"
        where = "; userinfo has it, but Access reads only the ID token" if found.in_userinfo else ""
        near = (
            near_name(name, [k for k in claims or {} if k != name])
            if state == "is missing"
            else None
        )
        did_you_mean = f"; did you mean '{near}'? (the ID token has it)" if near else ""
        yield failed(
            f"'{name}' {state} from the ID token{where}{_cause(ctx, name)}{did_you_mean}",
            hint=missing_claim_hint(ctx, name, found.in_userinfo),
            subject=name,
            expected="present",
            actual="null" if state == "is null" else "missing",
        )


@check(
    "CLM004",
    "claim-only-in-userinfo",
    Stage.CLAIMS,
    refs=("OIDCC-5.4", "OIDCC-5.3.2", "CF-generic-oidc"),
    needs=(CLAIMS, USERINFO),
    not_for={LoginMode.INITIATE_AUTH: NO_USERINFO},
    not_fed_by={"verify": "verify: userinfo is not called for a token given on the command line"},
)
def claim_only_in_userinfo(
    ctx: RunContext, claims: Mapping[str, Any], userinfo: Mapping[str, Any]
) -> Iterator[Outcome]:
    """No claim Access needs (email or configured) is in userinfo but missing from the ID token.

    Why it matters: Access reads the user's identity from the ID token (Cloudflare generic
    OIDC: "ensure that the custom claim is included in your OIDC ID token"); that it does
    not call the userinfo endpoint is an ASSUMPTION (strong third-party evidence, no
    Cloudflare statement). A claim the provider releases only through userinfo is
    invisible to Access, even though other tools (which call userinfo) show it. This is
    the most common cause of "email missing" login failures with generic providers.

    How to fix: configure the identity provider to put the claim in the ID token. In
    Cognito, the ID token and userinfo follow the same scopes and read permissions, so a
    difference usually comes from a pre-token-generation Lambda; other providers have a
    per-claim "include in ID token" setting or need a claim mapper.

    References: OpenID Connect Core 1.0 sections 5.4 and 5.3.2; Cloudflare generic OIDC.
    """
    names = access_claims(ctx.config)
    only = [name for name in names if (f := lookup(ctx, name)).in_userinfo and not f.in_id_token]
    for name in only:
        yield failed(
            f"'{name}' is returned by userinfo but not in the ID token, which is all Access reads",
            hint=hints.with_cognito(
                f"make the identity provider include '{name}' in the ID token (the claim's "
                "'include in ID token' setting or a claim mapper)",
                "Cognito: check pre-token-generation Lambdas.",
                is_cognito(ctx),
            ),
            subject=name,
            expected="in the ID token",
            actual="only in userinfo",
        )
    if not only:
        yield passed(f"none of the {len(names)} claim(s) Access needs is only in userinfo")


# Expected JSON types of claims whose type Access (or Cognito) fixes.
_STRING_ARRAY = "array of strings"
_EXPECTED_TYPES = {
    "sub": "string",
    "cognito:username": "string",
    "cognito:preferred_role": "string",
    "cognito:groups": _STRING_ARRAY,
    "cognito:roles": _STRING_ARRAY,
    "groups": _STRING_ARRAY,
    "email": "string",
    "email_verified": "boolean",
    "phone_number_verified": "boolean",
    "identities": "array of objects",
}


def _expected_type(name: str, email_claim: str) -> str | None:
    if name == email_claim:
        return "string"
    if name.startswith("custom:"):
        return "string"
    return _EXPECTED_TYPES.get(name)


def _type_of(value: Any) -> str:
    """The JSON type, refined for arrays: 'array of strings', 'array of objects' or 'array'."""
    kind = json_type(value)
    if kind != "array":
        return kind
    if all(isinstance(v, str) for v in value):
        return _STRING_ARRAY
    if all(isinstance(v, dict) for v in value):
        return "array of objects"
    return "array"


def _type_hint(name: str, expected: str) -> str:
    if name in ("cognito:groups", "cognito:roles", "groups"):
        return (
            "Access splits an array claim into values for policies; a single string (such as "
            "'admins,users') only matches as a whole: the provider must send an array of strings"
            " (with Cognito, a pre token generation Lambda of version V1_0 can add string claims "
            "only: use V2_0 or later to return an array)"
        )
    if name.startswith("custom:"):
        return (
            "Cognito custom attributes are always strings; a different type means something "
            "rewrote the token (a pre-token-generation Lambda): keep it a string"
        )
    return f"the identity provider must send '{name}' as a {expected}"


@check(
    "CLM005",
    "claim-types",
    Stage.CLAIMS,
    refs=("OIDCC-5.1", "COGNITO-id-token", "CF-generic-oidc"),
    needs=(CLAIMS,),
)
def claim_types(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """Claims whose type Access or Cognito fixes have that type (one finding per problem).

    Expected types: ``cognito:groups``, ``cognito:roles`` and ``groups`` arrays of
    strings; ``email`` (and the ``email_claim_name`` claim), ``sub``,
    ``cognito:username``, ``cognito:preferred_role`` and ``custom:*`` strings;
    ``email_verified`` and ``phone_number_verified`` booleans; ``identities`` an array of
    objects. An ``email_verified`` of ``"true"``/``"false"`` (a string) is a warning:
    OpenID Connect says boolean and Cognito's ID tokens carry booleans; only Cognito's
    userinfo answers with strings, and a string in the ID token means something
    rewrote it.

    Why it matters: Access splits array claims into separate values for policies; a
    group list sent as one string (``"admins,users"``) matches only as a whole, so
    group policies silently deny. Wrong types also break applications that read the
    claims from Access's JWT.

    How to fix: send arrays as JSON arrays and strings as strings. With Cognito, look for
    a pre-token-generation Lambda or proxy that rewrites claims.

    References: OpenID Connect Core 1.0 section 5.1; AWS: using the ID token; Cloudflare
    generic OIDC (claims in policies).
    """
    email_claim = ctx.config.email_claim_name
    checked = 0
    problems = 0
    for name, value in claims.items():
        expected = _expected_type(name, email_claim)
        if expected is None or value is None:
            continue
        checked += 1
        actual = _type_of(value)
        if actual == expected or (expected == _STRING_ARRAY and value == []):
            continue
        problems += 1
        if expected == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
            yield warned(
                f"'{name}' is the string \"{value}\", not a boolean",
                hint=(
                    "OpenID Connect defines it as a boolean and Cognito's ID tokens send one; "
                    "a string here means something rewrote the token"
                ),
                subject=name,
                expected=expected,
                actual=actual,
            )
            continue
        yield failed(
            f"'{name}' is {_article(actual)}, expected {_article(expected)}",
            hint=_type_hint(name, expected),
            subject=name,
            expected=expected,
            actual=actual,
        )
    if problems == 0:
        if checked == 0:
            yield info("none of the claims with a known type is in the ID token")
        else:
            yield passed(f"{checked} claim(s) with a known type have the expected type")


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


@check(
    "CLM006",
    "custom-claims-fit-access-jwt",
    Stage.CLAIMS,
    refs=("CF-access-jwt", "CF-custom-trimming", "CF-generic-oidc", "COGNITO-groups"),
    severity=Status.WARN,
    needs=(CLAIMS,),
)
def custom_claims_fit_access_jwt(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    """The configured claims, serialized as Access's JWT ``custom`` claim, fit its size budget.

    Why it matters: Access puts the configured claims into the ``custom`` claim of the
    application token it gives to protected applications (``Cf-Access-Jwt-Assertion``),
    and past "an internal size budget" drops the last configured claims first
    (Cloudflare docs pull request 31700, titled "... dropped near 4 KB cookie limit").
    Policies still see every claim, but applications reading the token lose the dropped
    ones without any error. A user in many groups is the usual cause. No Cloudflare
    source gives the number, so the budget is derived from the 4 KB cookie limit and is
    APPROXIMATE: 4,096 bytes per cookie (RFC 6265 section 6.1) less the cookie name
    ``CF_Authorization=``, less the header and RS256 signature of Cloudflare's sample
    application token, gives the payload; less the payload's standard claims (aud,
    email, exp, iat, nbf, iss, type, identity_nonce, sub, country, as in the sample),
    about 2,380 bytes remain for ``custom`` (the finding's hint shows the arithmetic;
    the constant is ``oidc_probe.access.identity.CUSTOM_CLAIM_BUDGET``). The size is
    measured as compact UTF-8 JSON; Cloudflare's serialization, the cookie's attributes
    and a longer email move the real figure.

    How to fix: list the claims applications need most first in the Cloudflare
    ``claims`` list, drop claims nobody reads, or reduce what the user carries (fewer
    Cognito groups, shorter group names).

    References: Cloudflare: application token; Cloudflare docs PR 31700 (the trimming of
    ``custom``); Cloudflare generic OIDC; AWS: user pool groups.
    """
    trimmed = custom_of(ctx)  # computed once per run, shared with the reports
    assert trimmed is not None  # there are claims
    size = trimmed.size
    limit = CUSTOM_CLAIM_BUDGET
    if not trimmed.trimmed:
        yield passed(
            f"the configured claims serialize to {size} bytes (limit about {limit})",
            expected=f"<= {limit} bytes",
            actual=size,
        )
        return
    dropped = trimmed.dropped
    yield failed(
        f"the configured claims serialize to {size} bytes, above the about {limit} Access keeps "
        f"in its JWT's custom claim; it would drop: {', '.join(dropped)}",
        hint=(
            "Access drops the last configured claims first: order the claims list by "
            "importance, remove claims nobody reads, or reduce the user's groups; policies "
            f"still see every claim, applications reading the Access JWT do not; "
            f"{CUSTOM_CLAIM_BUDGET_NOTE}"
        ),
        expected=f"<= {limit} bytes",
        actual=size,
    )
