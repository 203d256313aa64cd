"""``oidc-probe audit`` and ``check --aws`` against moto's server (the Cognito API).

moto runs as its own process on a loopback port (stopped by its pid); every variant is a
pool built through boto3 that breaks one thing, and the audit must name it with the
right check ID. One more moto enforces IAM, to prove AccessDenied names the action.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.fake_cognito import PoolKeys, create_app
from oidc_probe.fake_cognito.pool import parse_pool
from oidc_probe.fake_cognito.server import start_in_thread

from .conftest import CliResult, run_cli
from .moto_pools import (
    FAKE_CREDENTIALS,
    PASSWORD,
    PROBE_CALLBACK,
    TEAM,
    BuiltPool,
    PoolSpec,
    api,
    build,
    start_moto,
)

GOOD = PoolSpec()


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    process, url = start_moto()
    try:
        yield url
    finally:
        process.stop()


def audit(moto_url: str, pool: BuiltPool, config: Path, *extra: str) -> CliResult:
    env = {**FAKE_CREDENTIALS, "OIDC_PROBE_CLIENT_SECRET": pool.client_secret or "unused-secret"}
    return run_cli(
        ["audit", "--config", str(config), "--aws-endpoint", moto_url, "--format", "json", *extra],
        env=env,
    )


def not_passing(result: CliResult, prefix: str = "AWS") -> set[tuple[str, str]]:
    return {
        (c["id"], c["status"])
        for c in result.json()["checks"]
        if c["id"].startswith(prefix) and c["status"] in ("fail", "warn")
    }


def test_a_correct_pool_passes_every_aws_check(moto_url: str, tmp_path: Path) -> None:
    pool = build(api(moto_url), GOOD)
    result = audit(
        moto_url, pool, pool.cloudflare_config(tmp_path), "--username", "alice", "--team-name", TEAM
    )
    assert result.code == 0, result.stdout + result.stderr
    statuses = {c["id"]: c["status"] for c in result.json()["checks"] if c["id"].startswith("AWS")}
    assert statuses == {f"AWS{n:03d}": "pass" for n in range(1, 16)}
    groups = [c for c in result.json()["checks"] if c["subject"] == "alice groups"]
    assert groups[0]["message"] == "alice is in admins"
    env = {**FAKE_CREDENTIALS, "OIDC_PROBE_CLIENT_SECRET": pool.client_secret or "unused"}
    config = str(pool.cloudflare_config(tmp_path))
    text = run_cli(["audit", "--config", config, "--aws-endpoint", moto_url, "-v"], env=env)
    assert text.code == 0, text.stderr
    view = text.stdout[text.stdout.index("What Access will see") :]
    assert "email (email): not known without a login" in view
    assert "    cognito:groups: not known without a login" in view
    assert "missing" not in view


# (name, spec changes, config changes, extra arguments, what the audit must report)
VARIANTS: list[
    tuple[str, dict[str, Any], dict[str, Any], tuple[str, ...], set[tuple[str, str]]]
] = [
    ("no secret", {"secret": False}, {}, (), {("AWS003", "fail")}),
    ("implicit grant only", {"flows": ("implicit",)}, {}, (), {("AWS004", "fail")}),
    ("oauth off", {"oauth_on": False}, {}, (), {("AWS004", "fail")}),
    ("email scope not allowed", {"scopes": ("openid", "profile")}, {}, (), {("AWS005", "fail")}),
    (
        "probe callback missing",
        {},
        {},
        ("--redirect-uri", "http://localhost:9999/cb"),
        {("AWS006", "warn")},
    ),
    ("access callback missing", {"callbacks": (PROBE_CALLBACK,)}, {}, (), {("AWS007", "fail")}),
    ("no identity provider", {"providers": ()}, {}, (), {("AWS008", "fail")}),
    (
        "unreadable custom attribute",
        {"read_attributes": ("email", "email_verified")},
        {},
        (),
        {("AWS009", "fail")},
    ),
    (
        "custom attribute not in the schema",
        {},
        {"claims": ["custom:team"]},
        (),
        {("AWS009", "fail"), ("AWS014", "fail")},
    ),
    ("unconfirmed user", {"confirmed": False}, {}, (), {("AWS012", "fail")}),
    (
        "user without email",
        {"user_attributes": {"custom:department": "sales"}},
        {},
        (),
        {("AWS013", "fail")},
    ),
    ("user in no group", {"user_groups": ()}, {}, (), {("AWS014", "fail")}),
    (
        "updated issuer, config for the original one",
        {"issuer": "UPDATED"},
        {},
        (),
        {("AWS015", "warn")},
    ),
    (
        "attribute unset for the user",
        {"user_attributes": {"email": "a@example.com", "email_verified": "true"}},
        {},
        (),
        {("AWS014", "fail")},
    ),
]


@pytest.mark.parametrize(
    ("spec", "config", "extra", "expected"),
    [pytest.param(*v[1:], id=v[0]) for v in VARIANTS],
)
def test_each_misconfiguration_is_named(
    moto_url: str,
    tmp_path: Path,
    spec: dict[str, Any],
    config: dict[str, Any],
    extra: tuple[str, ...],
    expected: set[tuple[str, str]],
) -> None:
    pool = build(api(moto_url), GOOD.but(**spec))
    args = ("--username", "alice", "--team-name", TEAM, *extra)
    result = audit(moto_url, pool, pool.cloudflare_config(tmp_path, **config), *args)
    assert not_passing(result) == expected, result.stdout
    failing = any(status == "fail" for _, status in expected)
    assert result.code == (1 if failing else 0)
    for item in result.json()["checks"]:
        if item["status"] in ("fail", "warn"):
            assert item["hint"], item


def test_unknown_pool_and_client(moto_url: str, tmp_path: Path) -> None:
    pool = build(api(moto_url), GOOD)
    missing_pool = pool.cloudflare_config(
        tmp_path,
        certs_url="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_NoSuchPool0/.well-known/jwks.json",
    )
    result = audit(moto_url, pool, missing_pool)
    assert result.code == 1
    assert not_passing(result) == {("AWS001", "fail")}
    assert "skip" in result.statuses("AWS003")
    result = audit(
        moto_url, pool, pool.cloudflare_config(tmp_path, client_id="nosuchclient00000000000000")
    )
    assert not_passing(result) == {("AWS002", "fail")}


def test_domain_of_another_pool(moto_url: str, tmp_path: Path) -> None:
    cognito = api(moto_url)
    pool, other = build(cognito, GOOD), build(cognito, GOOD, name="other")
    host = f"{other.domain}.auth.eu-west-1.amazoncognito.com"
    config = pool.cloudflare_config(
        tmp_path,
        auth_url=f"https://{host}/oauth2/authorize",
        token_url=f"https://{host}/oauth2/token",
    )
    result = audit(moto_url, pool, config, "--team-name", TEAM)
    assert not_passing(result) == {("AWS010", "fail")}
    aws010 = next(c for c in result.json()["checks"] if c["id"] == "AWS010")
    assert other.pool_id in aws010["message"]


def test_without_team_name_lists_or_warns(moto_url: str, tmp_path: Path) -> None:
    cognito = api(moto_url)
    pool = build(cognito, GOOD)
    result = audit(moto_url, pool, pool.cloudflare_config(tmp_path))
    assert result.statuses("AWS007") == ["info"]
    bare = build(cognito, GOOD.but(callbacks=(PROBE_CALLBACK,)))
    result = audit(moto_url, bare, bare.cloudflare_config(tmp_path))
    assert result.statuses("AWS007") == ["warn"]


def test_pre_token_trigger_is_reported(moto_url: str, tmp_path: Path) -> None:
    pool = build(api(moto_url), GOOD.but(pre_token_lambda=True))
    result = audit(moto_url, pool, pool.cloudflare_config(tmp_path))
    aws011 = next(c for c in result.json()["checks"] if c["id"] == "AWS011")
    assert aws011["status"] == "info"
    assert "V2_0" in aws011["message"]


def test_access_denied_names_the_action(tmp_path: Path) -> None:
    """moto enforces IAM after the first N calls: the setup below makes exactly 5."""
    process, url = start_moto({"INITIAL_NO_AUTH_ACTION_COUNT": "5"})
    try:
        iam = api(url, "iam")
        iam.create_user(UserName="auditor")
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "cognito-idp:DescribeUserPool",
                        "cognito-idp:DescribeUserPoolClient",
                    ],
                    "Resource": "*",
                }
            ],
        }
        iam.put_user_policy(
            UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps(policy)
        )
        key = iam.create_access_key(UserName="auditor")["AccessKey"]
        cognito = api(url)
        pool_id = cognito.create_user_pool(PoolName="locked")["UserPool"]["Id"]
        client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"
        ]["ClientId"]
        pool = BuiltPool(pool_id, client_id, None, "none")
        config = pool.cloudflare_config(
            tmp_path,
            auth_url="http://127.0.0.1:1/oauth2/authorize",
            token_url="http://127.0.0.1:1/oauth2/token",
        )
        env = {
            **FAKE_CREDENTIALS,
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
            "OIDC_PROBE_CLIENT_SECRET": "unused-secret",
        }
        result = run_cli(["audit", "--config", str(config), "--aws-endpoint", url], env=env)
        # check --aws: the report is still made; the denied action is one warning line
        # (discovery goes to a closed loopback port: no network beyond this machine)
        loopback = pool.cloudflare_config(
            tmp_path,
            auth_url="http://127.0.0.1:1/oauth2/authorize",
            token_url="http://127.0.0.1:1/oauth2/token",
            certs_url=f"http://127.0.0.1:1/{pool_id}/.well-known/jwks.json",
        )
        args = ["check", "--config", str(loopback), "--discovery-only", "--aws"]
        checked = run_cli([*args, "--aws-endpoint", url, "--format", "json"], env=env)
    finally:
        process.stop()
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "AWS denied cognito-idp:ListGroups" in lines[0]
    assert "Traceback" not in result.stderr
    assert "warning: AWS denied cognito-idp:ListGroups" in checked.stderr
    assert checked.statuses("AWS001") == ["pass"]
    assert checked.statuses("AWS003") == ["fail"]  # the locked pool's client has no secret
    assert checked.statuses("DSC001") == ["fail"]  # nothing listens on port 1


def _mirror(pool: BuiltPool, keys: PoolKeys) -> Any:
    """The emulator serving moto's pool id, client and user: its tokens, moto's configuration."""
    body = {
        "pool_id": pool.pool_id,
        "clients": [
            {
                "client_id": pool.client_id,
                "client_secret": pool.client_secret,
                "callback_urls": [PROBE_CALLBACK],
                "allowed_scopes": ["openid", "email", "profile"],
                "read_attributes": ["email", "email_verified"],
            }
        ],
        "users": [
            {
                "username": "alice",
                "password": PASSWORD,
                "sub": "33333333-3333-4333-8333-333333333333",
                "attributes": {"email": "alice@example.com", "email_verified": True},
            }
        ],
    }
    return start_in_thread(create_app(parse_pool(json.dumps(body), "mirror"), keys=keys))


def _mirrored_config(pool: BuiltPool, base: str, tmp_path: Path) -> Path:
    return pool.cloudflare_config(
        tmp_path,
        auth_url=f"{base}/oauth2/authorize",
        token_url=f"{base}/oauth2/token",
        certs_url=f"{base}/{pool.pool_id}/.well-known/jwks.json",
    )


def test_check_aws_with_users_reads_the_pool_once(
    moto_url: str, tmp_path: Path, pool_keys: PoolKeys
) -> None:
    pool = build(
        api(moto_url), GOOD.but(read_attributes=("email", "email_verified"), user_groups=())
    )
    users = tmp_path / "users.toml"
    users.write_text('[[users]]\nusername = "alice"\npassword_env = "ALICE_PW"\n')
    server = _mirror(pool, pool_keys)
    try:
        config = _mirrored_config(pool, server.base_url, tmp_path)
        env = {
            **FAKE_CREDENTIALS,
            "ALICE_PW": PASSWORD,
            "OIDC_PROBE_CLIENT_SECRET": pool.client_secret or "",
        }
        args = ["check", "--config", str(config), "--aws", "--aws-endpoint", moto_url]
        result = run_cli([*args, "--users", str(users), "--format", "json"], env=env)
    finally:
        server.stop()
    assert result.code == 1, result.stderr
    checks = result.json()["checks"]
    assert [c["subject"] for c in checks if c["id"] == "AWS012"] == ["alice"]
    assert len([c for c in checks if c["id"] == "AWS001"]) == 1
    groups = [c for c in checks if c["id"] == "CLM003" and c["subject"] == "cognito:groups"]
    assert groups[0]["user"] == "alice"
    assert "pool audit: alice is in no group" in groups[0]["message"]


def test_check_aws_names_the_cause_of_missing_claims(
    moto_url: str, tmp_path: Path, pool_keys: PoolKeys
) -> None:
    """The emulator plays the pool's login; moto its configuration (a mirror of it)."""
    spec = GOOD.but(read_attributes=("email", "email_verified"), user_groups=())
    pool = build(api(moto_url), spec)
    server = _mirror(pool, pool_keys)
    try:
        config = _mirrored_config(pool, server.base_url, tmp_path)
        env = {**FAKE_CREDENTIALS, "OIDC_PROBE_PASSWORD": PASSWORD}
        args = ["check", "--config", str(config), "--aws", "--client-secret-from-aws"]
        args += ["--aws-endpoint", moto_url, "--login", "form", "--username", "alice"]
        result = run_cli([*args, "--format", "json"], env=env)
    finally:
        server.stop()
    assert result.code == 1, result.stderr
    messages = {
        c["subject"]: c["message"]
        for c in result.json()["checks"]
        if c["id"] == "CLM003" and c["status"] == "fail"
    }
    assert messages["cognito:groups"].endswith(
        "pool audit: alice is in no group; the pool has groups admins, staff"
    )
    assert messages["custom:department"].endswith(
        "pool audit: the app client's ReadAttributes do not include custom:department"
    )
    assert ("AWS009", "fail") in not_passing(result)
    assert pool.client_secret
    assert pool.client_secret not in result.stdout + result.stderr


