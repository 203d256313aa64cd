"""What the active stage gathers (``--active``): the extra requests and logins, for the checks.

Each kind of attempt has its own field, holding the attempt or :class:`NotAttempted` with
why it was not made; the check that judges that kind reads its field (a declared input of
``oidc_probe.checks.active``) and skips with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from oidc_probe.core.artefacts import DecodedJwt, HttpExchange, LoginResult, SignatureResult

# The outcome of an attempt that stopped at the provider's sign-in page on purpose.
SIGN_IN_PAGE = "stopped at the sign-in page"


@dataclass(frozen=True)
class NotAttempted:
    """An attempt the active stage did not make, and why (the SKIP of the check judging it)."""

    reason: str


@dataclass(frozen=True)
class WrongVerifierAttempt:
    """One more login with a fresh PKCE pair, its code exchanged with another verifier."""

    login: LoginResult
    exchange: HttpExchange | None = None  # None when that login gave no code to exchange


@dataclass(frozen=True)
class UnregisteredRedirectAttempt:
    """An authorization request naming a redirect URI the client never registered.

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
    """The main token response's refresh token redeemed (``grant_type=refresh_token``).

    When the answer holds a string ``id_token``, the stage decodes it and verifies its
    signature against the run's JWKS (the checks do no I/O); both stay ``None`` otherwise.
    """

    exchange: HttpExchange
    id_token: DecodedJwt | None = None
    signature: SignatureResult | None = None


@dataclass(frozen=True)
class ActiveResults:
    """The attempts of the active stage, one field per kind (the defaults: not made)."""

    # The redeemed code of the main login sent a second time.
    code_replay: HttpExchange | NotAttempted = NotAttempted("the code was not sent again")
    wrong_verifier: WrongVerifierAttempt | NotAttempted = NotAttempted("no extra login was made")
    unregistered_redirect: UnregisteredRedirectAttempt | NotAttempted = NotAttempted(
        "no request was sent"
    )
    # Sent before the code replay, which may revoke the main login's tokens.
    refresh: RefreshAttempt | NotAttempted = NotAttempted("the refresh token was not redeemed")
