"""The proxy variables through the real CLI: a whole probe through a loopback forward proxy.

The config names the emulator as ``pool.example.test``, a name only the proxy resolves
(to 127.0.0.1), as a corporate proxy resolves the Internet's names for its clients.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from tests.forward_proxy import ForwardProxy

from .conftest import Emulator, probe

NAME = "pool.example.test"
PASSED_THROUGH_PROXY = ("DSC001", "DSC002", "JWK001")


def _config_on_the_name(emulator: Emulator) -> Path:
    path = emulator.tmp_path / "idp-by-name.json"
    path.write_text(emulator.config_file().read_text().replace("127.0.0.1", NAME))
    return path


def test_a_probe_runs_through_the_proxy_the_environment_names(emulator: Emulator) -> None:
    """Discovery and the JWKS (no secret) go through the proxy to a name only it resolves."""
    config = _config_on_the_name(emulator)
    with ForwardProxy({NAME: "127.0.0.1"}) as proxy:
        env = {"HTTP_PROXY": proxy.url, "NO_PROXY": ""}
        result = probe(emulator, "--discovery-only", config=config, env=env)
        seen = list(proxy.seen)
    for check_id in PASSED_THROUGH_PROXY:
        assert set(result.statuses(check_id)) == {"pass"}, check_id
    paths = {(line.split()[0], urlsplit(line.split()[1]).path) for line in seen}
    pool = emulator.pool.pool_id
    for request in (
        ("GET", f"/{pool}/.well-known/openid-configuration"),
        ("GET", f"/{pool}/.well-known/jwks.json"),
    ):
        assert request in paths, (request, sorted(paths))
    assert all(urlsplit(line.split()[1]).hostname == NAME for line in seen)


def test_no_secret_goes_over_plain_http_to_a_name_through_the_proxy(emulator: Emulator) -> None:
    """The whole flow on plain http to a host that is not loopback: the password is never
    sent; the run stops in one line with exit 2 (issue 20, item 3)."""
    config = _config_on_the_name(emulator)
    with ForwardProxy({NAME: "127.0.0.1"}) as proxy:
        env = {"HTTP_PROXY": proxy.url, "NO_PROXY": ""}
        result = probe(emulator, config=config, env=env)
        seen = list(proxy.seen)
    assert result.code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"oidc-probe: error: refusing to send the password (form login) over plain http to "
        f"http://{NAME}:{urlsplit(emulator.base_url).port}/login: use https (plain http is "
        "accepted only for a loopback host)"
    ]
    assert not [line for line in seen if line.startswith("POST")], seen


def test_no_proxy_keeps_the_probe_direct(emulator: Emulator) -> None:
    with ForwardProxy({NAME: "127.0.0.1"}) as proxy:
        result = probe(emulator, env={"HTTP_PROXY": proxy.url, "NO_PROXY": NAME})
        assert proxy.seen == []
    assert result.code == 0, result.failing()


def test_an_unusable_proxy_url_is_one_line_that_keeps_its_password(emulator: Emulator) -> None:
    result = probe(emulator, env={"HTTPS_PROXY": "http://alice:S3cr#et@proxy.example:3128"})
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        "oidc-probe: error: HTTPS_PROXY is not a usable proxy URL (scheme http or https, host, "
        "port; special characters in a password percent-encoded)"
    ]
    assert "S3cr" not in result.stdout + result.stderr
    assert json.dumps(result.stderr).count("proxy.example") == 0