def test_cloudflare_config_from_aws(moto_url: str, tmp_path: Path) -> None:
    spec = GOOD.but(
        read_attributes=("email", "custom:department"),
        custom_attributes=("department", "cost_centre"),
    )
    pool = build(api(moto_url), spec)
    output = tmp_path / "idp.json"
    args = ["cloudflare-config", "--from-aws", "--pool-id", pool.pool_id, "--client-id"]
    args += [
        pool.client_id,
        "--team-name",
        TEAM,
        "--aws-endpoint",
        moto_url,
        "--output",
        str(output),
    ]
    result = run_cli(args, env=FAKE_CREDENTIALS)
    assert result.code == 0, result.stderr
    assert output.stat().st_mode & 0o777 == 0o600
    config = json.loads(output.read_text())["config"]
    host = f"{pool.domain}.auth.eu-west-1.amazoncognito.com"
    assert config["auth_url"] == f"https://{host}/oauth2/authorize"
    assert config["token_url"] == f"https://{host}/oauth2/token"
    assert config["certs_url"] == (
        f"https://cognito-idp.eu-west-1.amazonaws.com/{pool.pool_id}/.well-known/jwks.json"
    )
    assert config["scopes"] == ["openid", "email", "profile"]
    # readable (custom:cost_centre is not), and the pool's groups
    assert config["claims"] == ["custom:department", "cognito:groups"]
    assert "claims include cognito:groups: the pool has groups" in result.stderr
    assert config["client_secret"] == pool.client_secret
    assert pool.client_secret not in result.stdout + result.stderr
    # the file it wrote passes the audit's client checks
    again = audit(moto_url, pool, output, "--team-name", TEAM)
    assert not {i for i, _ in not_passing(again)} & {"AWS002", "AWS003", "AWS005", "AWS007"}


