"""pytest plugin (entry point ``pytest11``): the Cognito emulator and the probe in a test suite.

Fixtures:

- ``fake_cognito``: the emulator on a loopback port for one test. Configure it with
  ``@pytest.mark.fake_cognito(pool=..., faults=[...], users=[...])``: ``pool`` is a
  pool file path or a dict in the pool-file shape (default: the packaged demo pool),
  ``users`` adds users (dicts as in the pool file), ``faults`` names emulator faults,
  ``latency`` (seconds) delays every response.
  ``fake_cognito.tokens("alice")`` logs in through the hosted UI and returns the
  tokens; ``fake_cognito.cloudflare_config()`` is Cloudflare's JSON for it.
- ``fake_cognito_factory``: start several emulators, each with its own options.
- ``oidc_probe``: run ``oidc-probe check`` in-process; ``oidc_probe.check(...)``
  returns a :class:`ProbeOutcome` whose ``assert_ok()`` fails the test with each
  failing check, its hint and evidence.

Marker ``@pytest.mark.oidc_probe(config=..., username=..., password_env=...,
expect=[...], users=..., args=[...])``: after the test body, run the probe and fail
the test when a check fails. Without ``config`` the probe targets the test's
``fake_cognito`` emulator (with its demo client and the user's pool password).

Heavy modules (starlette, uvicorn, the probe pipeline) are imported only when a
fixture is used, so installing oidc-probe costs other test suites nothing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from oidc_probe.fake_cognito import Pool, PoolKeys
    from oidc_probe.fake_cognito.server import RunningServer

DEFAULT_REDIRECT = "http://localhost:8765/callback"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_cognito(pool=None, faults=(), users=(), latency=0.0): options of the emulator",
    )
    config.addinivalue_line(
        "markers",
        "oidc_probe(config=None, username=None, password_env=None, expect=(), users=None, "
        "args=()): run oidc-probe after the test and fail on failing checks",
    )


class FakeCognitoError(AssertionError):
    """A login against the emulator did not produce tokens."""


@dataclass(frozen=True)
class Tokens:
    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    claims: Mapping[str, Any] = field(default_factory=dict)


class FakeCognito:
    """A running emulator: URLs, the pool, and helpers to get tokens and configs."""

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
            raise FakeCognitoError(f"the emulator pool has no user {username!r}")
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
        redirect_uri: str = DEFAULT_REDIRECT,
    ) -> Tokens:
        """Log in through the hosted UI (authorization code flow) and return the tokens."""
        from oidc_probe.cli.demo import demo_config
        from oidc_probe.core.config import derive_issuer
        from oidc_probe.core.settings import RunSettings
        from oidc_probe.login.form import FormLogin
        from oidc_probe.run.pipeline import run_probe

        secret = password if password is not None else self.password(username)
        config = demo_config(self.cloudflare_config(scopes=list(scopes)))
        settings = RunSettings(
            issuer=derive_issuer(config.certs_url), redirect_uri=redirect_uri, password=secret
        )
        ctx = run_probe(config, settings, driver=FormLogin(username, secret))
        response = ctx.token_response
        if response is None or not isinstance(response.get("id_token"), str):
            login = ctx.login
            why = (
                (login.login_error or (login.authorize_error and login.authorize_error.error))
                if login is not None
                else None
            )
            status = ctx.token_fetch.describe() if ctx.token_fetch is not None else None
            raise FakeCognitoError(
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


@pytest.fixture(scope="session")
def fake_cognito_keys() -> PoolKeys:
    """RSA keys shared by every emulator of the session (key generation is slow)."""
    from oidc_probe.fake_cognito import PoolKeys

    return PoolKeys.generate()


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


StartFn = Callable[..., FakeCognito]


@pytest.fixture
def fake_cognito_factory(fake_cognito_keys: PoolKeys) -> Iterator[StartFn]:
    """``start(pool=None, faults=(), users=(), latency=0.0)`` -> a running :class:`FakeCognito`.

    ``latency`` (seconds) delays every response, to model a pool in another region.
    """
    started: list[FakeCognito] = []

    def start(
        pool: Any = None,
        faults: Sequence[str] = (),
        users: Sequence[Mapping[str, Any]] = (),
        latency: float = 0.0,
    ) -> FakeCognito:
        from oidc_probe.fake_cognito import create_app
        from oidc_probe.fake_cognito.server import start_in_thread

        loaded = _pool(pool, users)
        app = create_app(loaded, faults=faults, keys=fake_cognito_keys, latency=latency)
        emulator = FakeCognito(start_in_thread(app), loaded, app)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def fake_cognito(request: pytest.FixtureRequest, fake_cognito_factory: StartFn) -> FakeCognito:
    """The emulator, configured by the test's ``fake_cognito`` marker (if any)."""
    marker = request.node.get_closest_marker("fake_cognito")
    options = dict(marker.kwargs) if marker is not None else {}
    return fake_cognito_factory(**options)


