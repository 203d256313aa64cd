"""What a redirect back from the provider means, shared by the interactive login drivers.

:func:`preflight` asks the authorization endpoint once, without following the
redirect, so that a refusal the provider shows on its own error page (Cognito's
redirect_mismatch for an unregistered callback) is reported at once instead of
leaving a person facing that page while the probe waits.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx2

from oidc_probe.core.context import AuthorizationRequest, AuthorizeError, LoginResult
from oidc_probe.plumbing.http import fetch, strip_query
from oidc_probe.plumbing.urls import same_endpoint

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def callback_result(url: str) -> LoginResult:
    """A :class:`LoginResult` for a URL the browser was redirected to (query or fragment)."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query or parts.fragment, keep_blank_values=True))
    error = None
    if "error" in params:
        error = AuthorizeError(
            error=params["error"],
            description=params.get("error_description", ""),
            via="redirect",
            url=strip_query(url),
        )
    return LoginResult(callback_url=url, callback_params=params, authorize_error=error)


def preflight(client: httpx2.Client, request: AuthorizationRequest) -> LoginResult | None:
    """A refusal the authorization endpoint gives before any login, or ``None``."""
    exchange = fetch(client, "GET", request.url, headers={"Accept": "text/html"})
    if exchange.error is not None or exchange.status is None:
        return None
    location = exchange.headers.get("location", "").strip()
    if exchange.status in _REDIRECT_STATUSES and location:
        target = urljoin(exchange.url, location)
        if same_endpoint(target, request.redirect_uri):
            result = callback_result(target)
            return result if result.authorize_error is not None else None
        return error_page_result(target)
    if exchange.status >= 400:
        body = exchange.json_object() or {}
        error = body.get("error")
        description = body.get("error_description")
        return LoginResult(
            authorize_error=AuthorizeError(
                error=error if isinstance(error, str) else f"HTTP {exchange.status}",
                description=description if isinstance(description, str) else "",
                via="http",
                url=strip_query(exchange.url),
            )
        )
    return None


def error_page_result(url: str) -> LoginResult | None:
    """A result for the provider's own error page (Cognito's ``/error?error=...``), or ``None``."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if not parts.path.rstrip("/").endswith("/error") or not params.get("error"):
        return None
    return LoginResult(
        authorize_error=AuthorizeError(
            error=params["error"],
            description=params.get("error_description", ""),
            via="error_page",
            url=url,
        )
    )
