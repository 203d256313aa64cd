"""pytest plugin (entry point ``pytest11``): the Cognito emulator and the probe in a test suite.

Fixtures:

Both are the Python API (:mod:`oidc_probe.api`, docs/api.md): the emulator fixture is an
``api.Emulator`` and the probe calls ``api.probe``; no argument list, no JSON to parse.

- ``fake_cognito``: the emulator on a loopback port for one test. Configure it with
  ``@pytest.mark.fake_cognito(pool=..., faults=[...], users=[...])``: ``pool`` is a
  pool file path or a dict in the pool-file shape (default: the packaged demo pool),
  ``users`` adds users (dicts as in the pool file), ``faults`` names emulator faults,
  ``latency`` (seconds) delays every response.
  ``fake_cognito.tokens("alice")`` logs in through the hosted UI and returns the
  tokens; ``fake_cognito.cloudflare_config()`` is Cloudflare's JSON for it.
- ``fake_cognito_factory``: start several emulators, each with its own options.
- ``oidc_probe``: run the probe in-process; ``oidc_probe.check(...)`` returns a
  :class:`ProbeOutcome` (the exit code ``check`` would give, the JSON report as a dict)
  whose ``assert_ok()`` fails the test with each failing check, its hint and evidence.
  ``args=[...]`` takes further ``oidc-probe check`` options, read by the command
  line's own parser into the same request. ``--fail-on warn``, ``--exit-zero`` and
  ``--baseline FILE`` apply to the outcome as they do to the command's exit code (the
  baseline re-casts the signature net: an unverified signature still fails);
  ``--format`` and ``--output`` are refused (the outcome is the JSON report as a dict).

Marker ``@pytest.mark.oidc_probe(config=..., username=..., password_env=...,
expect=[...], users=..., args=[...])``: after the test body, run the probe and fail
the test when a check fails. Without ``config`` the probe targets the test's
``fake_cognito`` emulator (with its demo client and the user's pool password).

Heavy modules (starlette, uvicorn, the probe pipeline) are imported only when a
fixture is used, so installing oidc-probe costs other test suites nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from oidc_probe.api import Emulator, Result
    from oidc_probe.fake_cognito import PoolKeys


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


def __getattr__(name: str) -> Any:
    """``FakeCognito``, ``FakeCognitoError`` and ``Tokens`` are the API's emulator types,
    imported when asked for so that loading the plugin stays cheap."""
    from oidc_probe import api

    aliases = {"FakeCognito": api.Emulator, "FakeCognitoError": api.EmulatorError}
    if name in aliases:
        return aliases[name]
    if name == "Tokens":
        return api.Tokens
    raise AttributeError(name)


@pytest.fixture(scope="session")
def fake_cognito_keys() -> PoolKeys:
    """RSA keys shared by every emulator of the session (key generation is slow)."""
    from oidc_probe.fake_cognito import PoolKeys

    return PoolKeys.generate()


StartFn = Callable[..., "Emulator"]


@pytest.fixture
def fake_cognito_factory(fake_cognito_keys: PoolKeys) -> Iterator[StartFn]:
    """``start(pool=None, faults=(), users=(), latency=0.0)`` -> a running :class:`FakeCognito`.

    ``latency`` (seconds) delays every response, to model a pool in another region.
    """
    started: list[Emulator] = []

    def start(
        pool: Any = None,
        faults: Sequence[str] = (),
        users: Sequence[Mapping[str, Any]] = (),
        latency: float = 0.0,
    ) -> Emulator:
        from oidc_probe.api import launch_emulator

        emulator = launch_emulator(pool, faults, users, latency, keys=fake_cognito_keys)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def fake_cognito(request: pytest.FixtureRequest, fake_cognito_factory: StartFn) -> Emulator:
    """The emulator, configured by the test's ``fake_cognito`` marker (if any)."""
    marker = request.node.get_closest_marker("fake_cognito")
    options = dict(marker.kwargs) if marker is not None else {}
    return fake_cognito_factory(**options)


