"""Userinfo checks (USR001-USR002).

Access itself does not call userinfo; the probe does, to explain claims that the
provider releases there but not in the ID token (CLM004).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from oidc_probe.checks._inputs import NO_USERINFO
from oidc_probe.checks._support import looks_like_html, normalised_notes, status_detail
from oidc_probe.checks.needs import CLAIMS, USERINFO
from oidc_probe.checks.registry import check
from oidc_probe.core.cognito import is_cognito_issuer
from oidc_probe.core.context import RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, failed, info, passed, skipped
from oidc_probe.core.settings import LoginMode

_NOT_USED = "Access itself does not call userinfo"


def _status_hint(ctx: RunContext, status: int) -> str:
    if status in (401, 403):
        advice = (
            "the endpoint refused the access token: it must be a valid Bearer token with the "
            "openid scope"
        )
        if is_cognito_issuer(ctx.issuer.issuer):
            advice += " (Cognito's userInfo rejects access tokens without the openid scope)"
        return advice
    if status >= 500:
        return "the userinfo endpoint has a server error; retry, or check the provider's status"
    return "check that the discovery document's userinfo_endpoint is the provider's userinfo URL"


@check(
    "USR001",
    "userinfo-reachable",
    Stage.USERINFO,
    refs=("OIDCC-5.3", "COGNITO-userinfo-endpoint"),
    not_for={LoginMode.INITIATE_AUTH: NO_USERINFO},
)
def userinfo_reachable(ctx: RunContext) -> Iterator[Outcome]:
    """The userinfo endpoint named by discovery answers 200 with a JSON object for the access token.

    Why it matters: Access does not call userinfo, so a broken endpoint does not break
    Access logins by itself. But other relying parties do use it, and without it the
    probe cannot tell whether a claim missing from the ID token is released elsewhere
    (CLM004). A provider that names an endpoint in its discovery document should serve it.

    How to fix: make sure the access token from the token endpoint is accepted at
    ``userinfo_endpoint`` as a Bearer token. Cognito's ``/oauth2/userInfo`` accepts only
    access tokens that carry the ``openid`` scope: request ``openid`` in scopes.

    A value normalised on arrival (an unpaired surrogate escape replaced with U+FFFD,
    JSON nested over 64 levels kept as text) is a warning naming where.

    References: OpenID Connect Core 1.0 section 5.3 (UserInfo endpoint); AWS: userInfo
    endpoint.
    """
    discovery = ctx.discovery
    fetch = ctx.userinfo_fetch
    if fetch is None:
        if discovery is None:
            yield skipped("no discovery document, so no userinfo_endpoint is known (see DSC001)")
        elif not discovery.get("userinfo_endpoint"):
            yield info(f"the discovery document names no userinfo_endpoint; {_NOT_USED}")
        elif not isinstance((ctx.token_response or {}).get("access_token"), str):
            yield skipped("no access token to call userinfo with (see TOK001, TOK002)")
        else:
            yield skipped("userinfo was not fetched")
        return
    where = fetch.describe()
    if fetch.error is not None or fetch.status is None:
        yield failed(
            f"userinfo is unreachable: {where} ({_NOT_USED})",
            hint="check that userinfo_endpoint in the discovery document is reachable from here",
            expected="HTTP 200",
            actual=fetch.error,
        )
        return
    if fetch.status != 200:
        yield failed(
            f"userinfo answered HTTP {fetch.status}{status_detail(fetch)}: {where} ({_NOT_USED})",
            hint=_status_hint(ctx, fetch.status),
            expected="HTTP 200",
            actual=fetch.status,
        )
        return
    body = fetch.json_object()
    if body is None:
        detail = fetch.json_error or f"a JSON {json_type(fetch.json)}, not an object"
        if looks_like_html(fetch):
            detail = "an HTML page instead of JSON"
        yield failed(
            f"userinfo at {fetch.url} did not return a JSON object: {detail} ({_NOT_USED})",
            hint="the userinfo endpoint must answer with a JSON object of claims",
            expected="a JSON object",
            actual=fetch.content_type or "no content type",
        )
        return
    yield passed(f"userinfo returned {len(body)} claim(s) (GET {fetch.url})", actual=sorted(body))
    yield from normalised_notes(fetch.json_notes)


@check(
    "USR002",
    "userinfo-sub-matches",
    Stage.USERINFO,
    refs=("OIDCC-5.3.2", "OIDCC-5.3.4"),
    not_for={LoginMode.INITIATE_AUTH: NO_USERINFO},
    needs=(USERINFO, CLAIMS),
)
def userinfo_sub_matches(
    ctx: RunContext, userinfo: Mapping[str, Any], claims: Mapping[str, Any]
) -> Iterator[Outcome]:
    """The ``sub`` claim from userinfo equals the ``sub`` of the ID token.

    Why it matters: OpenID Connect requires relying parties to discard a userinfo
    response whose ``sub`` differs from the ID token's, because it may describe another
    user (token substitution). A mismatch means the access token and the ID token belong
    to different users or sessions.

    How to fix: make sure the access token used at userinfo is the one issued with the
    ID token, and that no proxy caches or rewrites userinfo responses.

    References: OpenID Connect Core 1.0 sections 5.3.2 (successful UserInfo response)
    and 5.3.4 (UserInfo response validation).
    """
    expected = claims.get("sub")
    if not isinstance(expected, str) or not expected:
        yield skipped("the ID token has no sub to compare with (see IDT011)")
        return
    actual = userinfo.get("sub")
    if actual is None:
        yield failed(
            "the userinfo response has no sub claim",
            hint="the userinfo endpoint must always return sub (OpenID Connect Core 5.3.2)",
            expected=expected,
            actual="missing",
        )
    elif actual != expected:
        yield failed(
            "userinfo's sub differs from the ID token's: the response describes another user",
            hint=(
                "the access token used at userinfo must be the one issued with this ID token; "
                "check for proxies that cache or rewrite userinfo responses"
            ),
            expected=expected,
            actual=actual if isinstance(actual, str) else json_type(actual),
        )
    else:
        yield passed("userinfo's sub equals the ID token's", actual=actual)
