"""The interface every login driver implements."""

from __future__ import annotations

from typing import Protocol

import httpx2

from oidc_probe.core.context import AuthorizationRequest, LoginResult


class LoginDriver(Protocol):
    """Turns an authorization request into a :class:`LoginResult`.

    A driver never raises for what the IdP or the network does: refusals,
    wrong credentials and network errors are described in the result. It must
    not request the redirect URI itself; reaching a redirect to it is the goal.
    """

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult: ...
