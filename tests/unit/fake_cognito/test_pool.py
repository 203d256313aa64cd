from __future__ import annotations

import json
from pathlib import Path

import pytest

from oidc_probe.core.cognito import POOL_ID
from oidc_probe.core.config import derive_issuer
from oidc_probe.core.errors import ConfigError
from oidc_probe.fake_cognito import load_pool

from .conftest import TEST_POOL


def test_default_pool_has_the_demo_users_and_client() -> None:
    pool = load_pool()
    assert POOL_ID.match(pool.pool_id)
    demo = pool.user("demo")
    nogroup = pool.user("nogroup")
    assert demo is not None
    assert nogroup is not None
    assert demo.groups == ("admins",)
    assert nogroup.groups == ()
    assert demo.attributes["email_verified"] is True
    assert any(name.startswith("custom:") for name in demo.attributes)
    client = pool.clients[0]
    assert client.client_secret
    assert "http://localhost:8765/callback" in client.callback_urls
    assert {"openid", "email", "profile"} <= set(client.allowed_scopes)


def test_default_pool_ships_inside_the_package() -> None:
    assert Path(load_pool().source).name == "default_pool.json"
    assert Path(load_pool().source).parent.name == "fake_cognito"


def test_usernames_match_case_insensitively() -> None:
    assert load_pool().user("DEMO") is not None
    assert load_pool().user("nobody") is None


def test_repr_hides_passwords_and_secrets() -> None:
    pool = load_pool(TEST_POOL)
    text = repr(pool)
    for user in pool.users:
        assert user.password not in text
    for client in pool.clients:
        if client.client_secret:
            assert client.client_secret not in text


def test_probe_config_is_cloudflare_json_pointing_at_the_emulator() -> None:
    pool = load_pool()
    body = pool.probe_config("http://127.0.0.1:4000/")
    assert body["type"] == "oidc"
    config = body["config"]
    assert config["client_id"] == pool.clients[0].client_id
    assert config["client_secret"] == pool.clients[0].client_secret
    assert config["auth_url"] == "http://127.0.0.1:4000/oauth2/authorize"
    assert config["token_url"] == "http://127.0.0.1:4000/oauth2/token"
    assert derive_issuer(config["certs_url"]) == f"http://127.0.0.1:4000/{pool.pool_id}"
    assert config["scopes"] == ["openid", "email", "profile"]
    assert config["claims"] == ["sub", "cognito:username", "name", "cognito:groups"]
    assert config["pkce_enabled"] is False
    assert config["email_claim_name"] == "email"


def test_probe_config_for_a_public_client_has_no_secret() -> None:
    pool = load_pool(TEST_POOL)
    config = pool.probe_config("http://x", "3testpublicclient000000003")["config"]
    assert "client_secret" not in config
    with pytest.raises(ConfigError, match="no app client"):
        pool.probe_config("http://x", "missing")


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "pool.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def _valid() -> dict[str, object]:
    return json.loads(TEST_POOL.read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("pool_id"), "missing field 'pool_id'"),
        (lambda d: d.update(pool_id="nope"), "not shaped like"),
        (lambda d: d.update(clients=[]), "at least one app client"),
        (lambda d: d.update(clients={}), "'clients' must be an array"),
        (lambda d: d["clients"][0].update(callback_urls="x"), "callback_urls' must be an array"),
        (lambda d: d["clients"][0].update(allowed_flows=["magic"]), "unknown flow"),
        (lambda d: d["clients"][0].update(allowed_scopes=["bogus"]), "unknown scope"),
        (lambda d: d["users"][1].update(username="ALICE"), "duplicate username"),
        (lambda d: d["users"][0]["attributes"].update(x=[1]), "must be a string, number"),
        (lambda d: d["users"][0].pop("password"), r"users\[0\]\.password"),
    ],
)
def test_bad_pool_files_raise_one_line_config_errors(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = _valid()
    mutate(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(ConfigError, match=message) as info:
        load_pool(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_invalid_json_names_the_position(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"pool_id": }')
    with pytest.raises(ConfigError, match=r"pool.json:1:13: invalid JSON"):
        load_pool(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pool file not found"):
        load_pool(tmp_path / "absent.json")
