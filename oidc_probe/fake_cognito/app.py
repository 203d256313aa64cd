"""The emulator as one Starlette app: pool-domain and cognito-idp endpoints on one port."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from oidc_probe.fake_cognito.emulator import Emulator, ServerState
from oidc_probe.fake_cognito.endpoints import MachineEndpoints
from oidc_probe.fake_cognito.faults import Fault, parse_faults
from oidc_probe.fake_cognito.guard import ServerGuard, log_path
from oidc_probe.fake_cognito.hosted_ui import HostedUI
from oidc_probe.fake_cognito.js_page import page_renderer
from oidc_probe.fake_cognito.keys import PoolKeys, SigningKey
from oidc_probe.fake_cognito.latency import Latency
from oidc_probe.fake_cognito.minting import Minter
from oidc_probe.fake_cognito.pool import Pool


class RequestLog:
    """ASGI middleware appending ``(method, path)`` of every HTTP request to a list."""

    def __init__(self, app: ASGIApp, log: list[tuple[str, str]]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.log.append((scope["method"], log_path(scope["path"])))
        await self.app(scope, receive, send)


def create_app(
    pool: Pool,
    *,
    faults: Sequence[str | Fault] = (),
    now: Callable[[], float] = time.time,
    keys: PoolKeys | None = None,
    base_url: str | None = None,
    login_page: str = "classic",
    latency: float = 0.0,
    jitter: float = 0.0,
    hosts: Sequence[str] | None = None,
) -> Starlette:
    """Build the emulator for ``pool``.

    ``keys`` defaults to two fresh RSA 2048 keys (1024-bit with the rsa-1024 fault).
    ``base_url`` fixes the URLs in discovery and the issuer; by default they follow
    the scheme and Host of each request, so the app works on any port.
    ``app.state.request_log`` lists ``(method, path)`` of every request served and
    ``app.state.emulator`` holds the emulator's state, for tests and benchmarks.
    ``login_page`` ``"js"`` serves a sign-in page that needs JavaScript (see ``js_page``).
    ``latency`` and ``jitter`` (seconds) delay every response by ``latency`` plus a
    uniformly random ``[0, jitter]`` (see ``latency.Latency``), to model a remote pool.
    Every request passes :class:`~oidc_probe.fake_cognito.guard.ServerGuard` (body and
    header caps); with ``hosts`` (``()`` for none besides the defaults) its Host must be a
    loopback name, the pool's ``issuer_host`` or ``domain_host``, or one of ``hosts``.
    Unknown fault names raise :class:`oidc_probe.core.errors.ConfigError`.
    """
    active = parse_faults(str(f) for f in faults)
    if Fault.RSA_1024 in active:
        keys = PoolKeys.generate(bits=1024)
    elif keys is None:
        keys = PoolKeys.generate()
    rotated = SigningKey.generate(keys.id_key.bits) if Fault.ROTATE_KEYS in active else None
    state = ServerState()
    emulator = Emulator(
        pool=pool,
        keys=keys,
        faults=active,
        now=now,
        minter=Minter(keys, active, rotated),
        state=state,
        rotated_key=rotated,
        fixed_base_url=base_url,
    )
    ui = HostedUI(emulator, page_renderer(login_page), managed_login=login_page != "classic")
    api = MachineEndpoints(emulator)
    routes = [
        Route("/{pool_id}/.well-known/openid-configuration", api.discovery, methods=["GET"]),
        Route("/{pool_id}/.well-known/jwks.json", api.jwks, methods=["GET"]),
        Route("/oauth2/authorize", ui.authorize, methods=["GET"]),
        Route("/login", ui.login, methods=["GET", "POST"]),
        Route("/oauth2/token", api.token, methods=["POST"]),
        Route("/oauth2/userInfo", api.userinfo, methods=["GET", "POST"]),
        Route("/logout", ui.logout, methods=["GET"]),
        Route("/error", ui.error, methods=["GET"]),
    ]
    known = None
    if hosts is not None:
        known = [*hosts, *(h for h in (pool.issuer_host, pool.domain_host) if h)]
    middleware = [
        Middleware(ServerGuard, hosts=known),
        Middleware(RequestLog, log=state.request_log),
    ]
    if latency > 0 or jitter > 0:
        middleware.append(Middleware(Latency, latency=latency, jitter=jitter))
    app = Starlette(routes=routes, middleware=middleware)
    app.state.request_log = state.request_log
    app.state.emulator = emulator
    return app