@dataclass(frozen=True)
class ProbeOutcome:
    """What the probe found: the exit code ``oidc-probe check`` would give, the JSON
    report as a dict, and the lines it would print on stderr."""

    exit_code: int
    report: Mapping[str, Any]
    stderr: str

    @classmethod
    def of(cls, result: Result) -> ProbeOutcome:
        return cls(result.exit_code, result.as_dict(), "\n".join(result.messages))

    @property
    def checks(self) -> list[Mapping[str, Any]]:
        return list(self.report.get("checks", []))

    @property
    def failures(self) -> list[Mapping[str, Any]]:
        return [c for c in self.checks if c["status"] == "fail" and not c.get("accepted")]

    def explain(self) -> str:
        import json

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
    """Runs the probe in-process through :func:`oidc_probe.api.probe` (see :meth:`check`)."""

    def __init__(self, tmp_path: Path, emulator: Emulator | None = None) -> None:
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
        ``OIDC_PROBE_CLIENT_SECRET`` in ``env``/the environment. ``args`` are further
        ``oidc-probe check`` options (``--leeway 5``, ``--policy FILE``, ...).
        """
        import os

        from oidc_probe import api
        from oidc_probe.core.errors import ProbeError

        environ = dict(os.environ if env is None else env)
        if config is None:
            if self.emulator is None:
                raise pytest.UsageError("oidc_probe.check: give config= or use fake_cognito")
            config = self.emulator.cloudflare_config()
            if users is None and password is None and password_env is None:
                password = self.emulator.password(username or "demo")
            username = username or (None if users is not None else "demo")
        try:
            if args:
                request, options = _request_with_options(
                    args, config, username, password, password_env, expect, users
                )
                return _outcome(api.probe_request(request, environ=environ), options)
            result = api.probe(
                config,
                username=username,
                password=password,
                password_env=password_env,
                expect=expect,
                users=users,
                environ=environ,
            )
        except ProbeError as exc:
            return ProbeOutcome(exc.exit_code, {}, f"oidc-probe: error: {exc}")
        return ProbeOutcome.of(result)


def _outcome(result: Result, options: Any) -> ProbeOutcome:
    """The outcome of ``result`` under the output options of ``args`` (``--fail-on``,
    ``--exit-zero``, ``--baseline``), as ``oidc-probe check`` would judge it."""
    from dataclasses import replace

    from oidc_probe.report.json import report_data
    from oidc_probe.report.model import Result as Verdict
    from oidc_probe.run.baseline import unused_message

    messages = list(result.messages)
    if options.baseline is not None:
        marked, unused = options.baseline.apply_run(result.run)
        result = replace(result, run=marked)
        messages += [f"warning: {line}" for line in unused_message(options.baseline, unused)]
    report = replace(result.report(), fail_on_warn=options.fail_on_warn)
    failing = report.result is Verdict.FAIL and not options.exit_zero
    return ProbeOutcome(1 if failing else 0, report_data(report), "\n".join(messages))


def _request_with_options(
    args: Sequence[str],
    config: str | Path | Mapping[str, Any],
    username: str | None,
    password: str | None,
    password_env: str | None,
    expect: Sequence[str],
    users: str | Path | None,
) -> tuple[Any, Any]:
    """The request of ``oidc-probe check ARGS``, with the plugin's own options on top,
    and the output options that judge its outcome."""
    import io
    import json
    from dataclasses import replace

    from oidc_probe.api import CONFIG_DICT
    from oidc_probe.cli.console import Console
    from oidc_probe.cli.main import build_parser
    from oidc_probe.cli.output import OutputOptions
    from oidc_probe.cli.requests import probe_request
    from oidc_probe.core.errors import UsageError

    console = Console(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    parsed = build_parser(console, "check").parse_args(["check", *args])
    if parsed.format or parsed.output:
        raise UsageError(
            "oidc_probe.check(args=...): --format and --output are not taken here; the "
            "outcome is the JSON report as a dict (ProbeOutcome.report)"
        )
    options = OutputOptions.from_args(parsed)
    request = probe_request(parsed)
    if isinstance(config, Mapping):
        text = json.dumps(dict(config))
        source = replace(request.config, path=CONFIG_DICT, text=text)
    else:
        source = replace(request.config, path=str(config))
    login = replace(request.login, username=username or request.login.username)
    if password is not None:
        login = replace(login, password=password)
    elif password_env is not None:
        login = replace(login, password_env=password_env)
    ci = replace(
        request.ci,
        expect=(*request.ci.expect, *expect),
        users_file=str(users) if users is not None else request.ci.users_file,
    )
    return replace(request, config=source, login=login, ci=ci), options


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
        from oidc_probe.api import Emulator

        runner = ProbeRunner(tmp, emulator if isinstance(emulator, Emulator) else None)
    options = dict(marker.kwargs)
    if marker.args:
        options.setdefault("config", marker.args[0])
    runner.check(**options).assert_ok()
    return result
