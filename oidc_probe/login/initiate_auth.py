"""``--login initiate-auth``: tokens from Cognito's InitiateAuth API instead of the login pages.

For pools whose login pages cannot be driven without a browser. One
``USER_PASSWORD_AUTH`` call with ``SECRET_HASH``; the ``AuthenticationResult`` is
reshaped into an OAuth token response (``id_token``, ``access_token``, ...) so the
ID-token and claim checks judge it as they judge a token-endpoint response.

These tokens are not the ones Access receives: no authorization request, redirect
URI, state, nonce or token endpoint is involved, the claims are not filtered by the
OAuth scopes, and a pre token generation Lambda sees another trigger source.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx2

from oidc_probe.core import cognito
from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import AuthorizationRequest, HttpExchange, LoginResult
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode, RunSettings
from oidc_probe.login.base import LoginDriver
from oidc_probe.plumbing.http import fetch
from oidc_probe.plumbing.urls import refuse_cleartext

TARGET = "AWSCognitoIdentityProviderService.InitiateAuth"
AMZ_JSON = "application/x-amz-json-1.1"
AUTH_FLOW = "USER_PASSWORD_AUTH"
_TOKEN_FIELDS = (
    ("IdToken", "id_token"),
    ("AccessToken", "access_token"),
    ("RefreshToken", "refresh_token"),
    ("ExpiresIn", "expires_in"),
    ("TokenType", "token_type"),
)

ENDPOINT_UNKNOWN = (
    "--login initiate-auth needs the Cognito API: certs_url names no Cognito pool to take "
    "the region from, so pass --cognito-endpoint URL"
)
_MFA_HINT = (
    "the user must answer a multi-factor challenge, which initiate-auth cannot do; use a test "
    "user without MFA (or with MFA optional and not set up)"
)
CHALLENGE_HINTS = {
    "NEW_PASSWORD_REQUIRED": (
        "the user must set a new password first (status FORCE_CHANGE_PASSWORD): sign in once "
        "through the hosted UI, or set a permanent password with "
        "`aws cognito-idp admin-set-user-password --permanent`"
    ),
    "SMS_MFA": _MFA_HINT,
    "SOFTWARE_TOKEN_MFA": _MFA_HINT,
    "EMAIL_OTP": _MFA_HINT,
    "SMS_OTP": _MFA_HINT,
    "SELECT_MFA_TYPE": _MFA_HINT,
    "MFA_SETUP": (
        "the pool requires MFA and the user has not set it up; use a test user in a pool or "
        "app client where MFA is optional"
    ),
    "CUSTOM_CHALLENGE": (
        "a custom authentication Lambda challenges the user; initiate-auth answers no challenges"
    ),
}
FLOW_NOT_ENABLED_HINT = (
    "enable ALLOW_USER_PASSWORD_AUTH in the app client's authentication flows (Cognito "
    "console: App clients > the client > Edit), or use --login form"
)
_ERROR_HINTS = {
    "UserNotConfirmedException": (
        "confirm the user (`aws cognito-idp admin-confirm-sign-up`) before testing with it"
    ),
    "PasswordResetRequiredException": (
        "the user must reset the password first; set a permanent one with "
        "`aws cognito-idp admin-set-user-password --permanent`"
    ),
    "UserNotFoundException": "no such user in this pool: check --username",
    "ResourceNotFoundException": (
        "the app client does not exist at this endpoint: check client_id and the region (taken "
        "from certs_url, or set with --cognito-endpoint)"
    ),
    "TooManyRequestsException": "Cognito throttled the request; wait and retry",
    "LimitExceededException": "Cognito throttled the request; wait and retry",
    "UserLambdaValidationException": (
        "a Lambda trigger of the pool (pre authentication?) rejected the sign-in; see its logs"
    ),
    "InvalidUserPoolConfigurationException": (
        "the pool's configuration does not allow this sign-in; see the message"
    ),
}
_NOT_AUTHORIZED_HINTS = (
    (
        "secret hash",
        "the client secret does not belong to this app client (SECRET_HASH is "
        "computed from it): check client_secret",
    ),
    ("disabled", "the user is disabled in the pool: enable it"),
    (
        "incorrect username or password",
        "check --username and the password (in the environment "
        "variable named by --password-env, default OIDC_PROBE_PASSWORD, or --password-stdin)",
    ),
)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, message=username + client id))."""
    digest = hmac.new(
        client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def api_endpoint(certs_url: str, override: str | None = None) -> str | None:
    """``--cognito-endpoint``, else the regional API of the pool ``certs_url`` names, else None."""
    if override:
        return override
    region = cognito.idp_host_region(certs_url)
    if region is None:
        pool = cognito.pool_from_url(certs_url)
        region = pool.region if pool is not None else None
    return f"https://cognito-idp.{region}.amazonaws.com/" if region else None


def token_response(result: Mapping[str, Any]) -> dict[str, Any]:
    """``AuthenticationResult`` -> the fields of an OAuth token response."""
    return {oauth: result[aws] for aws, oauth in _TOKEN_FIELDS if aws in result}


@dataclass(frozen=True)
class InitiateAuthLogin:
    """Signs in with ``USER_PASSWORD_AUTH``; the result carries ``token_fetch`` on success."""

    endpoint: str
    client_id: str
    client_secret: str | None = field(repr=False)
    username: str
    password: str = field(repr=False)

    def request_body(self) -> dict[str, Any]:
        parameters = {"USERNAME": self.username, "PASSWORD": self.password}
        if self.client_secret:
            parameters["SECRET_HASH"] = secret_hash(
                self.username, self.client_id, self.client_secret
            )
        return {"AuthFlow": AUTH_FLOW, "ClientId": self.client_id, "AuthParameters": parameters}

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        refuse_cleartext(self.endpoint, "the password (InitiateAuth)")
        exchange = fetch(
            client,
            "POST",
            self.endpoint,
            headers={"Content-Type": AMZ_JSON, "X-Amz-Target": TARGET, "Accept": AMZ_JSON},
            content=json.dumps(self.request_body()),
        )
        return interpret(exchange)


def interpret(exchange: HttpExchange) -> LoginResult:
    """The InitiateAuth response as a login result; never keeps the raw body (it holds tokens)."""
    pages = (exchange.url,)
    where = f"InitiateAuth at {exchange.url}"
    if exchange.error is not None:
        return LoginResult(
            login_error=f"{where} failed: {exchange.error}",
            hint="check --cognito-endpoint (or the region in certs_url) and the network",
            pages=pages,
        )
    body = exchange.json_object()
    if body is None:
        kind = exchange.content_type or "no content type"
        return LoginResult(
            login_error=f"{where} answered HTTP {exchange.status} with {kind}, not Cognito's JSON",
            hint="--cognito-endpoint must be the Cognito API (https://cognito-idp.<region>."
            "amazonaws.com/), not the pool's domain",
            pages=pages,
        )
    if exchange.status != 200:
        return _api_error(where, exchange.status, body, pages)
    challenge = body.get("ChallengeName")
    if isinstance(challenge, str) and challenge:
        return LoginResult(
            login_error=f"login failed: {where} answered with the challenge {challenge} "
            "instead of tokens",
            hint=CHALLENGE_HINTS.get(
                challenge, "initiate-auth answers no challenges; use a user without one"
            ),
            pages=pages,
        )
    result = body.get("AuthenticationResult")
    if not isinstance(result, dict) or not isinstance(result.get("IdToken"), str):
        return LoginResult(
            login_error=f"{where} answered HTTP 200 without an AuthenticationResult.IdToken",
            hint="the Cognito API should return IdToken for USER_PASSWORD_AUTH; is "
            "--cognito-endpoint the Cognito API?",
            pages=pages,
        )
    normalized = replace(exchange, json=token_response(result), text="", json_error=None)
    return LoginResult(token_fetch=normalized, pages=pages)


def _api_error(
    where: str, status: int | None, body: Mapping[str, Any], pages: tuple[str, ...]
) -> LoginResult:
    raw_type = body.get("__type") or body.get("code") or "error"
    kind = str(raw_type).rsplit("#", 1)[-1]
    message = body.get("message") or body.get("Message") or ""
    message = message if isinstance(message, str) else ""
    lowered = message.lower()
    if "user_password_auth" in lowered:
        hint = FLOW_NOT_ENABLED_HINT
    elif kind == "NotAuthorizedException":
        hint = next(
            (h for key, h in _NOT_AUTHORIZED_HINTS if key in lowered),
            "Cognito refused the sign-in; see the message",
        )
    else:
        hint = _ERROR_HINTS.get(kind, "see Cognito's message")
    detail = f": {message}" if message else ""
    return LoginResult(
        login_error=f"login failed: {where} answered HTTP {status} {kind}{detail}",
        hint=hint,
        pages=pages,
    )


def headless_driver(config: ProbeConfig, settings: RunSettings) -> LoginDriver:
    """The driver of a login mode that needs no person: InitiateAuth or the form login."""
    username, password = settings.username or "", settings.password or ""
    if settings.login is not LoginMode.INITIATE_AUTH:
        from oidc_probe.login.form import FormLogin

        return FormLogin(username, password)
    endpoint = api_endpoint(config.certs_url, settings.cognito_endpoint)
    if endpoint is None:
        raise UsageError(ENDPOINT_UNKNOWN)
    secret = config.client_secret if config.usable("client_secret") else None
    return InitiateAuthLogin(endpoint, config.client_id, secret, username, password)
