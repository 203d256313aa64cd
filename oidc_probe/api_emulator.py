"""The emulator part of the Python API (:mod:`oidc_probe.api` re-exports it): start the
Cognito emulator on a loopback port and get tokens and configs from it.

The only part of the API that imports ``fake_cognito`` (an import-linter exception).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
from oidc_probe.core.errors import ProbeError

if TYPE_CHECKING:
    from oidc_probe.fake_cognito import Pool, PoolKeys
    from oidc_probe.fake_cognito.server import RunningServer


class EmulatorError(AssertionError):
    """A login against the emulator did not produce tokens."""


@dataclass(frozen=True)
class Tokens:
    """The tokens of one sign-in at the emulator, and the ID token's claims (tokens hidden from repr)."""

    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    claims: Mapping[str, Any] = field(default_factory=dict)


class Emulator:
    """A running Cognito emulator: URLs, the pool, and helpers to get tokens and configs."""

    def __init__(self, server: RunningServer, pool: Pool, app: Any) -> None:
        self.server = server
        self.pool = pool
        self.app = app

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def issuer(self) -> str:
        return self.pool.issuer(self.base_url)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"

    @property
    def client_id(self) -> str:
        return self.pool.clients[0].client_id

    @property
    def client_secret(self) -> str | None:
        return self.pool.clients[0].client_secret

    @property
    def request_log(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every request the emulator served."""
        return list(self.app.state.request_log)

    def password(self, username: str) -> str:
        user = self.pool.user(username)
        if user is None:
            raise EmulatorError(f"the emulator pool has no user {username!r}")
        return user.password

    def cloudflare_config(self, **changes: Any) -> dict[str, Any]:
        """Cloudflare's identity-provider JSON body for the pool's first app client."""
        body = self.pool.probe_config(self.base_url)
        body["config"].update(changes)
        return body

    def config_file(self, path: Path, **changes: Any) -> Path:
        """Write :meth:`cloudflare_config` to ``path`` (for ``oidc-probe --config``)."""
        path.write_text(json.dumps(self.cloudflare_config(**changes), indent=2), "utf-8")
        return path

    def tokens(
        self,
        username: str,
        password: str | None = None,
        *,
        scopes: Sequence[str] = ("openid", "email", "profile"),
        redirect_uri: str = DEFAULT_REDIRECT_URI,
    ) -> Tokens:
        """Log in through the hosted UI (authorization code flow) and return the tokens."""
        from oidc_probe.core.settings import LoginMode
        from oidc_probe.run.host import QuietHost
        from oidc_probe.run.probe_case import sign_in
        from oidc_probe.run.requests import ConfigSource, LoginRequest, ProbeRequest

        secret = password if password is not None else self.password(username)
        body = self.cloudflare_config(scopes=list(scopes))
        request = ProbeRequest(
            config=ConfigSource(
                overrides=body["config"], issuer=self.issuer, secret_from_environment=False
            ),
            login=LoginRequest(
                mode=LoginMode.FORM, username=username, password=secret, redirect_uri=redirect_uri
            ),
        )
        try:
            ctx = sign_in(request, QuietHost())
        except ProbeError as exc:  # the request's own checks (an empty username...)
            raise EmulatorError(f"no tokens for {username!r}: {exc}") from None
        response = ctx.token_response
        if response is None or not isinstance(response.get("id_token"), str):
            login = ctx.login
            why = (
                (login.login_error or (login.authorize_error and login.authorize_error.error))
                if login is not None
                else None
            )
            status = ctx.token_fetch.describe() if ctx.token_fetch is not None else None
            raise EmulatorError(
                f"no tokens for {username!r}: {why or status or ctx.stopped or 'unknown'}"
            )
        return Tokens(
            id_token=response["id_token"],
            access_token=str(response.get("access_token", "")),
            refresh_token=response.get("refresh_token"),
            claims=dict(ctx.id_token_claims or {}),
        )

    def stop(self) -> None:
        self.server.stop()


def launch_emulator(
    pool: Any = None,
    faults: Sequence[str] = (),
    users: Sequence[Mapping[str, Any]] = (),
    latency: float = 0.0,
    *,
    keys: PoolKeys | None = None,
) -> Emulator:
    """Start the emulator on a loopback port; the caller stops it (:meth:`Emulator.stop`).

    ``pool`` is a pool file path, a dict in the pool-file shape, or a ``Pool`` (default:
    the packaged demo pool); ``users`` adds users; ``faults`` names emulator faults;
    ``latency`` (seconds) delays every response; ``keys`` shares signing keys between
    emulators (key generation is slow).
    """
    from oidc_probe.fake_cognito import create_app
    from oidc_probe.fake_cognito.server import start_in_thread

    loaded = _pool(pool, users)
    app = create_app(loaded, faults=faults, keys=keys, latency=latency)
    return Emulator(start_in_thread(app), loaded, app)


@contextmanager
def start_emulator(
    pool: Any = None,
    faults: Sequence[str] = (),
    users: Sequence[Mapping[str, Any]] = (),
    latency: float = 0.0,
    *,
    keys: PoolKeys | None = None,
) -> Iterator[Emulator]:
    """:func:`launch_emulator` as a context manager: the emulator stops at the end."""
    emulator = launch_emulator(pool, faults, users, latency, keys=keys)
    try:
        yield emulator
    finally:
        emulator.stop()


def _pool(pool: Any, users: Sequence[Mapping[str, Any]]) -> Pool:
    from oidc_probe.fake_cognito import Pool, load_pool
    from oidc_probe.fake_cognito.pool import parse_pool

    if isinstance(pool, Pool):
        loaded = pool
    elif isinstance(pool, Mapping):
        loaded = parse_pool(json.dumps(pool), "<pool from the test>")
    else:
        loaded = load_pool(pool)
    return _with_users(loaded, users) if users else loaded


def _with_users(pool: Pool, users: Sequence[Mapping[str, Any]]) -> Pool:
    from dataclasses import replace

    from oidc_probe.fake_cognito.pool import parse_pool

    extra = parse_pool(
        json.dumps(
            {
                "pool_id": pool.pool_id,
                "clients": [{"client_id": "placeholder"}],
                "users": list(users),
            }
        ),
        "<users from the test>",
    ).users
    names = {u.username.casefold() for u in extra}
    kept = tuple(u for u in pool.users if u.username.casefold() not in names)
    return replace(pool, users=kept + extra)
