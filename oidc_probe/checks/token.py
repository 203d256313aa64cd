"""Checks of the token exchange (the authorization code traded for tokens)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from oidc_probe.checks import hints
from oidc_probe.checks._support import (
    exchange_failure,
    header,
    is_cognito,
    normalised_notes,
    not_run,
    redact,
    status_detail,
)
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, Status, failed, passed, skipped, warned
from oidc_probe.core.settings import ClientAuth, LoginMode
from oidc_probe.plumbing.jose import loads_noting_repeats

_UNRESERVED = re.compile(r"^[A-Za-z0-9\-._~]*$")

# error code -> (generic hint, Cognito addition)
_TOKEN_HINTS = {
    "invalid_client": (hints.INVALID_CLIENT, hints.INVALID_CLIENT_COGNITO),
    "invalid_grant": (hints.INVALID_GRANT, hints.INVALID_GRANT_COGNITO),
    "unauthorized_client": (hints.UNAUTHORIZED_CLIENT_TOKEN, hints.UNAUTHORIZED_CLIENT_COGNITO),
    "invalid_request": (hints.INVALID_REQUEST_TOKEN, ""),
    "unsupported_grant_type": (hints.UNSUPPORTED_GRANT_TYPE, hints.UNAUTHORIZED_CLIENT_COGNITO),
    "invalid_scope": (hints.INVALID_SCOPE_TOKEN, hints.INVALID_SCOPE_COGNITO),
}


_NO_TOKEN_ENDPOINT = "initiate-auth does not use the token endpoint"


def _not_exchanged(ctx: RunContext) -> str:
    login = ctx.login
    if login is None or not (login.callback_params or {}).get("code"):
        return "the token exchange did not run: no authorization code (see AUT001, AUT002)"
    return not_run(ctx, "token", "the token exchange did not run")


def _fetch(ctx: RunContext) -> HttpExchange | str:
    fetch = ctx.token_fetch
    return _not_exchanged(ctx) if fetch is None else fetch


def _successful_exchange(ctx: RunContext) -> HttpExchange | str:
    """The token response when the exchange returned HTTP 200, else why a check must skip."""
    fetch = _fetch(ctx)
    if isinstance(fetch, str):
        return fetch
    if fetch.error is not None or fetch.status != 200:
        return "the token exchange failed (see TOK001)"
    return fetch


# The token exchange, whatever it returned.
TOKEN_FETCH: Need[HttpExchange] = need("token exchange", _fetch)
# The token exchange that returned HTTP 200.
EXCHANGE: Need[HttpExchange] = need("successful token exchange", _successful_exchange)


def _error_hint(ctx: RunContext, error: str, description: str) -> str:
    cognito = is_cognito(ctx)
    if error == "unauthorized_client" and "redirect" in description.lower():
        return hints.INVALID_REDIRECT
    generic, extra = _TOKEN_HINTS.get(error, ("see the error_description", ""))
    hint = hints.with_cognito(generic, extra, cognito)
    if error == "invalid_client" and ctx.settings.client_auth is ClientAuth.BASIC:
        hint = f"{hint.rstrip('.')}. {hints.INVALID_CLIENT_BASIC}"
        if not all(
            _UNRESERVED.match(v or "") for v in (ctx.config.client_id, ctx.config.client_secret)
        ):
            hint += " The configured credentials do contain such characters."
    return hint


def _error_fields(fetch: HttpExchange, ctx: RunContext) -> tuple[str, str] | None:
    body = fetch.json_object()
    if body is None or not isinstance(body.get("error"), str):
        return None
    description = body.get("error_description")
    return body["error"], redact(description if isinstance(description, str) else "", ctx)


@check(
    "TOK001",
    "token-exchange-succeeded",
    Stage.TOKEN,
    refs=("RFC6749-4.1.3", "RFC6749-5.2", "OIDCC-3.1.3.1", "COGNITO-token-endpoint"),
    needs=(TOKEN_FETCH,),
    not_for={
        LoginMode.INITIATE_AUTH: f"{_NO_TOKEN_ENDPOINT}; Access's code exchange was not tested"
    },
)
def token_exchange_succeeded(ctx: RunContext, fetch: HttpExchange) -> Iterator[Outcome]:
    """The token endpoint answers the code exchange with HTTP 200.

    What it checks: the POST to token_url, made as Access makes it (client_secret_basic
    by default), succeeds. On an error the provider's ``error`` and
    ``error_description`` are shown with what they mean for Cognito.

    Why it matters: this is the exchange that gives Access the ID token. When it
    fails, users see a generic Access error after a successful login.

    How to fix: invalid_client: the secret is wrong or the app client has none (Access
    needs a client with a secret), or special characters break Basic auth.
    invalid_grant: the code was reused or expired, or the app client cannot read an
    attribute the scopes cover (e.g. email_verified). unauthorized_client: enable the
    authorization code grant on the app client (with ``invalid_redirect``: the
    redirect URI differs).

    References: RFC 6749 sections 4.1.3 and 5.2; OpenID Connect Core 3.1.3.1;
    Cognito's token endpoint.
    """
    cognito = is_cognito(ctx)
    url_hint = hints.with_cognito(hints.TOKEN_URL_WRONG, hints.TOKEN_URL_COGNITO, cognito)
    if fetch.error is not None:
        yield failed(
            f"the token request to {fetch.url} failed: {redact(fetch.error, ctx)}",
            hint=url_hint,
            expected="HTTP 200",
            actual=redact(fetch.error, ctx),
        )
        return
    if fetch.status == 200:
        yield passed(f"the token endpoint answered HTTP 200 ({fetch.elapsed_ms:.0f} ms)")
        return
    error = _error_fields(fetch, ctx)
    if error is not None:
        code, description = error
        detail = f": {description}" if description else ""
        yield failed(
            f"the token endpoint answered HTTP {fetch.status} {code}{detail}",
            hint=_error_hint(ctx, code, description),
            expected="HTTP 200",
            actual={"status": fetch.status, "error": code, "error_description": description},
        )
        return
    hint = hints.TOKEN_SERVER_ERROR if (fetch.status or 0) >= 500 else url_hint
    yield failed(
        f"the token endpoint at {fetch.url} answered HTTP {fetch.status}{status_detail(fetch)} "
        "and no OAuth error",
        hint=hint,
        expected="HTTP 200",
        actual={"status": fetch.status, "content_type": fetch.content_type},
    )


@check(
    "TOK002",
    "token-response-shape",
    Stage.TOKEN,
    refs=("RFC6749-5.1", "OIDCC-3.1.3.3", "RFC6750-4"),
    needs=(EXCHANGE,),
    not_for={LoginMode.INITIATE_AUTH: f"{_NO_TOKEN_ENDPOINT}; its response shape was not tested"},
)
def token_response_shape(ctx: RunContext, fetch: HttpExchange) -> Iterator[Outcome]:
    """The token response is a JSON object holding the tokens Access needs.

    What it checks: a JSON object, token_type Bearer (any case), id_token and
    access_token strings, expires_in a number.

    Why it matters: Access reads the user's identity from the ID token; without it
    (or with a response it cannot parse) the login fails after the exchange. A
    missing ``id_token`` almost always means the ``openid`` scope was not granted.

    How to fix: request and allow the ``openid`` scope (in Cognito: on the app
    client). Other shape problems point at a proxy or a non-standard server.

    References: RFC 6749 section 5.1; OpenID Connect Core 3.1.3.3.
    """
    cause = exchange_failure(fetch)
    if cause is not None:
        yield failed(
            f"the token response from {fetch.url} is {cause}",
            hint="the token endpoint must answer with a JSON object (RFC 6749 5.1)",
            subject="body",
            expected="a JSON object",
            actual=cause,
        )
        return
    body: dict[str, Any] = fetch.json
    problems = list(_shape_problems(body, ctx.config.scopes))
    yield from problems
    if not problems:
        yield passed(
            "the token response has token_type Bearer, id_token, access_token and expires_in"
        )


def _shape_problems(body: dict[str, Any], scopes: tuple[str, ...]) -> Iterator[Outcome]:
    token_type = body.get("token_type")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        yield failed(
            "token_type is not Bearer",
            hint="the token endpoint must return token_type Bearer (RFC 6750)",
            subject="token_type",
            expected="Bearer",
            actual=token_type if isinstance(token_type, str) else json_type(token_type),
        )
    for name, hint in (
        ("id_token", hints.no_id_token(scopes)),
        ("access_token", "the token endpoint must return an access_token (RFC 6749 5.1)"),
    ):
        value = body.get(name)
        if not isinstance(value, str) or not value:
            yield failed(
                f"{name} is {'missing' if value is None else 'not a non-empty string'}",
                hint=hint,
                subject=name,
                expected="a string",
                actual="missing" if value is None else json_type(value),
            )
    expires_in = body.get("expires_in")
    if expires_in is None:
        yield warned(
            "expires_in is missing",
            hint="RFC 6749 5.1 recommends expires_in; without it the token lifetime is unknown",
            subject="expires_in",
            expected="a number",
            actual="missing",
        )
    elif isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
        yield failed(
            "expires_in is not a number",
            hint="expires_in must be a JSON number of seconds (RFC 6749 5.1)",
            subject="expires_in",
            expected="a number",
            actual=json_type(expires_in),
        )


@check(
    "TOK003",
    "token-response-no-store",
    Stage.TOKEN,
    refs=("RFC6749-5.1",),
    severity=Status.WARN,
    needs=(EXCHANGE,),
    not_for={LoginMode.INITIATE_AUTH: f"{_NO_TOKEN_ENDPOINT}; its caching headers were not tested"},
)
def token_response_no_store(ctx: RunContext, fetch: HttpExchange) -> Iterator[Outcome]:
    """The token response carries ``Cache-Control: no-store``.

    Why it matters: the response holds the ID, access and refresh tokens; RFC 6749
    requires that no cache keeps it. This does not break Access, hence a warning.

    How to fix: make the token endpoint (or the proxy in front of it) send
    ``Cache-Control: no-store``. Cognito does.

    References: RFC 6749 section 5.1.
    """
    value = header(fetch, "cache-control")
    directives = {d.strip().split("=")[0].lower() for d in (value or "").split(",")}
    if "no-store" in directives:
        yield passed("the token response has Cache-Control: no-store", actual=value)
        return
    yield failed(
        "the token response lacks Cache-Control: no-store",
        hint=hints.NO_STORE,
        expected="no-store",
        actual=value if value is not None else "no Cache-Control header",
    )


def _body_problems(text: str) -> list[str] | str:
    """What makes a token response body ambiguous JSON, or why it cannot be re-read."""
    problems = []
    if text.startswith("\ufeff"):
        problems.append(
            "the body starts with a byte order mark (RFC 8259 8.1: senders MUST NOT add one; "
            "strict JSON parsers reject the body)"
        )
    body = text.removeprefix("\ufeff")
    try:
        _, repeated = loads_noting_repeats(body, allow_constants=True)
    except (ValueError, RecursionError):  # not JSON, or cut short where the exchange capped it
        return problems or "the body could not be re-read as JSON (see TOK002)"
    try:
        loads_noting_repeats(body)
    except ValueError:
        problems.append("the body uses NaN or Infinity, which are not JSON (RFC 8259 6)")
    if repeated:
        problems.append(
            f"the JSON object repeats {', '.join(repeated)}: the probe used the last value, a "
            "client that takes the first sees another"
        )
    return problems


@check(
    "TOK006",
    "token-response-json-strict",
    Stage.TOKEN,
    refs=("RFC6749-5.1", "RFC8259-4", "RFC8259-8.1"),
    needs=(EXCHANGE,),
)
def token_response_json_strict(ctx: RunContext, fetch: HttpExchange) -> Iterator[Outcome]:
    """The token response body is unambiguous JSON: no byte order mark, no repeated names, no NaN.

    What it checks: the body of a successful token response starts with JSON, not a
    UTF-8 byte order mark, and its object names each member once (``id_token`` twice
    is the dangerous case). Whitespace around the JSON is allowed (RFC 8259) and noted
    in the passing message only.

    Why it matters: parsers disagree on both. One client rejects a BOM, another skips
    it; one takes the first ``id_token``, another the last. A body that means different
    things to different clients lets a proxy or an attacker smuggle a token past one of
    them. The probe keeps the last value, like Python's parser.

    Access: unknown how Access's parser treats a BOM or duplicate names; the spec's
    verdict is kept.

    How to fix: the token endpoint (or the proxy in front of it) must send plain
    UTF-8 JSON without a BOM and write each member once. Cognito does.

    References: RFC 6749 section 5.1; RFC 8259 sections 4 (names SHOULD be unique) and
    8.1 (no byte order mark).

    Values normalised on arrival (an unpaired UTF-16 surrogate escape replaced with
    U+FFFD, JSON nested very deep kept as text) are warned about by name.
    """
    problems = _body_problems(fetch.text)
    if isinstance(problems, str):
        yield skipped(problems)
        return
    if problems:
        yield failed(
            "the token response body is ambiguous JSON: " + "; ".join(problems),
            hint=(
                "the token endpoint must send UTF-8 JSON without a byte order mark, each "
                "member once; look for a proxy that rewrites the response"
            ),
            expected="one JSON object, each member once, no BOM",
            actual=problems,
        )
        return
    padded = fetch.text != fetch.text.strip()
    note = " (surrounded by whitespace, which JSON allows)" if padded else ""
    yield passed("the token response is one JSON object with each member once" + note)
    yield from normalised_notes(fetch.json_notes)
