"""What the active stage gathers (``--active``): the extra requests and logins, for the checks.

Each field is ``None`` when its attempt was not made; ``not_attempted`` then says why,
keyed by the check ID that would have judged it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from oidc_probe.core.artefacts import DecodedJwt, HttpExchange, LoginResult, SignatureResult

# The outcome of an attempt that stopped at the provider's sign-in page on purpose.
SIGN_IN_PAGE = "stopped at the sign-in page"


@dataclass(frozen=True)
class WrongVerifierAttempt:
    """TOK005: one more login with a fresh PKCE pair, its code exchanged with another verifier."""

    login: LoginResult
    exchange: HttpExchange | None = None  # None when that login gave no code to exchange


@dataclass(frozen=True)
class UnregisteredRedirectAttempt:
    """AUT005: an authorization request naming a redirect URI the client never registered.

    ``signed_in`` is False when the probe stopped at the sign-in page instead of
    signing in (login modes that do not use the provider's pages).
    """

    redirect_uri: str
    registered_redirect_uri: str
    login: LoginResult
    signed_in: bool
    # The same request with the registered redirect URI: the main login, or (not signed in)
    # one more visit, so a refusal of everything (a 404, a broken client) is not a pass.
    baseline: LoginResult | None = None


@dataclass(frozen=True)
class RefreshAttempt:
    """TOK007: the main token response's refresh token redeemed (``grant_type=refresh_token``).

    When the answer holds a string ``id_token``, the stage decodes it and verifies its
    signature against the run's JWKS (the checks do no I/O); both stay ``None`` otherwise.
    """

    exchange: HttpExchange
    id_token: DecodedJwt | None = None
    signature: SignatureResult | None = None


@dataclass(frozen=True)
class ActiveResults:
    code_replay: HttpExchange | None = None  # TOK004: the redeemed code sent a second time
    wrong_verifier: WrongVerifierAttempt | None = None
    unregistered_redirect: UnregisteredRedirectAttempt | None = None
    not_attempted: Mapping[str, str] = field(default_factory=dict)
    refresh: RefreshAttempt | None = None  # TOK007, sent before TOK004's replay
