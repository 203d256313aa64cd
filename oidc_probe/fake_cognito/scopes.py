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
- A scope the app client does not allow: the authorize endpoint page lists
  ``invalid_scope`` among the errors it redirects to the callback with, which the
  emulator does by default. Community reports disagree (some see the scope silently
  dropped, some Cognito's own ``/error`` page); the faults ``unallowed-scope-ignored``
  and ``unallowed-scope-error-page`` reproduce those. UNCERTAIN which one a given pool
  (classic hosted UI or managed login) shows.
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
    error_page: bool

    @property
    def description(self) -> str:
        return f"scopes not allowed for this client: {' '.join(self.not_allowed)}"


def granted_scopes(
    client: AppClient, requested: tuple[str, ...], faults: frozenset[Fault]
) -> tuple[str, ...] | ScopeRefusal:
    """The scopes a code will carry, or why the request is refused."""
    not_allowed = tuple(s for s in requested if s not in client.allowed_scopes)
    if not_allowed and Fault.UNALLOWED_SCOPE_IGNORED not in faults:
        return ScopeRefusal(not_allowed, Fault.UNALLOWED_SCOPE_ERROR_PAGE in faults)
    granted = tuple(s for s in requested if s in client.allowed_scopes)
    if "openid" not in granted:
        granted = tuple(s for s in granted if s not in NEEDS_OPENID)
    return granted
