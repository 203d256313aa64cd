"""The exporter's TOML config: modules, paths relative to the file, secrets by reference only."""

from __future__ import annotations

from pathlib import Path

import pytest

from oidc_probe.core.errors import ConfigError, UsageError
from oidc_probe.core.settings import LoginMode
from oidc_probe.exporter.config import SecretRef, load_exporter_config, read_secret


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "idp.json").write_text("{}")
    path = tmp_path / "exporter.toml"
    path.write_text(body)
    return path


def test_paths_are_relative_to_the_file_and_defaults_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path,
        '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword_file = "pw"\n'
        'login = "initiate-auth"\nexpect = ["email"]\n',
    )
    monkeypatch.chdir("/")
    config = load_exporter_config(path)
    module = config.modules["a"]
    assert module.idp_config == tmp_path / "idp.json"
    assert module.password == SecretRef(None, tmp_path / "pw")
    assert module.login is LoginMode.INITIATE_AUTH
    assert module.active is False
    assert [e.text for e in module.expectations] == ["email"]
    assert config.max_concurrent == 4


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\nclient_secret = "s3cr3t-value"\n'
            'password_env = "P"\n',
            "'client_secret' never goes in the config file",
        ),
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword_env = "P"\n'
            'password_file = "f"\n',
            "give one of",
        ),
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword_env = "P"\n'
            'login = "paste"\n',
            "needs a person",
        ),
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword_env = "P"\n'
            'expect_access = "allow"\n',
            "expect_access needs 'policies'",
        ),
        ('[exporter]\nmax_concurrent = 0\n[modules.a]\nconfig = "idp.json"\n', "max_concurrent"),
        ('[modules."a b"]\nconfig = "idp.json"\n', "module name"),
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword_env = "P"\nexpect = ["="]\n',
            "expect",
        ),
        ("[other]\n", "unknown table or key 'other'"),
    ],
)
def test_problems_are_one_line_naming_the_place(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:  # ConfigError or UsageError: exit 2
        load_exporter_config(_write(tmp_path, body))
    message = str(raised.value)
    assert says in message
    assert "\n" not in message
    assert "s3cr3t-value" not in message


def test_a_secret_is_read_at_each_call_and_its_absence_names_where(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("first\n")
    ref = SecretRef(None, secret)
    assert read_secret(ref, {}, "password") == "first"
    secret.write_text("second")
    assert read_secret(ref, {}, "password") == "second"
    assert read_secret(SecretRef("P"), {"P": "x-value"}, "password") == "x-value"
    with pytest.raises(ConfigError, match="environment variable P is empty or not set"):
        read_secret(SecretRef("P"), {}, "password")
    assert read_secret(SecretRef(), {}, "client secret") is None
