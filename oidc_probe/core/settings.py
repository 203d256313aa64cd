"""How the probe runs, beyond what Cloudflare's config says."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from oidc_probe.core.connect_to import ConnectRule
    from oidc_probe.core.expect import Expectation
    from oidc_probe.core.pool import AuditRequest

from oidc_probe.core.defaults import DEFAULT_LEEWAY, DEFAULT_REDIRECT_URI, DEFAULT_TIMEOUT

# Algorithms Cloudflare Access accepts for ID-token signatures.
ACCESS_ALGORITHMS = ("RS256", "RS512", "PS512", "ES256", "ES384", "ES512")


class ClientAuth(StrEnum):
    BASIC = "basic"
    POST = "post"


class LoginMode(StrEnum):
    FORM = "form"
    BROWSER = "browser"
    PASTE = "paste"
    HEADLESS_BROWSER = "headless-browser"
    INITIATE_AUTH = "initiate-auth"


class AccessPolicies(Protocol):
    """The Access policies to evaluate: an :class:`oidc_probe.access.setup.AccessSetup`, read
    back through :func:`oidc_probe.access.derived.setup_of`. A protocol, so that ``core``
    imports nothing above it, type-only imports included."""

    @property
    def idp_id(self) -> str | None: ...

    @property
    def source(self) -> str: ...


@dataclass(frozen=True)
class RunSettings:
    """Options of one probe run. Secrets are excluded from ``repr``."""

    issuer: str
    # True when ``issuer`` is only certs_url's parent (no --issuer): see oidc_probe.core.issuer.
    issuer_guessed: bool = False
    redirect_uri: str = DEFAULT_REDIRECT_URI
    client_auth: ClientAuth = ClientAuth.BASIC
    login: LoginMode = LoginMode.FORM
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    leeway: int = DEFAULT_LEEWAY
    timeout: float = DEFAULT_TIMEOUT
    ca_bundle: str | None = None
    # --connect-to: where the probe's own connections go (oidc_probe.core.connect_to).
    connect_to: tuple[ConnectRule, ...] = ()
    show_tokens: bool = False
    # --active: the checks that need extra requests or logins (TOK004, TOK005, TOK007, AUT005).
    active: bool = False
    # --cognito-endpoint: the Cognito API for --login initiate-auth (default: from certs_url).
    cognito_endpoint: str | None = None
    expectations: tuple[Expectation, ...] = ()
    # --aws / audit: read the pool through the AWS API (oidc_probe.stages.aws_pool).
    aws: AuditRequest | None = None
    # --policy / --cloudflare-app: the Access policies to evaluate (ACC checks).
    access: AccessPolicies | None = None
    # --expect-access, or a user's `access` in the users file: "allow" or "deny".
    expect_access: str | None = None
