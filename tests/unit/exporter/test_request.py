"""A probe of a module is ``check`` with the module's options: the same request, the same
defaults, the same reading of the policy files."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from oidc_probe.cli.console import Console
from oidc_probe.cli.main import build_parser
from oidc_probe.cli.requests import probe_request
from oidc_probe.core.errors import ConfigError
from oidc_probe.core.settings import LoginMode
from oidc_probe.exporter.adapter import module_request, run_module_probe
from oidc_probe.exporter.config import ExporterConfig, Module, load_exporter_config
from oidc_probe.exporter.own_metrics import ExporterMetrics
from oidc_probe.exporter.scheduler import Scheduler
from oidc_probe.run.requests import ConfigSource, LoginRequest, ProbeRequest, Transport

POLICY = {"name": "all", "decision": "allow", "include": [{"everyone": {}}]}


def _files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "idp": tmp_path / "idp.json",
        "policy": tmp_path / "policy.json",
        "groups": tmp_path / "groups.json",
        "ca": tmp_path / "ca.pem",
    }
    paths["idp"].write_text("{}")
    paths["policy"].write_text(json.dumps(POLICY))
    paths["groups"].write_text("[]")
    paths["ca"].write_text("")
    return paths


BASE = '[modules.m]\nconfig = "idp.json"\nusername = "u"\npassword_env = "P"\n'


def _load(tmp_path: Path, extra: str) -> ExporterConfig:
    """The config of module ``m`` (a form login) with the ``extra`` lines."""
    path = tmp_path / "exporter.toml"
    path.write_text(BASE + extra)
    return load_exporter_config(path)


def test_a_module_asks_what_check_asks_with_the_same_options(tmp_path: Path) -> None:
    files = _files(tmp_path)
    config = _load(
        tmp_path,
        'login = "initiate-auth"\nexpect = ["email", "custom:team~=ops", "!x"]\n'
        'policies = ["policy.json"]\naccess_groups = ["groups.json"]\nidp_id = "idp-1"\n'
        'expect_access = "allow"\nactive = true\nredirect_uri = "https://a.example/cb"\n'
        'client_auth = "post"\ncognito_endpoint = "http://127.0.0.1:9"\n'
        'ca_bundle = "ca.pem"\nleeway = 30\nissuer = "https://issuer.example"\n',
    )
    request = module_request(
        config.modules["m"], timeout=7.5, password="pw-value", client_secret="cs-value"
    )
    console = Console(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    args = build_parser(console, "check").parse_args(
        [
            "check",
            *("--config", str(files["idp"]), "--login", "initiate-auth", "--username", "u"),
            *("--expect", "email", "--expect", "custom:team~=ops", "--expect", "!x"),
            *("--policy", str(files["policy"]), "--access-groups", str(files["groups"])),
            *("--idp-id", "idp-1", "--expect-access", "allow", "--active"),
            *("--redirect-uri", "https://a.example/cb", "--client-auth", "post"),
            *("--cognito-endpoint", "http://127.0.0.1:9", "--ca-bundle", str(files["ca"])),
            *("--leeway", "30", "--issuer", "https://issuer.example", "--timeout", "7.5"),
        ]
    )
    check = probe_request(args)
    assert request.login == replace(check.login, password="pw-value")
    assert (request.access, request.ci, request.transport, request.aws) == (
        check.access,
        check.ci,
        check.transport,
        check.aws,
    )
    assert (request.leeway, request.show_tokens, request.discovery_only) == (30, False, False)
    assert (request.config.path, request.config.issuer) == (str(files["idp"]), check.config.issuer)
    assert dict(request.config.overrides) == {"client_secret": "cs-value"}


def test_what_a_module_leaves_out_takes_the_defaults_check_takes() -> None:
    module = Module("m", Path("idp.json"), username="u")
    request = module_request(module, timeout=3.0, password="pw-value", client_secret=None)
    assert request == ProbeRequest(
        config=ConfigSource("idp.json"),
        transport=Transport(timeout=3.0),
        login=LoginRequest(mode=LoginMode.FORM, username="u", password="pw-value"),
    )


def test_a_bad_policy_file_is_a_start_up_error_naming_the_module(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files["policy"].write_text("{not json")
    config = _load(tmp_path, 'policies = ["policy.json"]\n')
    with pytest.raises(ConfigError, match=r"^module m: policies .*policy\.json: 1:2: invalid JSON"):
        Scheduler(config, ExporterMetrics())


def test_policy_files_are_read_again_at_each_probe(tmp_path: Path) -> None:
    files = _files(tmp_path)
    config = _load(tmp_path, 'policies = ["policy.json"]\n')
    Scheduler(config, ExporterMetrics())  # good at start-up
    files["policy"].write_text("{not json")  # then broken: each probe says so
    with pytest.raises(ConfigError, match=r"policy\.json: 1:2: invalid JSON"):
        run_module_probe(config.modules["m"], timeout=1.0, environ={"P": "pw-value"})


def test_access_groups_without_policies_are_refused(tmp_path: Path) -> None:
    _files(tmp_path)
    with pytest.raises(ConfigError, match="access_groups needs 'policies'"):
        _load(tmp_path, 'access_groups = ["groups.json"]\n')
