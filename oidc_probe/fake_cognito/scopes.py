"""Which of the requested scopes Cognito grants at /oauth2/authorize.

Modelled on the AWS developer guide, "The authorize endpoint" and "Scopes, M2M, and
APIs with resource servers" (https://docs.aws.amazon.com/cognito/latest/developerguide/
authorization-endpoint.html, .../cognito-user-pools-define-resource-servers.html):

- ``openid`` is what makes Cognito issue an ID token ("Because openid scope was not
  requested, Amazon Cognito doesn't return an ID token"); the token endpoint leaves
  ``id_token`` out without it (see ``endpoints``).
- ``email``, ``phone`` and ``profile`` "require the openid scope": without ``openid``
  they are not granted (left out of the access token's ``scope``; no attribute is
  released by them). UNCERTAIN: whether Cognito refuses such a request instead; no
  AWS page says so, so the emulator grants what it can.
- A scope the app client does not allow: the sources disagree. The authorize page's
  scope parameter says "Any scope used must be associated with the client, or it will be
  ignored at runtime", while its "Examples of negative responses" say a scope "that is
  unknown, malformed, or not valid" gets ``invalid_scope`` on the redirect URI
  (``Location: https://client_redirect_uri?error=invalid_scope``). The emulator follows that
  example (the most specific primary text for the authorize endpoint). Users report the
  other forms, offered as faults: ``error=invalid_request&error_description=invalid_scope``
  on the redirect URI (github.com/aws-samples/cloudfront-authorization-at-edge/issues/82,
  github.com/mlops-club/awscdk-minecraft/issues/40), Cognito's own
  ``/error?error=invalid_scope&client_id=...`` page
  (github.com/python-social-auth/social-app-django/issues/538), and the scope silently
  dropped (the "ignored at runtime" sentence; no report shows it). UNCERTAIN which form a
  given pool shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.pool import AppClient

NEEDS_OPENID = frozenset({"email", "phone", "profile"})


@dataclass(frozen=True)
class ScopeRefusal:
    """The request is refused: an ``invalid_scope`` redirect, or Cognito's error page."""

    not_allowed: tuple[str, ...]
    error_page: bool = False
    as_invalid_request: bool = False


def granted_scopes(
    client: AppClient, requested: tuple[str, ...], faults: frozenset[Fault]
) -> tuple[str, ...] | ScopeRefusal:
    """The scopes a code will carry, or why the request is refused."""
    not_allowed = tuple(s for s in requested if s not in client.allowed_scopes)
    if not_allowed and Fault.UNALLOWED_SCOPE_IGNORED not in faults:
        return ScopeRefusal(
            not_allowed,
            error_page=Fault.UNALLOWED_SCOPE_ERROR_PAGE in faults,
            as_invalid_request=Fault.UNALLOWED_SCOPE_INVALID_REQUEST in faults,
        )
    granted = tuple(s for s in requested if s in client.allowed_scopes)
    if "openid" not in granted:
        granted = tuple(s for s in granted if s not in NEEDS_OPENID)
    return granted
