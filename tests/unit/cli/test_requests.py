"""The parsed arguments become one frozen request per command, with each default once."""

from __future__ import annotations

import io

import pytest

from oidc_probe.cli.console import Console
from oidc_probe.cli.main import build_parser
from oidc_probe.cli.requests import (
    audit_command,
    cloudflare_config_request,
    demo_request,
    probe_request,
    verify_access_request,
    verify_request,
)
from oidc_probe.core.defaults import (
    DEFAULT_CLIENT_AUTH,
    DEFAULT_CONCURRENCY,
    DEFAULT_EMAIL_CLAIM,
    DEFAULT_LEEWAY,
    DEFAULT_PASSWORD_ENV,
    DEFAULT_REDIRECT_URI,
    DEFAULT_TIMEOUT,
)
from oidc_probe.core.settings import LoginMode
from oidc_probe.run.requests import Command, ProbeRequest, Transport


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


DEMO_BODY = {"name": "demo", "config": {"client_id": "c", "pkce_enabled": True}}


def test_demo_is_a_form_login_probe_of_the_emulator_body_with_the_shared_defaults() -> None:
    request = demo_request(parse("demo"), DEMO_BODY, "demo", "pw")  # type: ignore[arg-type]
    assert request.command is Command.PROBE
    assert dict(request.config.overrides) == DEMO_BODY["config"]
    assert request.config.secret_from_environment is False  # the body is complete
    assert request.config.issuer is None  # derived from certs_url, as check does
    login = request.login
    assert (login.mode, login.username, login.password) == (LoginMode.FORM, "demo", "pw")
    assert login.client_auth == DEFAULT_CLIENT_AUTH
    assert login.redirect_uri == DEFAULT_REDIRECT_URI
    assert login.active is False
    default = ProbeRequest()
    assert (request.transport, request.leeway, request.ci, request.aws, request.access) == (
        default.transport,
        default.leeway,
        default.ci,
        default.aws,
        default.access,
    )


def test_demo_options_reach_the_request() -> None:
    args = parse("demo", "--no-pkce", "--client-auth", "post", "--active", "--show-tokens")
    request = demo_request(args, DEMO_BODY, "demo", "pw")  # type: ignore[arg-type]
    assert request.config.overrides["pkce_enabled"] is False
    assert request.login.client_auth == "post"
    assert request.login.active is True
    assert request.show_tokens is True


def test_cloudflare_config_request() -> None:
    args = parse("cloudflare-config", "--client-id", "c", "--issuer", "https://idp.example")
    request = cloudflare_config_request(args)  # type: ignore[arg-type]
    assert (request.client_id, request.issuer, request.pool_id) == (
        "c",
        "https://idp.example",
        None,
    )
    assert (request.scopes, request.claims, request.pkce_enabled) == (None, None, None)
    assert request.email_claim_name == DEFAULT_EMAIL_CLAIM
    assert request.transport == Transport()
    assert (request.from_aws, request.omit_secret) == (False, False)


def test_cloudflare_config_options_reach_the_request() -> None:
    args = parse(
        "cloudflare-config",
        *("--from-aws", "--pool-id", "eu-west-1_Abc", "--client-id", "c"),
        *("--scopes", "openid email", "--scopes", "profile", "--claims", "a,b"),
        *("--no-pkce", "--team-name", "acme", "--aws-endpoint", "http://127.0.0.1:1"),
        *("--output", "idp.json", "--omit-secret", "--timeout", "3"),
    )
    request = cloudflare_config_request(args)  # type: ignore[arg-type]
    assert (request.from_aws, request.pool_id) == (True, "eu-west-1_Abc")
    assert request.scopes == ("openid", "email", "profile")
    assert request.claims == ("a", "b")
    assert request.pkce_enabled is False
    assert (request.team_name, request.aws_endpoint) == ("acme", "http://127.0.0.1:1")
    assert (request.output, request.omit_secret) == ("idp.json", True)
    assert request.transport.timeout == 3.0