def test_an_updated_issuer_pool_gets_its_certs_url_and_passes(
    moto_url: str, tmp_path: Path
) -> None:
    pool = build(api(moto_url), GOOD.but(issuer="UPDATED", groups=(), user_groups=()))
    output = tmp_path / "idp.json"
    args = ["cloudflare-config", "--from-aws", "--pool-id", pool.pool_id]
    args += ["--client-id", pool.client_id, "--aws-endpoint", moto_url, "--output", str(output)]
    written = run_cli(args, env=FAKE_CREDENTIALS)
    assert written.code == 0
    assert "cognito:groups" not in json.loads(output.read_text())["config"]["claims"]
    assert "cognito:groups" not in written.stderr  # a pool without groups
    issuer = f"https://issuer-cognito-idp.eu-west-1.amazonaws.com/{pool.pool_id}"
    assert json.loads(output.read_text())["config"]["certs_url"] == (
        f"{issuer}/.well-known/jwks.json"
    )
    result = audit(moto_url, pool, output, "--team-name", TEAM)
    (aws015,) = [c for c in result.json()["checks"] if c["id"] == "AWS015"]
    assert aws015["status"] == "pass"
    assert aws015["message"] == f"certs_url is on the UPDATED issuer of the pool, {issuer}"


def test_no_credentials_is_one_line(moto_url: str, tmp_path: Path) -> None:
    pool = BuiltPool("eu-west-1_NoSuchPool0", "nosuchclient00000000000000", None, "x")
    env = {
        "OIDC_PROBE_CLIENT_SECRET": "unused-secret",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    args = ["audit", "--config", str(pool.cloudflare_config(tmp_path)), "--aws-endpoint", moto_url]
    result = run_cli(args, env=env)
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "no AWS credentials found" in result.stderr


def test_audit_judges_the_secret_from_aws(moto_url: str, tmp_path: Path) -> None:
    pool = build(api(moto_url), GOOD)
    args = ["audit", "--config", str(pool.cloudflare_config(tmp_path)), "--aws-endpoint", moto_url]
    without = run_cli([*args, "--format", "json"], env=FAKE_CREDENTIALS)
    assert ("CFG001", "client_secret") in {
        (c["id"], c["subject"]) for c in without.json()["checks"] if c["status"] == "fail"
    }
    result = run_cli([*args, "--client-secret-from-aws", "--format", "json"], env=FAKE_CREDENTIALS)
    assert result.statuses("CFG001") == ["pass"]
    assert pool.client_secret
    assert pool.client_secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["audit"], "audit needs --config FILE"),
        (
            [
                "check",
                "--discovery-only",
                "--config",
                "fixtures/configs/cloudflare-cognito-example.json",
                "--aws-endpoint",
                "http://127.0.0.1:1",
            ],
            "--aws-endpoint is for --aws",
        ),
    ],
)
def test_usage_errors_are_one_line(args: list[str], words: str) -> None:
    result = run_cli(args, env=FAKE_CREDENTIALS)
    assert result.code == 2
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


