"""The Access application read from the API (issue 24 item 4), against the loopback stand-in.

Expected behaviour, from Cloudflare's sources:
- ``allowed_idps``: "The identity providers your users can select when connecting to this
  application. Defaults to all IdPs configured in your account." (cloudflare-python
  ``types/zero_trust/access/application_get_response.py``, ``SelfHostedApplication``);
- ``aud``: "Audience tag", the application token's ``aud`` (Cloudflare "Application token":
  https://developers.cloudflare.com/cloudflare-one/access-controls/applications/http-apps/authorization-cookie/application-token/);
- ``approval_required``: "Requires the user to request access from an administrator at the
  start of each session"; ``purpose_justification_required``: "Require users to enter a
  justification when they log in" (``SelfHostedApplicationPolicy``);
- independent MFA per application and policy, "Policy > Application > Organization"
  (https://developers.cloudflare.com/cloudflare-one/access-controls/policies/mfa-requirements/);
- Zone-scoped apps: "account_id ... Mutually exclusive with the Zone ID" (cloudflare-python
  ``resources/zero_trust/access/applications``);
- ``email_list`` rules name a Zero Trust list, read with ``GET /accounts/{id}/gateway/lists/
  {list}/items`` (cloudflare-python ``gateway/lists/items``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.fake_cognito.server import start_in_thread
from tests import cloudflare_api as cf
from tests.access_tokens import TEAM as ACCESS_TEAM
from tests.access_tokens import AccessSigner
from tests.e2e.conftest import REPO, CliResult, Emulator, run_cli

pytestmark = pytest.mark.e2e
FIXTURES = REPO / "fixtures" / "access"
ADMINS = {
    "id": "0d1c6f2e-3b8a-4f57-9e21-5a7c9b3d1e42",
    "name": "Admins",
    "decision": "allow",
    "precedence": 1,
    "include": [{"oidc": {"claim_name": "cognito:groups", "claim_value": "admins"}}],
    "require": [],
    "exclude": [],
}
LIST_ID = "7d8c9b0a-1e2f-4a3b-8c4d-5e6f7a8b9c0d"


@pytest.fixture
def stand_in(emulator: Emulator) -> Iterator[tuple[str, cf.CloudflareData]]:
    data = cf.CloudflareData(
        identity_providers={
            cf.IDP_ID: cf.idp_result(emulator.pool.probe_config(emulator.base_url))
        },
    )
    server = start_in_thread(cf.create_app(data))
    yield f"{server.base_url}/client/v4", data
    server.stop()


def serve(data: cf.CloudflareData, policies: list[dict[str, Any]], **app: Any) -> None:
    data.app_policies[cf.APP_ID] = policies
    data.apps[cf.APP_ID] = cf.app_object(policies, **app)


def run(emulator: Emulator, base: str, *extra: str, scope: str = "account") -> CliResult:
    where = (
        ["--cloudflare-account", cf.ACCOUNT, "--cloudflare-idp", cf.IDP_ID]
        if scope == "account"
        else ["--config", str(emulator.config_file()), "--cloudflare-zone", cf.ZONE]
    )
    args = [
        "check",
        *where,
        "--cloudflare-app",
        cf.APP_ID,
        "--cloudflare-api",
        base,
        *("--login", "form", "--username", "demo", "--format", "json", *extra),
    ]
    env = {
        "OIDC_PROBE_CLIENT_SECRET": emulator.secret(),
        "OIDC_PROBE_PASSWORD": emulator.password("demo"),
        "CLOUDFLARE_API_TOKEN": cf.TOKEN,
    }
    return run_cli(args, env=env)


def finding(result: CliResult, check_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in result.json()["checks"] if c["id"] == check_id]
    (only,) = found
    return only


def test_an_identity_provider_the_app_does_not_allow_fails(
    emulator: Emulator, stand_in: tuple[str, cf.CloudflareData]
) -> None:
    base, data = stand_in
    serve(data, [ADMINS], allowed_idps=["a-different-idp-0000"])
    result = run(emulator, base)
    assert result.code == 1, result.stderr
    acc004 = finding(result, "ACC004")
    assert acc004["status"] == "fail"
    assert "does not allow identity provider" in acc004["message"]
    serve(data, [ADMINS])  # allowed_idps names the probed provider
    assert finding(run(emulator, base), "ACC004")["status"] == "pass"
    serve(data, [ADMINS], allowed_idps=[])  # empty: every identity provider of the account
    assert finding(run(emulator, base), "ACC004")["status"] == "pass"


def test_policy_flags_make_the_allow_conditional(
    emulator: Emulator, stand_in: tuple[str, cf.CloudflareData]
) -> None:
    base, data = stand_in
    flagged = {**ADMINS, "approval_required": True, "purpose_justification_required": True}
    serve(data, [flagged])
    result = run(emulator, base, "--expect-access", "allow")
    assert result.code == 0, result.stdout
    acc001 = finding(result, "ACC001")
    assert acc001["message"].startswith(
        "allow, after admin approval and a purpose justification: Allow policy 'Admins'"
    )
    assert acc001["evidence"]["actual"]["after"] == ["admin approval", "a purpose justification"]


def test_application_mfa_applies_unless_the_policy_sets_its_own(
    emulator: Emulator, stand_in: tuple[str, cf.CloudflareData]
) -> None:
    base, data = stand_in
    serve(data, [ADMINS], mfa_config={"mfa_disabled": False, "session_duration": "24h"})
    acc001 = finding(run(emulator, base), "ACC001")
    assert acc001["message"].startswith("allow, after independent MFA (application setting):")
    exempt = {**ADMINS, "mfa_config": {"mfa_disabled": True}}
    serve(data, [exempt], mfa_config={"mfa_disabled": False})
    assert finding(run(emulator, base), "ACC001")["message"].startswith("allow: Allow policy")


def test_email_list_rules_read_the_zero_trust_list(
    emulator: Emulator, stand_in: tuple[str, cf.CloudflareData]
) -> None:
    base, data = stand_in
    listed = {**ADMINS, "name": "Listed", "include": [{"email_list": {"id": LIST_ID}}]}
    serve(data, [listed])
    data.lists[LIST_ID] = ["someone@example.com", "demo@example.com"]  # default_pool.json
    result = run(emulator, base, "--expect-access", "allow")
    assert result.code == 0, result.stdout
    acc001 = finding(result, "ACC001")
    assert "email_list" in acc001["evidence"]["actual"]["rule"]
    assert any(p.endswith(f"/gateway/lists/{LIST_ID}/items") for p in data.requests)
    data.lists[LIST_ID] = ["someone@example.com"]
    denied = run(emulator, base, "--expect-access", "deny")
    assert finding(denied, "ACC001")["evidence"]["actual"]["decision"] == "no_match"


def test_a_zone_scoped_application(
    emulator: Emulator, stand_in: tuple[str, cf.CloudflareData]
) -> None:
    base, data = stand_in
    serve(data, [ADMINS])
    result = run(emulator, base, "--expect-access", "allow", scope="zone")
    assert result.code == 0, result.stdout + result.stderr
    assert f"/client/v4/zones/{cf.ZONE}/access/apps/{cf.APP_ID}" in data.requests


def test_verify_access_takes_the_aud_from_the_application(
    stand_in: tuple[str, cf.CloudflareData], tmp_path: Path
) -> None:
    base, data = stand_in
    serve(data, [ADMINS])
    signer = AccessSigner()
    certs = signer.certs_file(tmp_path)

    def verify(token: str) -> CliResult:
        return run_cli(
            [
                *("verify-access", "-", "--team-name", ACCESS_TEAM, "--certs", str(certs)),
                *("--cloudflare-account", cf.ACCOUNT, "--cloudflare-app", cf.APP_ID),
                *("--cloudflare-api", base, "--format", "json"),
            ],
            stdin=token + "\n",
            env={"CLOUDFLARE_API_TOKEN": cf.TOKEN},
        )

    good = verify(signer.sign(aud=[cf.APP_AUD]))
    assert good.code == 0, good.stdout + good.stderr
    assert finding(good, "CFT003")["status"] == "pass"
    other = verify(signer.sign(aud=["0" * 64]))
    assert finding(other, "CFT003")["status"] == "fail"
    assert json.dumps(cf.APP_AUD) in json.dumps(finding(other, "CFT003"))


# Issue 24 item 5: Cloudflare's policy tester beside the probe. The tester judges users who
# "have logged into the App Launcher or any other Access application at some point" and
# reports "approved"/"blocked" per user (Cloudflare, Manage Access policies, "Test your
# policies": https://developers.cloudflare.com/cloudflare-one/access-controls/policies/
# policy-management/#test-your-policies; cloudflare-python policy_tests/user_list_response).
@pytest.mark.parametrize(
    ("tester", "status"),
    [
        ({"demo@example.com": "approved"}, "pass"),
        ({"demo@example.com": "blocked"}, "fail"),
        ({"someone-else@example.com": "approved"}, "skip"),
    ],
)
def test_the_policy_tester_answer_beside_the_probe(
    emulator: Emulator,
    stand_in: tuple[str, cf.CloudflareData],
    tester: dict[str, str],
    status: str,
) -> None:
    base, data = stand_in
    serve(data, [ADMINS])
    data.tester = tester
    result = run(emulator, base, "--cloudflare-policy-test")
    acc005 = finding(result, "ACC005")
    assert acc005["status"] == status, acc005
    assert (result.code == 1) == (status == "fail")
    if status == "fail":
        assert acc005["message"] == "Cloudflare's policy tester says blocked, the probe says allow"
    assert f"/client/v4/accounts/{cf.ACCOUNT}/access/policy-tests" in data.requests


def test_without_the_flag_the_tester_is_not_run(
    emulator: Emulator, stand_in: tuple[str, cf.CloudflareData]
) -> None:
    base, data = stand_in
    serve(data, [ADMINS])
    result = run(emulator, base)
    assert finding(result, "ACC005")["status"] == "skip"
    assert not any("policy-tests" in p for p in data.requests)
