"""What a command asks for, as frozen data: one request type per command.

``cli/requests.py`` builds them from the parsed arguments (the only place that reads an
``argparse.Namespace``); the Python API (:mod:`oidc_probe.api`) builds them from keyword
arguments. The use cases (``run/*_case.py``, ``run/token_cases.py``) check them, read what they name
(files, Cloudflare's API, AWS, the environment) and run the command's plan. Every default
comes from :mod:`oidc_probe.core.defaults`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from oidc_probe.core.defaults import (
    DEFAULT_CLIENT_AUTH,
    DEFAULT_CLOUDFLARE_API,
    DEFAULT_CONCURRENCY,
    DEFAULT_EMAIL_CLAIM,
    DEFAULT_LEEWAY,
    DEFAULT_LOGIN_TIMEOUT,
    DEFAULT_PASSWORD_ENV,
    DEFAULT_REDIRECT_URI,
    DEFAULT_TIMEOUT,
)

if TYPE_CHECKING:
    from oidc_probe.core.connect_to import ConnectRule
    from oidc_probe.core.settings import LoginMode


class Command(StrEnum):
    """The commands that run a plan (:mod:`oidc_probe.run.plans`)."""

    PROBE = "check"
    DISCOVER = "discover"
    VERIFY = "verify"
    AUDIT = "audit"
    VERIFY_ACCESS = "verify-access"


@dataclass(frozen=True)
class Transport:
    """How the probe's own requests travel (``--timeout``, ``--ca-bundle``, ``--connect-to``)."""

    timeout: float = DEFAULT_TIMEOUT
    ca_bundle: str | None = None
    connect_to: tuple[ConnectRule, ...] = ()


@dataclass(frozen=True)
class ConfigSource:
    """Where the identity provider's config comes from: a file, flags, or Cloudflare's API.

    ``overrides`` holds config fields given as flags (``None``: not given); ``issuer`` the
    expected issuer (``None``: derived from ``certs_url``).
    """

    path: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    issuer: str | None = None
    # A Cloudflare JSON body given directly (the Python API), instead of reading ``path``,
    # which then names it in messages.
    text: str | None = None
    # False: the config is complete as given (the emulator's own), and OIDC_PROBE_CLIENT_SECRET
    # is not read from the environment.
    secret_from_environment: bool = True

    def given(self, *names: str) -> bool:
        return any(self.overrides.get(name) for name in names)

    def expected_issuer(self, certs_url: str) -> tuple[str, bool]:
        """The issuer to expect, and whether it is only derived from ``certs_url`` (no
        ``--issuer``), so that the run must still establish it (issue 22)."""
        if self.issuer:
            return self.issuer, False
        from oidc_probe.core.config import derive_issuer

        return derive_issuer(certs_url), True


@dataclass(frozen=True)
class AccessRequest:
    """``--policy``, ``--access-groups``, ``--idp-id``, ``--expect-access``, ``--cloudflare-*``."""

    policy_files: tuple[str, ...] = ()
    group_files: tuple[str, ...] = ()
    idp_id: str | None = None
    expect_access: str | None = None
    cloudflare_account: str | None = None
    cloudflare_idp: str | None = None
    cloudflare_app: str | None = None
    cloudflare_api: str = DEFAULT_CLOUDFLARE_API
    cloudflare_zone: str | None = None
    cloudflare_policy_test: bool = False
    # Drop the interactive-login assumption (``--any-request``).
    any_request: bool = False


@dataclass(frozen=True)
class AwsRequest:
    """``--aws``, ``--client-secret-from-aws`` and ``--aws-endpoint``."""

    audit: bool = False
    secret_from_aws: bool = False
    endpoint: str | None = None


@dataclass(frozen=True)
class LoginRequest:
    """How the probe signs in; ``mode`` ``None`` lets the use case choose (see
    :func:`oidc_probe.run.login_factory.choose_login_mode`)."""

    mode: LoginMode | None = None
    username: str | None = None
    password_env: str = DEFAULT_PASSWORD_ENV
    password_stdin: bool = False
    # A password given directly (the Python API, the demo's emulator user); never from the
    # command line.
    password: str | None = field(default=None, repr=False)
    redirect_uri: str = DEFAULT_REDIRECT_URI
    client_auth: str = DEFAULT_CLIENT_AUTH
    team_name: str | None = None
    callback_url: str | None = None
    open_browser: bool = True
    login_timeout: float = DEFAULT_LOGIN_TIMEOUT
    browser_path: str | None = None
    active: bool = False
    cognito_endpoint: str | None = None


