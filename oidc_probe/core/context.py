"""RunContext: the typed artefacts a run gathers. Stages fill it; checks only read it.

The artefacts themselves (one HTTP exchange, the login result, the decoded ID token, ...)
are defined in :mod:`oidc_probe.core.artefacts` and re-exported here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oidc_probe.core.artefacts import (
    AccessJwt,
    AuthorizationRequest,
    AuthorizeError,
    DecodedJwt,
    HttpExchange,
    LoginResult,
    SignatureResult,
)
from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.issuer import IssuerBasis, initial_basis
from oidc_probe.core.settings import RunSettings

if TYPE_CHECKING:
    import httpx2

    # Only the runs that have them need these types (--active, the reports, --aws):
    # a probe's first request does not wait for their modules.
    from oidc_probe.core.active import ActiveResults, RefreshAttempt
    from oidc_probe.core.identity_view import IdentityView
    from oidc_probe.core.pool import PoolAudit


# Refetches the JWKS for an unknown kid; several runs can share one (see oidc_probe.run.multirun).
JwksRefetcher = Callable[["RunContext", "httpx2.Client"], "HttpExchange | None"]


@dataclass
class RunContext:
    """Everything one run gathered. ``None`` means the stage did not produce it."""

    config: ProbeConfig
    settings: RunSettings
    now: Callable[[], float] = time.time
    discovery_fetch: HttpExchange | None = None
    jwks_fetch: HttpExchange | None = None
    jwks_refetch: HttpExchange | None = None
    authorization: AuthorizationRequest | None = None
    login: LoginResult | None = None
    token_fetch: HttpExchange | None = None
    id_token: DecodedJwt | None = None
    signature: SignatureResult | None = None
    userinfo_fetch: HttpExchange | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    # key -> (start, end) in ms since ``clock_start`` (stages overlap; see run.pipeline)
    timeline_ms: dict[str, tuple[float, float]] = field(default_factory=dict)
    clock_start: float = field(default_factory=time.perf_counter, repr=False)
    stopped: dict[str, str] = field(default_factory=dict)
    jwks_refetcher: JwksRefetcher | None = field(default=None, repr=False)
    active: ActiveResults | None = None  # --active only
    access_jwt: AccessJwt | None = None  # verify-access only
    pool_audit: PoolAudit | None = None  # --aws and audit only
    # What Access builds from the ID token, for the reports (oidc_probe.access.derived).
    access_identity: IdentityView | None = None
    # Views derived from the run, computed once (keyed by the function that computes them).
    derived: dict[Callable[..., Any], Any] = field(default_factory=dict, repr=False)
    # The expected issuer and how it was established; see ``issuer``.
    basis: IssuerBasis | None = None
    # Discovery documents fetched to confirm the issuer, by URL (oidc_probe.stages.issuer).
    issuer_fetches: dict[str, HttpExchange] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.basis is None:
            self.basis = initial_basis(
                self.settings.issuer,
                guessed=self.settings.issuer_guessed,
                certs_url=self.config.certs_url,
            )

    @property
    def issuer(self) -> IssuerBasis:
        """The expected issuer: ``--issuer``, the Cognito pool URL, or what discovery confirmed.

        Before a stage confirms one it is the initial basis from the settings
        (:func:`oidc_probe.core.issuer.initial_basis`); stages replace ``basis``.
        """
        assert self.basis is not None  # set by __post_init__
        return self.basis

    @property
    def discovery(self) -> dict[str, Any] | None:
        fetch = self.discovery_fetch
        return fetch.json_object() if fetch is not None and fetch.ok else None

    @property
    def jwks(self) -> dict[str, Any] | None:
        """The key set in use: the refetched one when a refetch happened and succeeded."""
        for fetch in (self.jwks_refetch, self.jwks_fetch):
            if fetch is not None and fetch.ok and fetch.json_object() is not None:
                return fetch.json_object()
        return None

    @property
    def token_response(self) -> dict[str, Any] | None:
        fetch = self.token_fetch
        return fetch.json_object() if fetch is not None and fetch.ok else None

    @property
    def id_token_claims(self) -> Mapping[str, Any] | None:
        return self.id_token.claims if self.id_token is not None else None

    @property
    def userinfo(self) -> dict[str, Any] | None:
        fetch = self.userinfo_fetch
        return fetch.json_object() if fetch is not None and fetch.ok else None

    def credentials(self) -> list[str | None]:
        """The client secret (also the one the pool audit read from AWS) and the password.

        Redacted even with ``--show-tokens``.
        """
        audit = self.pool_audit
        return [
            self.config.client_secret,
            self.settings.password,
            audit.client_secret if audit is not None else None,
        ]

    def secrets(self) -> list[str]:
        """Values that must never appear in output unless ``--show-tokens``."""
        values = self.credentials()
        if self.authorization is not None:
            values += [self.authorization.code_verifier]
        if self.login is not None and self.login.callback_params:
            values.append(self.login.callback_params.get("code"))
        refresh: RefreshAttempt | None = None
        if self.active is not None:
            from oidc_probe.core.active import NotAttempted

            attempt = self.active.refresh
            refresh = None if isinstance(attempt, NotAttempted) else attempt
        for response in (self.token_response, refresh.exchange.json_object() if refresh else None):
            if response is not None:
                values += [
                    v for k, v in response.items() if k.endswith("_token") and isinstance(v, str)
                ]
        if refresh is not None and refresh.id_token is not None:
            values.append(refresh.id_token.raw)
        if self.id_token is not None:
            values.append(self.id_token.raw)
        if self.access_jwt is not None:
            values.append(self.access_jwt.token.raw)
        return [v for v in values if v and len(v) >= 4]


__all__ = [
    "AccessJwt",
    "AuthorizationRequest",
    "AuthorizeError",
    "DecodedJwt",
    "HttpExchange",
    "JwksRefetcher",
    "LoginResult",
    "RunContext",
    "SignatureResult",
]
