from __future__ import annotations

import io
import os
import signal
import subprocess
import sys

import httpx2
import pytest

from oidc_probe.core.errors import UsageError
from oidc_probe.fake_cognito import PoolKeys, create_app, load_pool
from oidc_probe.fake_cognito.cli import describe, format_fault_list, run_fake_cognito
from oidc_probe.fake_cognito.server import start_in_thread

from .conftest import REPO


def test_start_in_thread_serves_on_an_ephemeral_loopback_port(keys: PoolKeys) -> None:
    pool = load_pool()
    app = create_app(pool, keys=keys)
    with start_in_thread(app) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert server.port > 0
        with httpx2.Client() as client:
            doc = client.get(
                f"{server.base_url}/{pool.pool_id}/.well-known/openid-configuration"
            ).json()
        assert doc["issuer"] == f"{server.base_url}/{pool.pool_id}"
        assert app.state.request_log == [
            ("GET", f"/{pool.pool_id}/.well-known/openid-configuration")
        ]
    with pytest.raises(httpx2.ConnectError), httpx2.Client() as client:
        client.get(f"{server.base_url}/error")


def test_port_in_use_is_a_usage_error(keys: PoolKeys) -> None:
    app = create_app(load_pool(), keys=keys)
    with start_in_thread(app) as server:
        with pytest.raises(UsageError, match=f"{server.port}.*in use"):
            start_in_thread(app, port=server.port)
        with pytest.raises(UsageError, match="in use"):
            run_fake_cognito(
                host="127.0.0.1", port=server.port, pool_path=None, faults=(), out=io.StringIO()
            )


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com"])
def test_non_loopback_hosts_are_refused(keys: PoolKeys, host: str) -> None:
    with pytest.raises(UsageError, match="loopback"):
        start_in_thread(create_app(load_pool(), keys=keys), host=host)


def test_describe_prints_urls_and_users_but_no_secrets() -> None:
    pool = load_pool()
    out = io.StringIO()
    describe(pool, "http://127.0.0.1:9000", ["no-sub"], out)
    text = out.getvalue()
    assert f"http://127.0.0.1:9000/{pool.pool_id}/.well-known/jwks.json" in text
    assert "http://127.0.0.1:9000/oauth2/token" in text
    assert "demo" in text
    assert "nogroup" in text
    assert "password: see the pool file" in text
    assert "no-sub" in text
    for user in pool.users:
        assert user.password not in text
    assert pool.clients[0].client_secret not in text  # type: ignore[operator]


def test_fault_list_has_one_line_per_fault() -> None:
    lines = format_fault_list().splitlines()
    assert any(line.startswith("bad-signature ") and "IDT004" in line for line in lines)
    assert len(lines) == len({line.split()[0] for line in lines})


def test_cli_serves_in_the_foreground_until_interrupted() -> None:
    script = (
        "import sys\n"
        "from oidc_probe.fake_cognito.cli import run_fake_cognito\n"
        "sys.exit(run_fake_cognito(host='127.0.0.1', port=0, pool_path=None, "
        "faults=['no-sub'], out=sys.stdout))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        base_url = first.split(" serving at ")[1].split()[0]
        pool = load_pool()
        with httpx2.Client() as client:
            jwks = client.get(f"{base_url}/{pool.pool_id}/.well-known/jwks.json").json()
        assert len(jwks["keys"]) == 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
