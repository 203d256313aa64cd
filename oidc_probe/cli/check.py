"""``oidc-probe check``: run the flow Access runs against a real provider and report."""

from __future__ import annotations

import argparse
import functools
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.cli.inputs import CiInputs
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.pool import AuditRequest
    from oidc_probe.run.runner import ProbeRunner


def add_options(check: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.access_inputs import add_access_options
    from oidc_probe.cli.login_modes import add_login_options
    from oidc_probe.cli.options import add_config_options, add_expect_options, add_flow_options
    from oidc_probe.cli.output import add_output_options

    add_config_options(check)
    add_flow_options(check)
    add_login_options(check)
    add_output_options(check)
    add_expect_options(check)
    add_access_options(check)
    from oidc_probe.cli.aws_options import add_check_aws_options

    add_check_aws_options(check)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from dataclasses import replace

    from oidc_probe.cli.access_inputs import config_and_access, uses_cloudflare_idp
    from oidc_probe.cli.api_login import api_login_options
    from oidc_probe.cli.inputs import (
        checked_redirect_uri,
        ci_inputs,
        credentials,
        network_settings,
    )
    from oidc_probe.cli.login_modes import (
        BROWSER_LOGINS,
        PERSON_LOGS_IN,
        choose_login_mode,
        login_session,
        redirect_uri_from,
    )
    from oidc_probe.cli.output import OutputOptions, emit_report
    from oidc_probe.core.config import derive_issuer
    from oidc_probe.core.settings import ClientAuth, RunSettings
    from oidc_probe.report.formats import RENDERER_MODULES
    from oidc_probe.run.runner import default_probe

    if (
        args.config is None
        and not uses_cloudflare_idp(args)
        and not any(
            getattr(args, name) for name in ("client_id", "auth_url", "token_url", "certs_url")
        )
    ):
        raise UsageError(
            "check needs the identity-provider settings: pass --config FILE (Cloudflare's "
            "identity-provider JSON), --cloudflare-account ID with --cloudflare-idp ID, or --client-id, "
            "--auth-url, --token-url and --certs-url"
        )
    config, access = config_and_access(args, console)
    config, aws = aws_inputs(args, config, console)
    for warning in config.warnings:
        console.warn(warning)
    options = OutputOptions.from_args(args)
    login = not args.discovery_only
    ci = ci_inputs(args, login=login)
    if access.setup is None and any(user.access for user in ci.users):
        raise UsageError("a user's access in --users needs policies: give --policy FILE")
    if not login and access.expect_access is not None:
        raise UsageError("--expect-access needs a login; drop --discovery-only")
    login_mode = users_login_mode(args, ci) or choose_login_mode(args, console)
    api = api_login_options(args, config, login_mode, login=login)
    needs_password = login and not ci.users and login_mode not in PERSON_LOGS_IN
    username, password = credentials(args, console) if needs_password else (None, None)
    console.redactor.add(password)
    if getattr(args, "connect_to", None) and login and login_mode in BROWSER_LOGINS:
        console.warn(
            f"--connect-to steers oidc-probe's own requests only; with --login {login_mode} "
            "the browser connects to the sign-in pages by itself"
        )
    settings = RunSettings(
        issuer=args.issuer or derive_issuer(config.certs_url),
        issuer_guessed=not args.issuer,
        redirect_uri=checked_redirect_uri(redirect_uri_from(args)),
        client_auth=ClientAuth(args.client_auth),
        login=login_mode,
        username=username,
        password=password,
        leeway=args.leeway,
        **network_settings(args),
        show_tokens=options.show_tokens,
        expectations=ci.expectations,
        active=api.active,
        cognito_endpoint=api.cognito_endpoint,
        aws=aws and replace(aws, usernames=(username,) if username else ()),
        access=access.setup,
        expect_access=access.expect_access,
    )
    if ci.users:
        from oidc_probe.cli.many import run_many

        return run_many(config, settings, ci, options, console)
    with login_session(args, settings, console, enabled=login and probe is None) as session:
        warm = [RENDERER_MODULES[d.fmt] for d in options.destinations]
        default = functools.partial(default_probe, warm=warm)
        ctx, findings = (probe or session.runner(default))(config, settings, login=login)
        code = emit_report(ctx, findings, options, console)
        session.finish(ctx, findings)
    from oidc_probe.cli.aws_options import warn_denied

    warn_denied(ctx.pool_audit, console)
    return code


def aws_inputs(
    args: argparse.Namespace, config: ProbeConfig, console: Console
) -> tuple[ProbeConfig, AuditRequest | None]:
    """``--aws`` and ``--client-secret-from-aws``: the audit request, and the config with the
    client secret from AWS when asked for and not given otherwise."""
    wanted, from_aws = getattr(args, "aws", False), getattr(args, "client_secret_from_aws", False)
    if not (wanted or from_aws):
        if getattr(args, "aws_endpoint", None):
            raise UsageError("--aws-endpoint is for --aws or --client-secret-from-aws")
        return config, None
    from dataclasses import replace

    from oidc_probe.cli.aws_options import audit_request, secret_from_aws
    from oidc_probe.cli.login_modes import checked_team_name
    from oidc_probe.stages.aws_pool import pool_ref

    pool_ref(config.certs_url)  # a usage error now, not after the login
    team = checked_team_name(args.team_name) if args.team_name else None
    request = audit_request(args, (), team)
    if from_aws:
        config, described = secret_from_aws(config, request, args.timeout, console)
        request = replace(request, described_client=described)  # type: ignore[arg-type]
    return config, request if wanted else None


def users_login_mode(args: argparse.Namespace, ci: CiInputs) -> LoginMode | None:
    """With ``--users`` every user signs in through the headless form login."""
    if not ci.users:
        return None
    if args.login not in (None, LoginMode.FORM.value):
        raise UsageError(f"--users signs each user in with --login form, not --login {args.login}")
    return LoginMode.FORM
