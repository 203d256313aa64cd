"""The Python API: probe a config, verify tokens, audit a pool, verify an Access token, and
start the Cognito emulator, from your own code or test suite.

Each function runs the same use case as its command (:mod:`oidc_probe.run`) and returns a
:class:`Result`: the findings with their IDs, statuses, messages and hints, exactly as the
command reports them. The names in ``__all__`` are stable, like the check IDs. Problems
with the inputs raise :class:`oidc_probe.core.errors.ProbeError` (``UsageError``,
``ConfigError``) with the one line the command would print; nothing is printed.

Secrets: the password and the client secret are never in a :class:`Result`'s report or
text; raw tokens only with ``show_tokens=True``. See ``docs/api.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oidc_probe.api_emulator import (
    Emulator,
    EmulatorError,
    Tokens,
    launch_emulator,
    start_emulator,
)
from oidc_probe.core.defaults import (
    DEFAULT_CLIENT_AUTH,
    DEFAULT_LEEWAY,
    DEFAULT_REDIRECT_URI,
    DEFAULT_TIMEOUT,
)
from oidc_probe.core.errors import ProbeError, UsageError
from oidc_probe.core.model import Finding, Status
from oidc_probe.core.settings import LoginMode
from oidc_probe.run.host import QuietHost
from oidc_probe.run.requests import (
    AccessRequest,
    AuditCommand,
    ConfigSource,
    LoginRequest,
    ProbeRequest,
    Transport,
    VerifyAccessRequest,
    VerifyRequest,
)
from oidc_probe.run.results import MultiRun, SingleRun

if TYPE_CHECKING:
    from oidc_probe.plumbing.redact import Redactor
    from oidc_probe.report.model import Report

__all__ = [
    "Emulator",
    "EmulatorError",
    "Finding",
    "ProbeError",
    "Result",
    "Status",
    "Tokens",
    "audit",
    "launch_emulator",
    "probe",
    "probe_request",
    "start_emulator",
    "verify_access_token",
    "verify_tokens",
]

ConfigLike = str | Path | Mapping[str, Any]
# The login modes that need no person at a terminal.
_HEADLESS = (LoginMode.FORM, LoginMode.HEADLESS_BROWSER, LoginMode.INITIATE_AUTH)
# How messages name a config given as a dict.
CONFIG_DICT = "<config>"


@dataclass(frozen=True)
class Result:
    """What a run found. ``run`` is the use case's own result (contexts included)."""

    run: SingleRun | MultiRun
    show_tokens: bool = False
    # Warnings and progress lines the command would print on stderr (redacted).
    messages: tuple[str, ...] = ()
    # The secrets the use case learnt (password, client secret, API tokens).
    redactor: Redactor | None = field(default=None, repr=False, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(self.run.all_findings())

    @property
    def failures(self) -> tuple[Finding, ...]:
        """The failing findings (advisory checks report WARN, never FAIL)."""
        return tuple(f for f in self.findings if f.status is Status.FAIL)

    @property
    def ok(self) -> bool:
        """No check failed: the command would exit 0."""
        return not self.failures

    @property
    def exit_code(self) -> int:
        """The command's exit code for these findings: 0, or 1 when a check failed."""
        return 0 if self.ok else 1

    def finding(self, check_id: str) -> list[Finding]:
        """The findings of one check (several: one per subject or user)."""
        return [f for f in self.findings if f.check_id == check_id.upper()]

    def report(self) -> Report:
        """The report every output format renders, redacted as the command redacts it."""
        from oidc_probe.plumbing.redact import Redactor
        from oidc_probe.report.of_result import report_of

        secrets: list[str | None] = []
        for ctx in self.run.contexts():
            secrets += [ctx.config.client_secret, ctx.settings.password]
            if not self.show_tokens:
                secrets += ctx.secrets()
        report = report_of(self.run, show_tokens=self.show_tokens).redacted(Redactor(secrets))
        return report.redacted(self.redactor) if self.redactor is not None else report

    def as_dict(self) -> dict[str, Any]:
        """The JSON report (``--format json``) as a dict."""
        from oidc_probe.report.json import report_data

        return report_data(self.report())

    def render(self, fmt: str = "text") -> str:
        """The report in one of the command's formats (text, json, junit, github, markdown)."""
        from oidc_probe.report.formats import Format, render

        return render(self.report(), Format(fmt), color=False)


def _config_source(config: ConfigLike | None, issuer: str | None) -> ConfigSource:
    if config is None:
        return ConfigSource(issuer=issuer)
    if isinstance(config, Mapping):
        return ConfigSource(path=CONFIG_DICT, text=json.dumps(dict(config)), issuer=issuer)
    return ConfigSource(path=str(config), issuer=issuer)


def _host(environ: Mapping[str, str] | None) -> QuietHost:
    import os

    return QuietHost(os.environ if environ is None else environ)


def _result(run: SingleRun | MultiRun, host: QuietHost, show_tokens: bool) -> Result:
    return Result(run, show_tokens, tuple(host.lines), host.redactor)


def probe(
    config: ConfigLike,
    *,
    username: str | None = None,
    password: str | None = None,
    password_env: str | None = None,
    login: str = LoginMode.FORM.value,
    expect: Sequence[str] = (),
    users: str | Path | None = None,
    concurrency: int | None = None,
    redirect_uri: str = DEFAULT_REDIRECT_URI,
    client_auth: str = DEFAULT_CLIENT_AUTH,
    issuer: str | None = None,
    leeway: int = DEFAULT_LEEWAY,
    timeout: float = DEFAULT_TIMEOUT,
    ca_bundle: str | None = None,
    active: bool = False,
    discovery_only: bool = False,
    policies: Sequence[str | Path] = (),
    access_groups: Sequence[str | Path] = (),
    expect_access: str | None = None,
    show_tokens: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """``oidc-probe check``: run the flow Access runs against ``config`` and judge it.

    ``config`` is Cloudflare's identity-provider JSON: a file path or the body as a dict.
    The password is ``password``, else the variable ``password_env`` (default
    ``OIDC_PROBE_PASSWORD``) of ``environ`` (default ``os.environ``), which also gives
    ``OIDC_PROBE_CLIENT_SECRET``. ``login`` is ``form``, ``headless-browser`` or
    ``initiate-auth``;
    ``users`` a users file (TOML or JSON) for several users in one run.
    """
    from dataclasses import replace

    from oidc_probe.run.requests import CiRequest

    host = _host(environ)
    mode = LoginMode(login)
    if mode not in _HEADLESS:
        raise UsageError(
            "the Python API signs in without a person: login='form', 'headless-browser' or "
            f"'initiate-auth', not {login!r}"
        )
    credentials = LoginRequest(
        mode=mode,
        username=username,
        password=password,
        redirect_uri=redirect_uri,
        client_auth=client_auth,
        active=active,
    )
    if password_env is not None:
        credentials = replace(credentials, password_env=password_env)
    ci = CiRequest(expect=tuple(expect), users_file=str(users) if users is not None else None)
    if concurrency is not None:
        ci = replace(ci, concurrency=concurrency)
    request = ProbeRequest(
        config=_config_source(config, issuer),
        transport=Transport(timeout=timeout, ca_bundle=ca_bundle),
        login=credentials,
        access=AccessRequest(
            policy_files=tuple(str(p) for p in policies),
            group_files=tuple(str(p) for p in access_groups),
            expect_access=expect_access,
        ),
        ci=ci,
        leeway=leeway,
        show_tokens=show_tokens,
        discovery_only=discovery_only,
    )
    return probe_request(request, environ=environ, host=host)


def probe_request(
    request: ProbeRequest,
    *,
    environ: Mapping[str, str] | None = None,
    host: QuietHost | None = None,
) -> Result:
    """Run a :class:`ProbeRequest` built by hand (every option ``check`` has).

    Nobody sits at a terminal here: ``--login browser`` is refused, and ``paste`` only
    with the URL given (``callback_url``).
    """
    from oidc_probe.run.probe_case import probe as run_probe

    login = request.login
    if login.mode is LoginMode.BROWSER or (
        login.callback_url is None
        and (login.mode is LoginMode.PASTE or (login.mode is None and login.team_name))
    ):
        raise UsageError(
            "the Python API signs in without a person: use the form, headless-browser or "
            "initiate-auth login, or paste with the callback URL given"
        )
    host = host if host is not None else _host(environ)
    return _result(run_probe(request, host), host, request.show_tokens)


def verify_tokens(
    config: ConfigLike,
    tokens: str | Sequence[str],
    *,
    jwks_file: str | Path | None = None,
    expect: Sequence[str] = (),
    issuer: str | None = None,
    leeway: int = DEFAULT_LEEWAY,
    timeout: float = DEFAULT_TIMEOUT,
    policies: Sequence[str | Path] = (),
    access_groups: Sequence[str | Path] = (),
    expect_access: str | None = None,
    show_tokens: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """``oidc-probe verify``: judge ID tokens with the IDT and CLM checks.

    One token (a string) gives one run; a list gives one section per token, named
    ``token N`` (the command names them after their line in ``--tokens FILE``).
    """
    from oidc_probe.run.token_cases import Token, verify

    host = _host(environ)
    request = VerifyRequest(
        config=_config_source(config, issuer),
        transport=Transport(timeout=timeout),
        access=AccessRequest(
            policy_files=tuple(str(p) for p in policies),
            group_files=tuple(str(p) for p in access_groups),
            expect_access=expect_access,
        ),
        jwks_file=str(jwks_file) if jwks_file is not None else None,
        expect=tuple(expect),
        leeway=leeway,
        show_tokens=show_tokens,
    )
    if isinstance(tokens, str):
        given = [Token("", tokens.strip())]
    else:
        given = [Token(f"token {n}", t.strip()) for n, t in enumerate(tokens, 1)]
    if not given or not all(t.raw for t in given):
        raise UsageError("verify_tokens needs at least one non-empty token")
    return _result(verify(request, host, tokens=given), host, show_tokens)


def audit(
    config: ConfigLike,
    *,
    usernames: Sequence[str] = (),
    team_name: str | None = None,
    redirect_uri: str = DEFAULT_REDIRECT_URI,
    aws_endpoint: str | None = None,
    secret_from_aws: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """``oidc-probe audit``: read the pool through the AWS API (needs ``oidc-probe[aws]``)."""
    from oidc_probe.run.audit_case import audit as run_audit

    host = _host(environ)
    request = AuditCommand(
        config=_config_source(config, None),
        timeout=timeout,
        usernames=tuple(usernames),
        team_name=team_name,
        redirect_uri=redirect_uri,
        secret_from_aws=secret_from_aws,
        endpoint=aws_endpoint,
    )
    return _result(run_audit(request, host), host, False)


def verify_access_token(
    token: str,
    *,
    team_name: str,
    aud: Sequence[str] = (),
    certs_file: str | Path | None = None,
    certs_url: str | None = None,
    config: str | Path | None = None,
    claims: Sequence[str] | None = None,
    leeway: int = DEFAULT_LEEWAY,
    timeout: float = DEFAULT_TIMEOUT,
    show_tokens: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """``oidc-probe verify-access``: the CFT checks over Access's application token."""
    from oidc_probe.run.token_cases import verify_access

    host = _host(environ)
    request = VerifyAccessRequest(
        team_name=team_name,
        token=token,
        aud=tuple(aud),
        certs_file=str(certs_file) if certs_file is not None else None,
        certs_url=certs_url,
        config_path=str(config) if config is not None else None,
        claims=tuple(claims) if claims is not None else None,
        transport=Transport(timeout=timeout),
        leeway=leeway,
        show_tokens=show_tokens,
    )
    return _result(verify_access(request, host), host, show_tokens)
