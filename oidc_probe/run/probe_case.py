"""The ``check`` and ``discover`` use case: from a :class:`ProbeRequest` to a result.

It reads what the request names (the config, Cloudflare's API, AWS, credentials, the
users file), picks the login driver (:func:`oidc_probe.run.login_factory.login_session`),
runs the plan (:data:`oidc_probe.run.plans.PROBE`, or :data:`~oidc_probe.run.plans.DISCOVER`
without a login) and returns a :class:`SingleRun` or, with ``--users``, a :class:`MultiRun`.
Every problem with the request is a :class:`UsageError` raised before the first request
to the provider.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from oidc_probe.core.defaults import DEFAULT_CONCURRENCY
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode

if TYPE_CHECKING:
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.expect import Expectation
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.run.host import Host
    from oidc_probe.run.login_factory import PageFn
    from oidc_probe.run.requests import CiRequest, LoginRequest, ProbeRequest
    from oidc_probe.run.results import MultiRun, SingleRun
    from oidc_probe.run.runner import ProbeRunner
    from oidc_probe.run.users import UserSpec


@dataclass(frozen=True)
class CiInputs:
    """``--expect``, ``--users`` and ``--concurrency``, checked before anything runs."""

    expectations: tuple[Expectation, ...] = ()
    users: tuple[UserSpec, ...] = ()
    concurrency: int = DEFAULT_CONCURRENCY


def ci_inputs(request: CiRequest, username: str | None, *, login: bool) -> CiInputs:
    expectations: tuple[Expectation, ...] = ()
    if request.expect:  # the modules of --expect and --users are imported only when used
        from oidc_probe.core.expect import parse_expectations

        expectations = parse_expectations(list(request.expect))
    if not login and (expectations or request.users_file):
        raise UsageError("--expect and --users need a login; drop --discovery-only")
    users: tuple[UserSpec, ...] = ()
    if request.users_file:
        from oidc_probe.run.users import load_users

        users = load_users(request.users_file)
    if users and username:
        raise UsageError("--users and --username exclude each other: list every user in the file")
    return CiInputs(expectations, users, request.concurrency)


def users_login_mode(request: LoginRequest, ci: CiInputs) -> LoginMode | None:
    """With ``--users`` every user signs in through the headless form login."""
    if not ci.users:
        return None
    if request.mode not in (None, LoginMode.FORM):
        raise UsageError(
            f"--users signs each user in with --login form, not --login {request.mode}"
        )
    return LoginMode.FORM


def probe(
    request: ProbeRequest,
    host: Host,
    *,
    runner: ProbeRunner | None = None,
    warm: Sequence[str] = (),
    on_result: Callable[[SingleRun], None] | None = None,
    results_page: PageFn | None = None,
    any_redirect_scheme: bool = False,
) -> SingleRun | MultiRun:
    """Run ``check`` (or ``discover``) as ``request`` says.

    ``any_redirect_scheme``: accept a redirect URI that is not http(s) (an app's
    ``myapp://callback``, for :func:`sign_in`); Access's own callback always is https.

    ``runner`` replaces the pipeline and checks (a seam for tests, and :func:`sign_in`);
    ``warm`` names modules to import during the login; ``on_result`` runs while the login
    session is still open (the command line prints the report there), before the browser
    mode shows ``results_page`` in the user's tab.
    """
    from oidc_probe.core.config import require_filled
    from oidc_probe.core.settings import ClientAuth, RunSettings
    from oidc_probe.run.access_inputs import config_and_access
    from oidc_probe.run.aws_inputs import aws_inputs
    from oidc_probe.run.login_factory import (
        BROWSER_LOGINS,
        PERSON_LOGS_IN,
        check_api_login,
        checked_redirect_uri,
        choose_login_mode,
        credentials,
        redirect_uri_from,
    )

    if request.discovery_only and request.login.callback_url is not None:
        raise UsageError(
            "--callback-url is the end of a login, and --discovery-only makes none: drop one of them"
        )
    source = request.config
    if (
        source.path is None
        and source.text is None
        and request.access.cloudflare_idp is None
        and not source.given("client_id", "auth_url", "token_url", "certs_url")
    ):
        raise UsageError(
            "check needs the identity-provider settings: pass --config FILE (Cloudflare's "
            "identity-provider JSON), --cloudflare-account ID with --cloudflare-idp ID, or --client-id, "
            "--auth-url, --token-url and --certs-url"
        )
    config, access = config_and_access(source, request.access, request.transport, host)
    config, aws = aws_inputs(
        request.aws, config, request.login.team_name, request.transport.timeout, host
    )
    for warning in config.warnings:
        host.warn(warning)
    require_filled(config)
    login = not request.discovery_only
    ci = ci_inputs(request.ci, request.login.username, login=login)
    if access.setup is None and any(user.access for user in ci.users):
        raise UsageError("a user's access in --users needs policies: give --policy FILE")
    if not login and access.expect_access is not None:
        raise UsageError("--expect-access needs a login; drop --discovery-only")
    login_mode = users_login_mode(request.login, ci) or choose_login_mode(request.login, host)
    check_api_login(request.login, config, login_mode, login=login)
    needs_password = login and not ci.users and login_mode not in PERSON_LOGS_IN
    username, password = credentials(request.login, host) if needs_password else (None, None)
    host.redactor.add(password)
    if request.transport.connect_to and login and login_mode in BROWSER_LOGINS:
        host.warn(
            f"--connect-to steers oidc-probe's own requests only; with --login {login_mode} "
            "the browser connects to the sign-in pages by itself"
        )
    transport = request.transport
    issuer, guessed = source.expected_issuer(config.certs_url)
    settings = RunSettings(
        issuer=issuer,
        issuer_guessed=guessed,
        redirect_uri=(
            redirect_uri_from(request.login)
            if any_redirect_scheme
            else checked_redirect_uri(redirect_uri_from(request.login))
        ),
        client_auth=ClientAuth(request.login.client_auth),
        login=login_mode,
        username=username,
        password=password,
        leeway=request.leeway,
        timeout=transport.timeout,
        ca_bundle=transport.ca_bundle,
        connect_to=transport.connect_to,
        show_tokens=request.show_tokens,
        expectations=ci.expectations,
        active=request.login.active,
        cognito_endpoint=request.login.cognito_endpoint,
        aws=aws and replace(aws, usernames=(username,) if username else ()),
        access=access.setup,
        expect_access=access.expect_access,
    )
    if ci.users:
        return probe_users(config, settings, ci, host)
    return _probe_one(config, settings, request, host, login, runner, warm, on_result, results_page)


def sign_in(request: ProbeRequest, host: Host) -> RunContext:
    """One user's login as ``request`` says, and no checks: the context holds the tokens
    (the emulator API's ``Emulator.tokens``)."""
    from oidc_probe.run.results import SingleRun
    from oidc_probe.run.runner import pipeline_only

    if request.discovery_only or request.ci.users_file is not None:
        raise UsageError("sign_in signs one user in: no discovery_only, no users file")
    if request.login.mode not in (None, LoginMode.FORM, LoginMode.INITIATE_AUTH):
        raise UsageError(
            f"sign_in signs in headless: the form login or initiate-auth, not {request.login.mode}"
        )
    result = probe(request, host, runner=pipeline_only, any_redirect_scheme=True)
    assert isinstance(result, SingleRun)  # one user: no MultiRun
    return result.ctx


def _probe_one(
    config: ProbeConfig,
    settings: RunSettings,
    request: ProbeRequest,
    host: Host,
    login: bool,
    runner: ProbeRunner | None,
    warm: Sequence[str],
    on_result: Callable[[SingleRun], None] | None,
    results_page: PageFn | None,
) -> SingleRun:
    from oidc_probe.run.login_factory import login_session
    from oidc_probe.run.runner import default_probe

    enabled = login and runner is None
    with login_session(request.login, settings, host, enabled=enabled) as session:
        default = functools.partial(default_probe, warm=warm)
        ctx, findings = (runner or session.runner(default))(config, settings, login=login)
        from oidc_probe.run.results import SingleRun

        result = SingleRun(ctx, tuple(findings))
        if on_result is not None:
            on_result(result)
        session.finish(ctx, findings, results_page)
    return result


def probe_users(config: ProbeConfig, settings: RunSettings, ci: CiInputs, host: Host) -> MultiRun:
    """``--users``: one discovery, then every user's login (:mod:`oidc_probe.run.multirun`)."""
    from oidc_probe.run.multirun import run_users
    from oidc_probe.run.users import passwords

    found = passwords(ci.users, host.environ)
    host.redactor.add(*found.values())
    names = ", ".join(u.username for u in ci.users)
    count = f"{len(ci.users)} user" + ("" if len(ci.users) == 1 else "s")
    host.err(f"oidc-probe: probing {count} ({names}), {ci.concurrency} at a time")
    return run_users(config, settings, ci.users, found, concurrency=ci.concurrency)
