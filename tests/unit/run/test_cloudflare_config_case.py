"""The ``cloudflare-config`` use case runs without a command line: a request and a host.

The command's output, messages and exit codes through the real CLI are tested in
tests/e2e/test_ci_debugging.py, test_output_files.py and test_aws_audit.py (``--from-aws``).
"""

from __future__ import annotations

import pytest

from oidc_probe import api
from oidc_probe.core.cognito import domain_base
from oidc_probe.core.errors import UsageError
from oidc_probe.run.cloudflare_config_case import cloudflare_config
from oidc_probe.run.host import QuietHost
from oidc_probe.run.requests import CloudflareConfigRequest


@pytest.mark.parametrize(
    ("domain", "base"),
    [
        ("myapp", "https://myapp.auth.eu-west-1.amazoncognito.com"),
        ("auth.example.com", "https://auth.example.com"),
        ("http://127.0.0.1:9229/", "http://127.0.0.1:9229"),
    ],
)
def test_domain_base(domain: str, base: str) -> None:
    assert domain_base(domain, "eu-west-1") == base


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            CloudflareConfigRequest(client_id="c"),
            "cloudflare-config needs --issuer URL (any OpenID provider) or --pool-id "
            "(Amazon Cognito)",
        ),
        (
            CloudflareConfigRequest(client_id="c", from_aws=True),
            "cloudflare-config --from-aws needs --pool-id",
        ),
        (
            CloudflareConfigRequest(client_id="c", pool_id="eu-west-1_Abc", domain="x"),
            "cloudflare-config needs --region (or --from-aws)",
        ),
        (
            CloudflareConfigRequest(client_id="c", pool_id="eu-west-1_Abc", region="eu-west-1"),
            "cloudflare-config needs --domain (or --from-aws)",
        ),
        (
            CloudflareConfigRequest(
                client_id="c", pool_id="eu-west-1_Abc", region="eu-west-1", domain="ftp://x"
            ),
            "--domain 'ftp://x': not an http(s) URL",
        ),
        (
            CloudflareConfigRequest(client_id="c", issuer="https://idp.example"),
            "set OIDC_PROBE_CLIENT_SECRET to the client's secret (or pass --omit-secret to "
            "leave it out)",
        ),
    ],
)
def test_a_request_it_cannot_answer_is_one_usage_line(
    request_: CloudflareConfigRequest, message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        cloudflare_config(request_, QuietHost())
    assert str(raised.value) == message


def test_the_pool_config_from_the_emulator_with_its_secret_redacted() -> None:
    with api.start_emulator() as emulator:
        secret = emulator.client_secret
        assert secret
        host = QuietHost({"OIDC_PROBE_CLIENT_SECRET": secret})
        request = CloudflareConfigRequest(
            client_id=emulator.client_id,
            pool_id=emulator.pool.pool_id,
            region=emulator.pool.region,
            domain="auth.example.com",  # not where the document's endpoints are
            issuer=emulator.issuer,
            claims=("cognito:groups",),
        )
        result = cloudflare_config(request, host)
    config = result.body["config"]
    assert result.secret == secret
    assert result.output is None
    assert list(config)[:2] == ["client_id", "client_secret"]
    assert config["certs_url"] == emulator.jwks_url
    assert config["auth_url"] == "https://auth.example.com/oauth2/authorize"
    assert config["claims"] == ["cognito:groups"]
    assert config["scopes"] == ["openid", "email", "profile"]
    assert [line.split(" is ")[0] for line in host.lines] == [
        "warning: the discovery document's authorization_endpoint",
        "warning: the discovery document's token_endpoint",
    ]
    assert host.redactor.redact(f"x {secret} y") != f"x {secret} y"
