from __future__ import annotations

import json
from pathlib import Path

import pytest

from oidc_probe.core.config import SECRET_ENV, derive_issuer, load_config, near_name, require_filled
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


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("claim", "claims"),
        ("certs_uri", "certs_url"),
        ("scope", "scopes"),
        ("Client_ID", "client_id"),
    ],
)
def test_a_near_miss_of_a_known_field_is_an_error_naming_it(
    tmp_path: Path, typo: str, meant: str
) -> None:
    doc = {k: v for k, v in INNER.items() if k != meant}
    doc[typo] = INNER.get(meant, ["sub"])
    with pytest.raises(ConfigError, match=rf"unknown field '{typo}': did you mean '{meant}'\?"):
        load_config(write(tmp_path, {"config": doc}), environ={})


def test_a_far_unknown_field_and_a_typo_beside_its_field_only_warn(tmp_path: Path) -> None:
    doc = {**INNER, "team_notes": "x", "clent_secret": "y"}
    config = load_config(write(tmp_path, doc), environ={})
    assert [w.split(": ", 1)[-1] for w in config.warnings] == [
        "unknown field 'team_notes' ignored",
        "unknown field 'clent_secret' ignored",
    ]


def test_near_name_is_a_small_edit_distance() -> None:
    assert near_name("certs_uri", ["certs_url", "claims"]) == "certs_url"
    assert near_name("email", ["email_claim_name"]) is None
    assert near_name("sub", ["aud", "iss"]) is None
    assert near_name("claim", ["claims"]) == "claims"
    assert near_name("custom:departmnt", ["custom:department", "name"]) == "custom:department"


def test_differing_secrets_in_file_and_environment_say_which_is_used(tmp_path: Path) -> None:
    path = write(tmp_path, INNER)
    config = load_config(path, environ={SECRET_ENV: "another-secret"})
    assert config.client_secret == "shh"
    assert config.warnings == (
        f"the config file and {SECRET_ENV} give different client secrets; the file's is used "
        f"(remove client_secret from the file to use {SECRET_ENV})",
    )
    assert "another-secret" not in str(config.warnings)
    assert load_config(path, environ={SECRET_ENV: "shh"}).warnings == ()
    template = write(tmp_path, {**INNER, "client_secret": "<your client secret>"}, "t.json")
    used = load_config(template, environ={SECRET_ENV: "from-env"})
    assert used.client_secret == "from-env"
    assert "template value" in used.warnings[0]


def test_a_config_of_template_values_only_is_refused_naming_the_fields() -> None:
    config = load_config(FIXTURES / "cloudflare-cognito-example.json", environ={})
    with pytest.raises(ConfigError, match="fill in client_id, client_secret, auth_url"):
        require_filled(config)


def test_a_config_with_some_template_values_left_runs(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, {**INNER, "client_id": "<your client id>"}), environ={})
    require_filled(config)  # CFG001 names the field instead