def test_check_aws_says_an_unrestricted_include_admits_anyone_who_can_sign_up(
    moto_url: str, tmp_path: Path, pool_keys: PoolKeys
) -> None:
    """Issue 24 item 6. AWS AdminCreateUserConfig: AllowAdminCreateUserOnly "Set to False if
    users can sign themselves up via an app" (API_AdminCreateUserConfigType); Cloudflare's
    Everyone rule matches every user (Access API examples)."""
    cognito = api(moto_url)
    pool = build(cognito, GOOD)
    cognito.update_user_pool(
        UserPoolId=pool.pool_id, AdminCreateUserConfig={"AllowAdminCreateUserOnly": False}
    )
    policies = tmp_path / "anyone.json"
    policies.write_text(
        json.dumps([{"name": "Anyone", "decision": "allow", "include": [{"everyone": {}}]}])
    )
    server = _mirror(pool, pool_keys)
    try:
        config = _mirrored_config(pool, server.base_url, tmp_path)
        env = {**FAKE_CREDENTIALS, "OIDC_PROBE_PASSWORD": PASSWORD}
        args = ["check", "--config", str(config), "--aws", "--client-secret-from-aws"]
        args += ["--aws-endpoint", moto_url, "--login", "form", "--username", "alice"]
        result = run_cli([*args, "--policy", str(policies), "--format", "json"], env=env)
    finally:
        server.stop()
    (warning,) = [c for c in result.json()["checks"] if c["subject"] == "Anyone"]
    assert warning["status"] == "warn"
    assert "admits anyone who can create an account" in warning["message"]


def test_an_audit_where_every_aws_call_failed_exits_2(moto_url: str, tmp_path: Path) -> None:
    """Issue 20, item 7: an unreachable AWS endpoint is not a passing audit."""
    from tests.e2e.hostile_servers import HostileServer, Mode

    pool = build(api(moto_url), GOOD)
    config = pool.cloudflare_config(tmp_path)
    with HostileServer() as broken:  # answers every call with HTTP 500
        result = audit(broken.url(Mode.ERROR_500), pool, config, "--timeout", "2")
    assert result.code == 2, (result.code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "oidc-probe: error: every AWS call failed, so the pool could not be audited: "
    )
