"""No secret over plain http to a host that is not loopback (issue 20, item 3), through the
real CLI: the run stops before sending, in one line with exit 2, naming the URL without
its secret parts. ``--connect-to`` sends the non-loopback name to a loopback server, which
records whether anything arrived."""

from __future__ import annotations

from tests.e2e.conftest import Emulator, probe
from tests.e2e.hostile_servers import HostileServer, Mode

NAME = "token.example.test"


def test_the_client_secret_is_not_sent_over_plain_http(emulator: Emulator) -> None:
    with HostileServer() as server:
        port = server.port
        token_url = f"http://{NAME}:{port}/{Mode.ECHO.value}/oauth2/token"
        config = emulator.config_file(token_url=token_url + "?tenant=t#frag")
        result = probe(emulator, "--connect-to", f"{NAME}:{port}:127.0.0.1:{port}", config=config)
        received = list(server.requests)
    assert result.code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"oidc-probe: error: refusing to send the client secret over plain http to "
        f"http://{NAME}:{port}/echo/oauth2/token: use https (plain http is accepted only for "
        "a loopback host)"
    ]
    assert received == []


def test_plain_http_to_loopback_still_works(emulator: Emulator) -> None:
    result = probe(emulator)
    assert result.code == 0, result.stderr
