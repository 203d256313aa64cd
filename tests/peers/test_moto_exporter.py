"""The exporter's ``login = "initiate-auth"`` module against moto's Cognito API.

The CLI's ``--login initiate-auth`` runs against moto in ``test_moto_initiate_auth.py``;
this is the same sign-in through ``oidc-probe exporter``, scraped over HTTP, with the
secrets read from the environment at each probe.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.exporter_process import ExporterProcess, samples, write_module_config
from tests.peers.conftest import CognitoPeer
from tests.peers.probe import cognito_config

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

PASSWORD_ENV = "MOTO_EXPORTER_PASSWORD"
SECRET_ENV = "MOTO_EXPORTER_SECRET"


def _statuses(found: dict[str, float]) -> dict[str, float]:
    """check ID -> the oidc_probe_check_status value (0 pass, 1 info, 2 skip, 3 warn, 4 fail)."""
    prefix = 'oidc_probe_check_status{check="'
    return {
        key[len(prefix) :].split('"', 1)[0]: value
        for key, value in found.items()
        if key.startswith(prefix)
    }


def _exporter(moto: CognitoPeer, tmp_path: Path, password: str) -> ExporterProcess:
    config = tmp_path / "idp.json"
    config.write_text(json.dumps({"name": "moto", "type": "oidc", "config": cognito_config(moto)}))
    toml = write_module_config(
        tmp_path / "exporter.toml",
        {
            "moto": {
                "config": str(config),
                "login": "initiate-auth",
                "cognito_endpoint": moto.base_url + "/",
                "username": moto.pool.username,
                "password_env": PASSWORD_ENV,
                "client_secret_env": SECRET_ENV,
            }
        },
    )
    return ExporterProcess(toml, {PASSWORD_ENV: password, SECRET_ENV: moto.pool.client_secret})


def test_an_initiate_auth_module_signs_in_through_the_api_and_verifies_the_tokens(
    moto: CognitoPeer, tmp_path: Path
) -> None:
    with _exporter(moto, tmp_path, moto.pool.password) as exporter:
        found = exporter.probe("moto")
        statuses = _statuses(found)
        # The tokens came from InitiateAuth and their signature was verified with moto's JWKS.
        assert statuses["IDT004"] == 0, statuses
        assert statuses["CLM001"] == 0, statuses
        # No authorization request in this mode: its checks skip rather than pass.
        assert statuses["AUT001"] == 2, statuses
        # moto's discovery names the real AWS issuer, not its own address (as with the CLI).
        assert statuses["DSC002"] == 4, statuses
        assert found["probe_success"] == 0
        assert exporter.terminate() == 0
    assert moto.pool.password not in exporter.stderr()
    assert moto.pool.client_secret not in exporter.stderr()


def test_a_wrong_password_is_a_failed_probe_with_the_reason(
    moto: CognitoPeer, tmp_path: Path
) -> None:
    wrong = "not-the-password-0"
    with _exporter(moto, tmp_path, wrong) as exporter:
        status, text = exporter.get("/probe?module=moto")
        assert status == 200, text
        assert "probe_success 0.0" in text
        statuses = _statuses(samples(text))
        assert statuses["IDT004"] == 2, statuses  # no token, so no signature: never a pass
        assert wrong not in text
        reasons = {
            line.split('stage="', 1)[1].split('"', 1)[0]: line
            for line in text.splitlines()
            if line.startswith("oidc_probe_failure_info{")
        }
        assert "NotAuthorizedException: Incorrect username or password." in reasons["authorize"]
        assert "the InitiateAuth sign-in returned no tokens" in reasons["token"]