@dataclass(frozen=True)
class CiRequest:
    """``--expect``, ``--users`` and ``--concurrency``."""

    expect: tuple[str, ...] = ()
    users_file: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class ProbeRequest:
    """``check`` (and ``discover``, which is ``check --discovery-only`` with fewer options)."""

    command: Command = Command.PROBE
    config: ConfigSource = field(default_factory=ConfigSource)
    transport: Transport = field(default_factory=Transport)
    login: LoginRequest = field(default_factory=LoginRequest)
    access: AccessRequest = field(default_factory=AccessRequest)
    aws: AwsRequest = field(default_factory=AwsRequest)
    ci: CiRequest = field(default_factory=CiRequest)
    leeway: int = DEFAULT_LEEWAY
    show_tokens: bool = False
    discovery_only: bool = False


@dataclass(frozen=True)
class VerifyRequest:
    """``verify``: tokens a user already has. ``token`` ``-`` reads stdin; ``tokens_file``
    ``-`` reads many from stdin."""

    config: ConfigSource = field(default_factory=ConfigSource)
    transport: Transport = field(default_factory=Transport)
    access: AccessRequest = field(default_factory=AccessRequest)
    token: str | None = field(default=None, repr=False)
    tokens_file: str | None = None
    jwks_file: str | None = None
    expect: tuple[str, ...] = ()
    leeway: int = DEFAULT_LEEWAY
    show_tokens: bool = False


@dataclass(frozen=True)
class AuditCommand:
    """``audit``: the pool through the AWS API, no login."""

    config: ConfigSource = field(default_factory=ConfigSource)
    timeout: float = DEFAULT_TIMEOUT
    usernames: tuple[str, ...] = ()
    team_name: str | None = None
    redirect_uri: str = DEFAULT_REDIRECT_URI
    secret_from_aws: bool = False
    endpoint: str | None = None
    show_tokens: bool = False


@dataclass(frozen=True)
class VerifyAccessRequest:
    """``verify-access``: the application token Cloudflare Access issued."""

    team_name: str
    token: str | None = field(default=None, repr=False)
    aud: tuple[str, ...] = ()
    # Where the ``aud`` comes from when ``aud`` is empty (``--cloudflare-app``).
    access: AccessRequest = field(default_factory=AccessRequest)
    certs_file: str | None = None
    certs_url: str | None = None
    config_path: str | None = None
    claims: tuple[str, ...] | None = None
    transport: Transport = field(default_factory=Transport)
    leeway: int = DEFAULT_LEEWAY
    show_tokens: bool = False


@dataclass(frozen=True)
class CloudflareConfigRequest:
    """``cloudflare-config``: Cloudflare's identity-provider JSON for a Cognito pool
    (``pool_id``, its discovery document), any OpenID provider (``issuer`` alone), or the pool
    and app client read through the AWS API (``from_aws``).

    ``scopes`` and ``claims`` ``None``: not given; ``pkce_enabled`` ``None``: the default
    of the provider's kind; ``output`` the file the JSON goes to (``None``: stdout).
    """

    client_id: str
    pool_id: str | None = None
    region: str | None = None
    domain: str | None = None
    issuer: str | None = None
    discovery_url: str | None = None
    name: str | None = None
    scopes: tuple[str, ...] | None = None
    claims: tuple[str, ...] | None = None
    pkce_enabled: bool | None = None
    email_claim_name: str = DEFAULT_EMAIL_CLAIM
    omit_secret: bool = False
    output: str | None = None
    transport: Transport = field(default_factory=Transport)
    from_aws: bool = False
    # With ``from_aws``: warn unless Access's callback for the team is registered.
    team_name: str | None = None
    aws_endpoint: str | None = None
