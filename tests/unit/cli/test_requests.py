"""The parsed arguments become one frozen request per command, with each default once."""

from __future__ import annotations

import io

import pytest

from oidc_probe.cli.console import Console
from oidc_probe.cli.main import build_parser
from oidc_probe.cli.requests import (
    audit_command,
    probe_request,
    verify_access_request,
    verify_request,
)
from oidc_probe.core.defaults import (
    DEFAULT_CONCURRENCY,
    DEFAULT_LEEWAY,
    DEFAULT_PASSWORD_ENV,
    DEFAULT_REDIRECT_URI,
    DEFAULT_TIMEOUT,
)
from oidc_probe.core.settings import LoginMode
from oidc_probe.run.requests import Command, ProbeRequest


def parse(*argv: str) -> object:
    console = Console(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    return build_parser(console, argv[0]).parse_args(list(argv))


def test_check_defaults_are_the_shared_defaults() -> None:
    request = probe_request(parse("check", "--config", "idp.json"))  # type: ignore[arg-type]
    assert request.command is Command.PROBE
    assert request.leeway == DEFAULT_LEEWAY
    assert request.transport.timeout == DEFAULT_TIMEOUT
    assert request.login.password_env == DEFAULT_PASSWORD_ENV
    assert request.login.redirect_uri == DEFAULT_REDIRECT_URI
    assert request.login.mode is None
    assert request.ci.concurrency == DEFAULT_CONCURRENCY
    assert request.discovery_only is False


def test_discover_is_a_probe_without_login_and_with_the_same_defaults() -> None:
    request = probe_request(parse("discover", "--config", "idp.json"))  # type: ignore[arg-type]
    assert request.command is Command.DISCOVER
    assert request.discovery_only is True
    default = ProbeRequest()
    assert (request.login, request.access, request.aws, request.ci, request.leeway) == (
        default.login,
        default.access,
        default.aws,
        default.ci,
        default.leeway,
    )


def test_check_options_reach_their_request_parts() -> None:
    args = parse(
        "check",
        "--config",
        "idp.json",
        "--login",
        "paste",
        "--team-name",
        "acme",
        "--leeway",
        "5",
        "--scopes",
        "openid email",
        "--policy",
        "p.json",
        "--aws",
        "--expect",
        "email",
        "--concurrency",
        "2",
        "--timeout",
        "3",
    )
    request = probe_request(args)  # type: ignore[arg-type]
    assert request.login.mode is LoginMode.PASTE
    assert request.login.team_name == "acme"
    assert request.leeway == 5
    assert request.config.overrides["scopes"] == ("openid", "email")
    assert request.access.policy_files == ("p.json",)
    assert request.aws.audit is True
    assert request.ci.expect == ("email",)
    assert request.ci.concurrency == 2
    assert request.transport.timeout == 3.0


@pytest.mark.parametrize("command", ["verify", "verify-access"])
def test_token_commands_share_the_leeway_default(command: str) -> None:
    extra = ["--team-name", "acme"] if command == "verify-access" else []
    args = parse(command, "tok", *extra)
    build = verify_request if command == "verify" else verify_access_request
    assert build(args).leeway == DEFAULT_LEEWAY  # type: ignore[arg-type]


def test_audit_request() -> None:
    args = parse("audit", "--config", "idp.json", "--username", "a", "--username", "b")
    request = audit_command(args)  # type: ignore[arg-type]
    assert request.usernames == ("a", "b")
    assert request.timeout == DEFAULT_TIMEOUT