@dataclass(frozen=True)
class ProbeOutcome:
    """What ``oidc-probe check`` found: the exit code, the JSON report and stderr."""

    exit_code: int
    report: Mapping[str, Any]
    stderr: str

    @property
    def checks(self) -> list[Mapping[str, Any]]:
        return list(self.report.get("checks", []))

    @property
    def failures(self) -> list[Mapping[str, Any]]:
        return [c for c in self.checks if c["status"] == "fail" and not c.get("accepted")]

    def explain(self) -> str:
        lines = [f"oidc-probe: {len(self.failures)} failing check(s) (exit {self.exit_code})"]
        for c in self.failures:
            user = f" ({c['user']})" if c.get("user") else ""
            subject = f" [{c['subject']}]" if c.get("subject") else ""
            lines.append(f"{c['id']} {c['slug']}{subject}{user}: {c['message']}")
            if c.get("hint"):
                lines.append(f"    hint: {c['hint']}")
            for key in ("expected", "actual"):
                if key in c.get("evidence", {}):
                    lines.append(f"    {key}: {json.dumps(c['evidence'][key])}")
        if self.exit_code not in (0, 1):
            lines.append(self.stderr.strip())
        return "\n".join(lines)

    def assert_ok(self) -> None:
        if self.exit_code != 0:
            pytest.fail(self.explain(), pytrace=False)


class ProbeRunner:
    """Runs ``oidc-probe check`` in-process with a JSON report (see :meth:`check`)."""

    def __init__(self, tmp_path: Path, emulator: FakeCognito | None = None) -> None:
        self.tmp_path = tmp_path
        self.emulator = emulator

    def check(
        self,
        config: str | Path | Mapping[str, Any] | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        password_env: str | None = None,
        expect: Sequence[str] = (),
        users: str | Path | None = None,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> ProbeOutcome:
        """Probe ``config`` (a path or Cloudflare's JSON as a dict; default: the emulator).

        The password comes from ``password``, else the variable ``password_env``, else
        (for the emulator) the pool; the client secret from the config or
        ``OIDC_PROBE_CLIENT_SECRET`` in ``env``/the environment.
        """
        import os

        from oidc_probe.cli.main import main

        environ = dict(os.environ if env is None else env)
        if config is None:
            if self.emulator is None:
                raise pytest.UsageError("oidc_probe.check: give config= or use fake_cognito")
            config = self.emulator.cloudflare_config()
            if users is None and password is None and password_env is None:
                password = self.emulator.password(username or "demo")
            username = username or (None if users is not None else "demo")
        if isinstance(config, Mapping):
            path = self.tmp_path / "oidc-probe-idp.json"
            path.write_text(json.dumps(config), "utf-8")
            config = path
        argv = ["check", "--config", str(config), "--format", "json", *args]
        if username is not None:
            argv += ["--username", username]
        if password is not None:
            environ["OIDC_PROBE_PLUGIN_PASSWORD"] = password
            argv += ["--password-env", "OIDC_PROBE_PLUGIN_PASSWORD"]
        elif password_env is not None:
            argv += ["--password-env", password_env]
        for expression in expect:
            argv += ["--expect", expression]
        if users is not None:
            argv += ["--users", str(users)]
        out, err = io.StringIO(), io.StringIO()
        code = main(argv, stdin=io.StringIO(), stdout=out, stderr=err, environ=environ)
        try:
            report = json.loads(out.getvalue()) if out.getvalue() else {}
        except ValueError:
            report = {}
        return ProbeOutcome(code, report, err.getvalue())


@pytest.fixture
def oidc_probe(request: pytest.FixtureRequest, tmp_path: Path) -> ProbeRunner:
    """Run the probe from a test; targets the test's ``fake_cognito`` when it uses one."""
    emulator = None
    if "fake_cognito" in request.fixturenames:
        emulator = request.getfixturevalue("fake_cognito")
    return ProbeRunner(tmp_path, emulator)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    marker = item.get_closest_marker("oidc_probe")
    if marker is None:
        return result
    funcargs = getattr(item, "funcargs", {})
    runner = funcargs.get("oidc_probe")
    if not isinstance(runner, ProbeRunner):
        emulator = funcargs.get("fake_cognito")
        tmp = funcargs.get("tmp_path")
        if not isinstance(tmp, Path):
            import tempfile

            tmp = Path(tempfile.mkdtemp(prefix="oidc-probe-"))
        runner = ProbeRunner(tmp, emulator if isinstance(emulator, FakeCognito) else None)
    options = dict(marker.kwargs)
    if marker.args:
        options.setdefault("config", marker.args[0])
    runner.check(**options).assert_ok()
    return result
