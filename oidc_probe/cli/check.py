"""``oidc-probe check``: run the flow Access runs against a real provider and report."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from oidc_probe.cli.api_login import api_login_options
from oidc_probe.cli.login_modes import (
    PERSON_LOGS_IN,
    choose_login_mode,
    login_session,
    redirect_uri_from,
)
from oidc_probe.cli.output import OutputOptions, emit_report
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import ClientAuth, LoginMode, RunSettings

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.expect import Expectation
    from oidc_probe.core.model import Finding
    from oidc_probe.login.base import LoginDriver
    from oidc_probe.run.users import UserSpec

USERNAME_ENV = "OIDC_PROBE_USERNAME"
DEFAULT_PASSWORD_ENV = "OIDC_PROBE_PASSWORD"
_SEPARATORS = re.compile(r"[\s,]+")


class ProbeRunner(Protocol):
    """Runs the pipeline and the checks. ``login`` False stops after discovery and JWKS."""

    def __call__(
        self, config: ProbeConfig, settings: RunSettings, *, login: bool
    ) -> tuple[RunContext, list[Finding]]: ...


def default_probe(
    config: ProbeConfig,
    settings: RunSettings,
    *,
    login: bool,
    driver: LoginDriver | None = None,
) -> tuple[RunContext, list[Finding]]:
    """The real pipeline with ``driver`` (default: the headless form login), then the checks."""
    from oidc_probe.checks.registry import run_checks
    from oidc_probe.run import pipeline

    if login:
        from oidc_probe.login.initiate_auth import headless_driver

        if driver is None:
            driver = headless_driver(config, settings)
        ctx = pipeline.run_probe(config, settings, driver=driver)
        return ctx, run_checks(ctx)
    from oidc_probe.checks.registry import all_checks
    from oidc_probe.run.multirun import SHARED_STAGES

    ctx = pipeline.run_discovery_only(config, settings)
    return ctx, run_checks(ctx, [c for c in all_checks() if c.stage in SHARED_STAGES])


__all__ = ["OutputOptions", "check_command", "default_probe", "emit_report"]


def check_command(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.core.config import derive_issuer, load_config

    if args.config is None and not any(
        getattr(args, name) for name in ("client_id", "auth_url", "token_url", "certs_url")
    ):
        raise UsageError(
            "check needs the identity-provider settings: pass --config FILE (Cloudflare's "
            "identity-provider JSON) or --client-id, --auth-url, --token-url and --certs-url"
        )
    config = load_config(args.config, field_overrides(args), console.environ)
    console.redactor.add(config.client_secret)
    for warning in config.warnings:
        console.warn(warning)
    options = OutputOptions.from_args(args)
    login = not args.discovery_only
    ci = ci_inputs(args, login=login)
    login_mode = users_login_mode(args, ci) or choose_login_mode(args, console)
    api = api_login_options(args, config, login_mode, login=login)
    needs_password = login and not ci.users and login_mode not in PERSON_LOGS_IN
    username, password = credentials(args, console) if needs_password else (None, None)
    console.redactor.add(password)
    settings = RunSettings(
        issuer=args.issuer or derive_issuer(config.certs_url),
        redirect_uri=checked_redirect_uri(redirect_uri_from(args)),
        client_auth=ClientAuth(args.client_auth),
        login=login_mode,
        username=username,
        password=password,
        leeway=args.leeway,
        timeout=args.timeout,
        ca_bundle=checked_ca_bundle(args.ca_bundle),
        show_tokens=options.show_tokens,
        expectations=ci.expectations,
        active=api.active,
        cognito_endpoint=api.cognito_endpoint,
    )
    if ci.users:
        from oidc_probe.cli.many import run_many

        return run_many(config, settings, ci, options, console)
    with login_session(args, settings, console, enabled=login and probe is None) as session:
        ctx, findings = (probe or session.runner(default_probe))(config, settings, login=login)
        code = emit_report(ctx, findings, options, console)
        session.finish(ctx, findings)
    return code


def users_login_mode(args: argparse.Namespace, ci: CiInputs) -> LoginMode | None:
    """With ``--users`` every user signs in through the headless form login."""
    if not ci.users:
        return None
    if args.login not in (None, LoginMode.FORM.value):
        raise UsageError(f"--users signs each user in with --login form, not --login {args.login}")
    return LoginMode.FORM


@dataclass(frozen=True)
class CiInputs:
    """``--expect``, ``--users`` and ``--concurrency``, checked before anything runs."""

    expectations: tuple[Expectation, ...] = ()
    users: tuple[UserSpec, ...] = ()
    concurrency: int = 4


def ci_inputs(args: argparse.Namespace, *, login: bool) -> CiInputs:
    from oidc_probe.core.expect import parse_expectations
    from oidc_probe.run.users import load_users

    expectations = parse_expectations(getattr(args, "expect", None))
    users_file = getattr(args, "users", None)
    if not login and (expectations or users_file):
        raise UsageError("--expect and --users need a login; drop --discovery-only")
    users = load_users(users_file) if users_file else ()
    if users and getattr(args, "username", None):
        raise UsageError("--users and --username exclude each other: list every user in the file")
    return CiInputs(expectations, users, getattr(args, "concurrency", 4))


def field_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Config fields given as flags; ``None`` means "not given"."""
    return {
        "client_id": args.client_id,
        "auth_url": args.auth_url,
        "token_url": args.token_url,
        "certs_url": args.certs_url,
        "scopes": split_words(args.scopes),
        "claims": split_words(args.claims),
        "pkce_enabled": args.pkce_enabled,
        "email_claim_name": args.email_claim_name,
    }


def split_words(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--scopes "openid email" --scopes profile,phone`` -> one tuple; ``None`` if not given."""
    if values is None:
        return None
    return tuple(word for value in values for word in _SEPARATORS.split(value) if word)


def credentials(args: argparse.Namespace, console: Console) -> tuple[str, str]:
    """The username and password for the form login, or a one-line :class:`UsageError`."""
    username = args.username or console.environ.get(USERNAME_ENV)
    if not username:
        raise UsageError(
            f"the login needs a username: pass --username NAME (or set {USERNAME_ENV})"
        )
    if args.password_stdin:
        password = read_password(console)
        if not password:
            raise UsageError("--password-stdin: no password on standard input")
        return username, password
    name = args.password_env
    password = console.environ.get(name, "")
    if not password:
        raise UsageError(
            f"the login needs a password: set the environment variable {name} "
            "or pass --password-stdin and write it to standard input"
        )
    return username, password


def read_password(console: Console) -> str:
    """One line from stdin; typed without echo when stdin is a terminal."""
    isatty = getattr(console.stdin, "isatty", None)
    if callable(isatty) and isatty():
        import getpass

        return getpass.getpass("password: ", stream=console.stderr)
    return console.read_line().rstrip("\r\n")


def checked_redirect_uri(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--redirect-uri must be an absolute http(s) URL, got {value!r}")
    return value


def checked_ca_bundle(value: str | None) -> str | None:
    if value is not None and not Path(value).is_file():
        raise UsageError(f"--ca-bundle {value}: file not found")
    return value


def writable_output(value: str | None) -> Path | None:
    """Checked before the run, so a long probe is not wasted on an unwritable path."""
    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise UsageError(f"--output {value}: is a directory; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"--output {value}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--output {value}: not writable")
    return path
