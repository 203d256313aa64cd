"""The pytest plugin, exercised with pytester (enabled in tests/conftest.py).

The inner runs use subprocesses: in-process runs restore sys.modules between runs, which
re-imports cryptography and breaks its isinstance checks in the emulator threads.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_fake_cognito_fixture_gives_tokens_and_takes_pools_users_and_faults(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_default_pool(fake_cognito):
            tokens = fake_cognito.tokens("demo")
            assert tokens.id_token.count(".") == 2
            assert tokens.claims["cognito:groups"] == ["admins"]
            assert tokens.claims["iss"] == fake_cognito.issuer
            assert ("POST", "/oauth2/token") in fake_cognito.request_log

        @pytest.mark.fake_cognito(
            faults=["no-email"],
            users=[{"username": "carol", "password": "Carol-Passw0rd!",
                    "attributes": {"email": "carol@example.com"}, "groups": ["ops"]}],
        )
        def test_marker_options(fake_cognito):
            claims = fake_cognito.tokens("carol").claims
            assert claims["cognito:groups"] == ["ops"]
            assert "email" not in claims

        def test_wrong_password_is_a_clear_error(fake_cognito):
            from oidc_probe.pytest_plugin import FakeCognitoError
            with pytest.raises(FakeCognitoError, match="no tokens for 'demo'"):
                fake_cognito.tokens("demo", "wrong-password")

        def test_two_emulators(fake_cognito_factory):
            a = fake_cognito_factory()
            b = fake_cognito_factory(faults=["wrong-aud"])
            assert a.base_url != b.base_url
            assert b.tokens("demo").claims["aud"] != b.client_id
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_probe_marker_turns_failing_checks_into_test_failures_with_hints(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.oidc_probe(expect=["cognito:groups~=admins", "email_verified=true"])
        def test_pool_smoke_ok(fake_cognito):
            pass

        @pytest.mark.oidc_probe(username="nogroup", expect=["cognito:groups~=admins"])
        def test_pool_smoke_fails(fake_cognito):
            pass

        @pytest.mark.fake_cognito(faults=["no-email"])
        def test_fixture_form(fake_cognito, oidc_probe):
            outcome = oidc_probe.check()
            assert outcome.exit_code == 1
            assert {c["id"] for c in outcome.failures} >= {"CLM001"}
            assert "hint:" in outcome.explain()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*EXP001 expectation-met [[]cognito:groups~=admins[]]: *not in the ID token*",
            "*FAILED*test_pool_smoke_fails*",
        ]
    )
    text = result.stdout.str()
    assert "hint: the claim is not in the ID token" in text
    assert "Passw0rd" not in text


def test_args_output_options_judge_the_outcome(pytester: pytest.Pytester) -> None:
    """``--fail-on``, ``--exit-zero`` and ``--baseline`` in ``args`` change the outcome as
    they change the command's exit code; ``--format``/``--output`` are refused."""
    pytester.makepyfile(
        """
        import pytest

        def _accept_all(tmp_path, outcome):
            ids = sorted({c["id"] for c in outcome.failures})
            assert ids
            path = tmp_path / "baseline.toml"
            path.write_text("".join(
                f'[[accept]]\\nid = "{i}"\\nreason = "known"\\n\\n' for i in ids
            ))
            return str(path)

        def test_fail_on_warn(fake_cognito, oidc_probe):
            assert oidc_probe.check().exit_code == 0
            outcome = oidc_probe.check(args=["--fail-on", "warn"])
            assert any(c["status"] == "warn" for c in outcome.checks)
            assert outcome.exit_code == 1

        @pytest.mark.fake_cognito(faults=["no-email"])
        def test_exit_zero_and_baseline(fake_cognito, oidc_probe, tmp_path):
            first = oidc_probe.check()
            assert first.exit_code == 1
            assert oidc_probe.check(args=["--exit-zero"]).exit_code == 0
            accepted = oidc_probe.check(args=["--baseline", _accept_all(tmp_path, first)])
            assert accepted.failures == []
            assert any(c.get("accepted") == "known" for c in accepted.checks)
            assert accepted.exit_code == 0

        @pytest.mark.fake_cognito(faults=["alg-none"])
        def test_baseline_never_passes_an_unverified_signature(
            fake_cognito, oidc_probe, tmp_path
        ):
            first = oidc_probe.check()
            assert "IDT004" not in {c["id"] for c in first.failures}
            outcome = oidc_probe.check(args=["--baseline", _accept_all(tmp_path, first)])
            assert outcome.exit_code == 1
            assert "IDT004" in {c["id"] for c in outcome.failures}

        @pytest.mark.parametrize("option", [["--format", "json"], ["--output", "r.txt"]])
        def test_format_and_output_refused(fake_cognito, oidc_probe, option):
            outcome = oidc_probe.check(args=option)
            assert outcome.exit_code == 2
            assert "--format and --output are not taken here" in outcome.stderr
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_plugin_is_registered_and_imports_nothing_heavy() -> None:
    code = (
        "import sys, importlib.metadata as m\n"
        "eps = [e.value for e in m.entry_points(group='pytest11')]\n"
        "assert 'oidc_probe.pytest_plugin' in eps, eps\n"
        "import oidc_probe.pytest_plugin\n"
        "heavy = [n for n in ('starlette', 'uvicorn', 'httpx2', 'joserfc', 'authlib',"
        " 'oidc_probe.fake_cognito', 'oidc_probe.run.pipeline') if n in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
