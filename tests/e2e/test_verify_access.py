"""``oidc-probe verify-access`` through the real CLI: a good token and each tampered one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.access_tokens import AUD, TEAM, AccessSigner, tampered_payload, unsigned
from tests.e2e.conftest import CliResult, run_cli

pytestmark = pytest.mark.e2e
CLAIMS = "sub,cognito:username,name,cognito:groups"


@pytest.fixture(scope="module")
def signer() -> AccessSigner:
    return AccessSigner()


def verify(token: str, certs: Path, *extra: str) -> CliResult:
    return run_cli(
        [
            "verify-access",
            "-",
            "--team-name",
            TEAM,
            "--aud",
            AUD,
            "--certs",
            str(certs),
            "--format",
            "json",
            *extra,
        ],
        stdin=token + "\n",
    )


def statuses(result: CliResult) -> dict[str, str]:
    return {c["id"]: c["status"] for c in result.json()["checks"]}


def test_a_good_token_passes(signer: AccessSigner, tmp_path: Path) -> None:
    token = signer.sign(
        custom={"sub": "x", "cognito:username": "demo", "name": "D", "cognito:groups": ["admins"]}
    )
    result = verify(token, signer.certs_file(tmp_path), "--claims", CLAIMS)
    assert result.code == 0, result.stdout
    assert statuses(result) == {f"CFT00{n}": "pass" for n in range(1, 7)}
    # "What Access will see" shows what reached the application: the token's custom claim.
    view = result.json()["access_view"]
    assert view["email"] == "demo@example.com"
    assert view["oidc_fields"]["cognito:groups"] == ["admins"]
    assert token not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "check_id"),
    [
        ({"iss": "https://other.cloudflareaccess.com"}, "CFT002"),
        ({"aud": ["0" * 64]}, "CFT003"),
        ({"exp": 1_000_000_000, "iat": 999_999_000, "nbf": 999_999_000}, "CFT004"),
        ({"nbf": 4_000_000_000}, "CFT004"),
        ({"type": "org"}, "CFT005"),
    ],
)
def test_each_wrong_claim_fails_its_check(
    signer: AccessSigner, tmp_path: Path, change: dict, check_id: str
) -> None:
    result = verify(signer.sign(**change), signer.certs_file(tmp_path))
    assert result.code == 1
    found = statuses(result)
    assert {k for k, v in found.items() if v == "fail"} == {check_id}
    assert found["CFT001"] == "pass"


@pytest.mark.parametrize("kind", ["tampered", "none", "unknown-kid", "other-key"])
def test_a_forged_token_fails_the_signature(
    signer: AccessSigner, tmp_path: Path, kind: str
) -> None:
    good = signer.sign()
    token = {
        "tampered": lambda: tampered_payload(good, email="admin@example.com"),
        "none": lambda: unsigned(signer.claims()),
        "unknown-kid": lambda: signer.sign(kid="0" * 64),
        "other-key": lambda: AccessSigner().sign(),
    }[kind]()
    result = verify(token, signer.certs_file(tmp_path))
    assert result.code == 1
    assert statuses(result)["CFT001"] == "fail"


def test_a_trimmed_custom_claim_warns(signer: AccessSigner, tmp_path: Path) -> None:
    result = verify(signer.sign(), signer.certs_file(tmp_path), "--claims", CLAIMS)
    assert statuses(result)["CFT006"] == "warn"
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "CFT006"]
    assert "cognito:groups" in finding["message"]
    assert "approximate" in finding["hint"]


def test_certs_fetched_from_the_url(signer: AccessSigner, tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from oidc_probe.fake_cognito.server import start_in_thread

    app = Starlette(routes=[Route("/cdn-cgi/access/certs", lambda r: JSONResponse(signer.certs()))])
    server = start_in_thread(app)
    try:
        result = run_cli(
            [
                "verify-access",
                "-",
                "--team-name",
                TEAM,
                "--aud",
                AUD,
                "--format",
                "json",
                "--certs-url",
                f"{server.base_url}/cdn-cgi/access/certs",
            ],
            stdin=signer.sign(),
        )
        assert statuses(result)["CFT001"] == "pass"
        broken = run_cli(
            ["verify-access", "-", "--team-name", TEAM, "--certs-url", f"{server.base_url}/nope"],
            stdin=signer.sign(),
        )
        assert broken.code == 2
        assert "HTTP 404" in broken.stderr
        assert broken.stderr.strip().count("\n") == 0
    finally:
        server.stop()


def test_a_bad_team_name_is_exit_2(signer: AccessSigner, tmp_path: Path) -> None:
    result = run_cli(
        [
            "verify-access",
            "x",
            "--team-name",
            "https://acme.cloudflareaccess.com",
            "--certs",
            str(signer.certs_file(tmp_path)),
        ]
    )
    assert result.code == 2
    assert "team name only" in result.stderr


def test_only_rs256_is_accepted(signer: AccessSigner, tmp_path: Path) -> None:
    # Cloudflare "generates the signature ... using the SHA-256 algorithm (RS256)":
    # https://developers.cloudflare.com/cloudflare-one/access-controls/applications/http-apps/authorization-cookie/application-token/#signature
    from joserfc import jwt

    from tests.access_tokens import KID

    header = {"alg": "RS512", "kid": KID, "typ": "JWT"}
    rs512 = jwt.encode(header, signer.claims(), signer.key, algorithms=["RS512"])
    result = verify(rs512, signer.certs_file(tmp_path))
    assert result.code == 1
    (cft001,) = [c for c in result.json()["checks"] if c["id"] == "CFT001"]
    assert cft001["status"] == "fail"
    assert "not RS256" in cft001["message"]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--cloudflare-zone", "z1"], "--cloudflare-zone is used only with --cloudflare-app"),
        (["--cloudflare-account", "a1"], "--cloudflare-account is used only with --cloudflare-app"),
        (["--cloudflare-app", "app1"], "--aud and --cloudflare-app exclude each other"),
    ],
)
def test_an_api_option_that_would_be_ignored_is_a_usage_line(
    extra: list[str], says: str, signer: AccessSigner, tmp_path: Path
) -> None:
    """``--cloudflare-zone``/``--cloudflare-account`` without ``--cloudflare-app``, and
    ``--cloudflare-app`` beside ``--aud``, were silently ignored."""
    result = verify(signer.sign(), signer.certs_file(tmp_path), *extra)
    assert result.code == 2, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert not result.stdout


def test_a_baseline_cannot_pass_a_forged_access_token(signer: AccessSigner, tmp_path: Path) -> None:
    """Accepting every failure of a forged token leaves CFT001 failing (never accepted)."""
    token = tampered_payload(signer.sign(), email="admin@example.com")
    first = verify(token, signer.certs_file(tmp_path))
    failing = sorted({c["id"] for c in first.json()["checks"] if c["status"] == "fail"})
    assert "CFT001" in failing
    baseline = tmp_path / "b.toml"
    baseline.write_text("".join(f'[[accept]]\nid = "{i}"\nreason = "x"\n\n' for i in failing))
    result = verify(token, signer.certs_file(tmp_path), "--baseline", str(baseline))
    assert result.code == 1, result.stderr
    assert "result PASS" not in result.stderr
    (cft001,) = [c for c in result.json()["checks"] if c["id"] == "CFT001"]
    assert cft001["status"] == "fail"
    assert not cft001.get("accepted")
