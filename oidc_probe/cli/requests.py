"""The parsed arguments as a request: the one place that reads an ``argparse.Namespace``
for the commands that run a use case (``check``, ``discover``, ``demo``, ``verify``, ``audit``,
``verify-access``, ``cloudflare-config``).

Each builder reads its command's options into the frozen request types of
:mod:`oidc_probe.run.requests`; options a command does not define keep the request's
default (``discover`` has no login options, for instance). Nothing is checked or read
here: the use cases do that, in the order the user meets the problems.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from oidc_probe.cli.inputs import field_overrides, split_words
from oidc_probe.core.settings import LoginMode
from oidc_probe.run.requests import (
    AccessRequest,
    AuditCommand,
    AwsRequest,
    CiRequest,
    CloudflareConfigRequest,
    Command,
    ConfigSource,
    LoginRequest,
    ProbeRequest,
    Transport,
    VerifyAccessRequest,
    VerifyRequest,
)


def _given(args: argparse.Namespace, **defaults: Any) -> dict[str, Any]:
    """The options among ``defaults`` that the command defines, by their request names."""
    return {name: getattr(args, name) for name in defaults if hasattr(args, name)}


def transport(args: argparse.Namespace) -> Transport:
    return Transport(
        timeout=args.timeout,
        ca_bundle=getattr(args, "ca_bundle", None),
        connect_to=tuple(getattr(args, "connect_to", None) or ()),
    )


def config_source(args: argparse.Namespace) -> ConfigSource:
    return ConfigSource(path=args.config, overrides=field_overrides(args), issuer=args.issuer)


def access_request(args: argparse.Namespace) -> AccessRequest:
    """The access options; ``discover`` defines none of them."""
    if not hasattr(args, "policy"):
        return AccessRequest()
    return AccessRequest(
        policy_files=tuple(args.policy or ()),
        group_files=tuple(args.access_groups or ()),
        idp_id=args.idp_id,
        expect_access=args.expect_access,
        cloudflare_account=args.cloudflare_account,
        cloudflare_idp=args.cloudflare_idp,
        cloudflare_app=args.cloudflare_app,
        cloudflare_api=args.cloudflare_api,
        cloudflare_zone=args.cloudflare_zone,
        cloudflare_policy_test=args.cloudflare_policy_test,
        any_request=args.any_request,
    )


def probe_request(args: argparse.Namespace) -> ProbeRequest:
    """``check`` and ``discover`` (which defines only the config, network and output options)."""
    discover = args.command == Command.DISCOVER.value
    login = LoginRequest(
        **_given(
            args,
            username=None,
            password_env=None,
            password_stdin=None,
            redirect_uri=None,
            client_auth=None,
            team_name=None,
            callback_url=None,
            open_browser=None,
            login_timeout=None,
            browser_path=None,
            active=None,
            cognito_endpoint=None,
        ),
        mode=LoginMode(args.login) if getattr(args, "login", None) else None,
    )
    aws = AwsRequest(
        audit=bool(getattr(args, "aws", False)),
        secret_from_aws=bool(getattr(args, "client_secret_from_aws", False)),
        endpoint=getattr(args, "aws_endpoint", None),
    )
    ci = CiRequest(
        expect=tuple(getattr(args, "expect", None) or ()),
        users_file=getattr(args, "users", None),
        **_given(args, concurrency=None),
    )
    return ProbeRequest(
        command=Command.DISCOVER if discover else Command.PROBE,
        config=config_source(args),
        transport=transport(args),
        login=login,
        access=access_request(args),
        aws=aws,
        ci=ci,
        **_given(args, leeway=None),
        show_tokens=args.show_tokens,
        discovery_only=discover or args.discovery_only,
    )


def verify_request(args: argparse.Namespace) -> VerifyRequest:
    return VerifyRequest(
        config=config_source(args),
        transport=transport(args),
        access=access_request(args),
        token=args.token,
        tokens_file=args.tokens,
        jwks_file=args.jwks,
        expect=tuple(args.expect or ()),
        leeway=args.leeway,
        show_tokens=args.show_tokens,
    )


def audit_command(args: argparse.Namespace) -> AuditCommand:
    return AuditCommand(
        config=config_source(args),
        timeout=args.timeout,
        usernames=tuple(args.username or ()),
        team_name=args.team_name,
        redirect_uri=args.redirect_uri,
        secret_from_aws=args.client_secret_from_aws,
        endpoint=args.aws_endpoint,
        show_tokens=args.show_tokens,
    )


def verify_access_request(args: argparse.Namespace) -> VerifyAccessRequest:
    return VerifyAccessRequest(
        team_name=args.team_name,
        token=args.token,
        aud=tuple(args.aud or ()),
        access=AccessRequest(
            cloudflare_account=args.cloudflare_account,
            cloudflare_zone=args.cloudflare_zone,
            cloudflare_app=args.cloudflare_app,
            cloudflare_api=args.cloudflare_api,
        ),
        certs_file=args.certs,
        certs_url=args.certs_url,
        config_path=args.config,
        claims=split_words(args.claims),
        transport=transport(args),
        leeway=args.leeway,
        show_tokens=args.show_tokens,
    )


def demo_request(
    args: argparse.Namespace, body: Mapping[str, Any], username: str, password: str
) -> ProbeRequest:
    """``demo``: ``check`` of the emulator's Cloudflare JSON ``body`` (with ``--pkce`` or
    ``--no-pkce``) as its user ``username``, through the form login.

    The body is complete: the environment's client secret is not read.
    """
    fields = dict(body.get("config", body))
    if args.pkce_enabled is not None:
        fields["pkce_enabled"] = args.pkce_enabled
    return ProbeRequest(
        config=ConfigSource(overrides=fields, secret_from_environment=False),
        login=LoginRequest(
            mode=LoginMode.FORM,
            username=username,
            password=password,
            client_auth=args.client_auth,
            active=args.active,
        ),
        show_tokens=args.show_tokens,
    )


def cloudflare_config_request(args: argparse.Namespace) -> CloudflareConfigRequest:
    return CloudflareConfigRequest(
        client_id=args.client_id,
        pool_id=args.pool_id,
        region=args.region,
        domain=args.domain,
        issuer=args.issuer,
        discovery_url=args.discovery_url,
        name=args.name,
        scopes=split_words(args.scopes),
        claims=split_words(args.claims),
        pkce_enabled=args.pkce_enabled,
        email_claim_name=args.email_claim_name,
        omit_secret=args.omit_secret,
        output=args.output,
        transport=transport(args),
        from_aws=args.from_aws,
        team_name=args.team_name,
        aws_endpoint=args.aws_endpoint,
    )
