from __future__ import annotations

import json
from pathlib import Path

import pytest

from oidc_probe.core.config import SECRET_ENV, derive_issuer, load_config
from oidc_probe.core.errors import ConfigError

FIXTURES = Path(__file__).parents[3] / "fixtures" / "configs"
INNER = {
    "client_id": "abc",
    "client_secret": "shh",
    "auth_url": "https://d.auth.us-east-1.amazoncognito.com/oauth2/authorize",
    "token_url": "https://d.auth.us-east-1.amazoncognito.com/oauth2/token",
    "certs_url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X/.well-known/jwks.json",
}


def write(tmp_path: Path, doc: object, name: str = "idp.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    return path


def test_cloudflare_example_loads_as_published() -> None:
    config = load_config(FIXTURES / "cloudflare-cognito-example.json", environ={})
    assert config.name == "Amazon Cognito example"
    assert config.scopes == ("openid", "email", "profile")
    assert config.claims == ("sub", "cognito:username", "name", "cognito:groups")
    assert config.pkce_enabled is False
    assert config.email_claim_name == "email"
    assert set(config.placeholders()) == {
        "client_id",
        "client_secret",
        "auth_url",
        "token_url",
        "certs_url",
    }


def test_inner_config_object_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, INNER), environ={})
    assert config.client_id == "abc"
    assert config.placeholders() == ()
    assert config.usable("certs_url")


def test_secret_from_environment_when_absent(tmp_path: Path) -> None:
    doc = {k: v for k, v in INNER.items() if k != "client_secret"}
    config = load_config(write(tmp_path, doc), environ={SECRET_ENV: "from-env"})
    assert config.client_secret == "from-env"
    assert "from-env" not in repr(config)


def test_missing_secret_is_left_to_cfg001(tmp_path: Path) -> None:
    doc = {k: v for k, v in INNER.items() if k != "client_secret"}
    config = load_config(write(tmp_path, doc), environ={})
    assert config.client_secret is None


def test_flags_override_file(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, {"config": INNER, "type": "oidc", "name": "x"}),
        overrides={"client_id": "other", "scopes": ("openid",), "auth_url": None},
        environ={},
    )
    assert config.client_id == "other"
    assert config.scopes == ("openid",)
    assert config.auth_url == INNER["auth_url"]


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "client_id": "a",\n  oops\n}')
    with pytest.raises(ConfigError, match=r"idp\.json:3:3: invalid JSON"):
        load_config(path, environ={})


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    doc = {k: v for k, v in INNER.items() if k != "token_url"}
    with pytest.raises(ConfigError, match=r"missing required field 'token_url'.*--token-url"):
        load_config(write(tmp_path, doc), environ={})


def test_wrong_type_names_field_and_position(tmp_path: Path) -> None:
    path = write(tmp_path, {**INNER, "scopes": 5})
    with pytest.raises(ConfigError, match=r"idp\.json:\d+:\d+: field 'scopes' must be a list"):
        load_config(path, environ={})


def test_pkce_must_be_boolean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pkce_enabled"):
        load_config(write(tmp_path, {**INNER, "pkce_enabled": "yes"}), environ={})


def test_relative_url_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"auth_url.*absolute"):
        load_config(write(tmp_path, {**INNER, "auth_url": "/oauth2/authorize"}), environ={})


def test_unknown_fields_warn(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, {**INNER, "client_idd": "typo"}), environ={})
    assert any("client_idd" in w for w in config.warnings)


def test_non_oidc_type_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"type is 'saml'"):
        load_config(write(tmp_path, {"type": "saml", "config": INNER}), environ={})


def test_missing_file_and_top_level_array(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.json", environ={})
    with pytest.raises(ConfigError, match="expected a JSON object"):
        load_config(write(tmp_path, "[]"), environ={})


def test_flags_only_without_file() -> None:
    config = load_config(None, overrides=INNER, environ={})
    assert config.source is None
    assert config.token_url == INNER["token_url"]


def test_derive_issuer() -> None:
    assert (
        derive_issuer(INNER["certs_url"])
        == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"
    )
    assert derive_issuer("https://op.example/keys") == "https://op.example"
