"""The exporter's config file (TOML): global limits and the probe modules.

::

    [exporter]                      # optional
    max_concurrent = 4              # probes running at once, all modules together
    timeout = 30                    # seconds a probe may take when the scrape names no timeout

    [modules.cognito]
    config = "idp.json"             # Cloudflare's identity-provider JSON (relative to this file)
    login = "form"                  # or "initiate-auth"; interactive modes are refused
    username = "monitor@example.com"
    password_env = "MONITOR_PASSWORD"       # or password_file = "/run/secrets/monitor"
    client_secret_env = "COGNITO_SECRET"    # optional; or client_secret_file
    expect = ["email_verified=true"]
    policies = ["access-policy.json"]       # Access policies (Cloudflare's API JSON)
    expect_access = "allow"
    active = false                  # the checks that need extra logins (off by default)

Secrets are never in this file: a ``password`` or ``client_secret`` key is refused, and
the values are read (from the environment or the file named) at each probe, so a rotated
secret is picked up without a restart. Every problem is one :class:`ConfigError` line.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oidc_probe.access.setup import EXPECT_VALUES
from oidc_probe.core.defaults import (
    DEFAULT_EXPORTER_MAX_CONCURRENT,
    DEFAULT_EXPORTER_TIMEOUT,
    DEFAULT_LEEWAY,
)
from oidc_probe.core.errors import ConfigError
from oidc_probe.core.expect import Expectation, parse_expectations
from oidc_probe.core.jsontypes import a_json_type
from oidc_probe.core.settings import ClientAuth, LoginMode
from oidc_probe.core.textfile import InputFileError, read_input_text

HEADLESS_LOGINS = (LoginMode.FORM.value, LoginMode.INITIATE_AUTH.value)
_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_EXPORTER_KEYS = frozenset({"max_concurrent", "timeout"})
_MODULE_KEYS = frozenset(
    {
        "config",
        "login",
        "username",
        "password_env",
        "password_file",
        "client_secret_env",
        "client_secret_file",
        "expect",
        "policies",
        "access_groups",
        "idp_id",
        "expect_access",
        "active",
        "timeout",
        "redirect_uri",
        "client_auth",
        "cognito_endpoint",
        "ca_bundle",
        "leeway",
        "issuer",
    }
)
# A password or client secret is short; a file past this is not one.
MAX_SECRET_BYTES = 1024 * 1024
_SECRET_KEYS = {
    "password": "password_env or password_file",
    "client_secret": "client_secret_env or client_secret_file",
}


@dataclass(frozen=True)
class SecretRef:
    """Where a secret is read from at each probe: an environment variable or a file."""

    env: str | None = None
    file: Path | None = None

    @property
    def given(self) -> bool:
        return self.env is not None or self.file is not None

    def describe(self) -> str:
        return f"environment variable {self.env}" if self.env else f"file {self.file}"


@dataclass(frozen=True)
class Module:
    """One way to probe: which identity provider, which login, which user, what to expect."""

    name: str
    idp_config: Path
    login: LoginMode = LoginMode.FORM
    username: str | None = None
    password: SecretRef = SecretRef()
    client_secret: SecretRef = SecretRef()
    expectations: tuple[Expectation, ...] = ()
    policies: tuple[Path, ...] = ()
    access_groups: tuple[Path, ...] = ()
    idp_id: str | None = None
    expect_access: str | None = None
    active: bool = False
    timeout: float | None = None
    redirect_uri: str | None = None
    client_auth: ClientAuth = ClientAuth.BASIC
    cognito_endpoint: str | None = None
    ca_bundle: Path | None = None
    leeway: int = DEFAULT_LEEWAY
    issuer: str | None = None


@dataclass(frozen=True)
class ExporterConfig:
    """The exporter's config file: its probe modules, how many probes run at once, their timeout."""

    modules: Mapping[str, Module]
    max_concurrent: int = DEFAULT_EXPORTER_MAX_CONCURRENT
    timeout: float = DEFAULT_EXPORTER_TIMEOUT
    source: str = ""


def load_exporter_config(path: str | Path) -> ExporterConfig:
    """Read and check the whole file; the IdP configs and policy files it names must exist."""
    from oidc_probe.plumbing.datafile import parse_document, read_option_file

    source = str(path)
    doc = parse_document(read_option_file(path, "--config"), source, toml=True)
    base = Path(path).resolve().parent
    unknown = sorted(set(doc) - {"exporter", "modules"})
    if unknown:
        raise ConfigError(
            f"{source}: unknown table or key '{unknown[0]}' (expected [exporter] and [modules.NAME])"
        )
    top = _table(doc.get("exporter", {}), f"{source}: [exporter]")
    _no_unknown(top, _EXPORTER_KEYS, f"{source}: [exporter]")
    max_concurrent = _positive_int(
        top, "max_concurrent", DEFAULT_EXPORTER_MAX_CONCURRENT, f"{source}: [exporter]"
    )
    timeout = _seconds(top, "timeout", f"{source}: [exporter]") or DEFAULT_EXPORTER_TIMEOUT
    modules_doc = _table(doc.get("modules", {}), f"{source}: [modules]")
    if not modules_doc:
        raise ConfigError(f"{source}: no modules; add a [modules.NAME] table")
    modules = {}
    for name, body in modules_doc.items():
        where = f"{source}: [modules.{name}]"
        if not _NAME.match(name):
            raise ConfigError(f"{where}: a module name is 1-64 letters, digits or _.:-")
        modules[name] = _module(name, _table(body, where), base, where)
    return ExporterConfig(modules, max_concurrent, timeout, source)


def _module(name: str, body: dict[str, Any], base: Path, where: str) -> Module:
    for key, instead in _SECRET_KEYS.items():
        if key in body:
            raise ConfigError(f"{where}: '{key}' never goes in the config file; use {instead}")
    _no_unknown(body, _MODULE_KEYS, where)
    if "config" not in body:
        raise ConfigError(f"{where}: missing 'config' (the identity provider's Cloudflare JSON)")
    login = _string(body, "login", where) or LoginMode.FORM.value
    if login not in HEADLESS_LOGINS:
        raise ConfigError(
            f"{where}: login {login!r} needs a person or a browser; an exporter logs in with "
            f"{' or '.join(HEADLESS_LOGINS)}"
        )
    username = _string(body, "username", where)
    password = _secret(body, "password", base, where)
    if not username or not password.given:
        raise ConfigError(
            f"{where}: the login needs 'username' and 'password_env' or 'password_file'"
        )
    expect_access = _string(body, "expect_access", where)
    policies = _paths(body, "policies", base, where)
    if expect_access is not None and expect_access not in EXPECT_VALUES:
        raise ConfigError(f"{where}: expect_access must be {_either(EXPECT_VALUES)}")
    if expect_access is not None and not policies:
        raise ConfigError(f"{where}: expect_access needs 'policies'")
    access_groups = _paths(body, "access_groups", base, where)
    if access_groups and not policies:
        raise ConfigError(f"{where}: access_groups needs 'policies'")
    client_auth = _string(body, "client_auth", where) or ClientAuth.BASIC.value
    if client_auth not in {c.value for c in ClientAuth}:
        raise ConfigError(f"{where}: client_auth must be {_either(c.value for c in ClientAuth)}")
    ca_bundle = _string(body, "ca_bundle", where)
    leeway = _positive_int(body, "leeway", DEFAULT_LEEWAY, where, allow_zero=True)
    return Module(
        name=name,
        idp_config=_existing(base / _required_string(body, "config", where), where, "config"),
        login=LoginMode(login),
        username=username,
        password=password,
        client_secret=_secret(body, "client_secret", base, where),
        expectations=parse_expectations(_strings(body, "expect", where), where=f"{where}: expect"),
        policies=policies,
        access_groups=access_groups,
        idp_id=_string(body, "idp_id", where),
        expect_access=expect_access,
        active=_bool(body, "active", where),
        timeout=_seconds(body, "timeout", where),
        redirect_uri=_string(body, "redirect_uri", where),
        client_auth=ClientAuth(client_auth),
        cognito_endpoint=_string(body, "cognito_endpoint", where),
        ca_bundle=_existing(base / ca_bundle, where, "ca_bundle") if ca_bundle else None,
        leeway=leeway,
        issuer=_string(body, "issuer", where),
    )


def _either(values: Iterable[str]) -> str:
    """``"a" or "b"``: the values a key accepts, as a message names them."""
    return " or ".join(f'"{v}"' for v in values)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table, got {a_json_type(value)}")
    return value


def _no_unknown(body: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(body) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'")


def _string(body: Mapping[str, Any], key: str, where: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty string")
    return value


def _required_string(body: Mapping[str, Any], key: str, where: str) -> str:
    value = _string(body, key, where)
    if value is None:
        raise ConfigError(f"{where}: missing '{key}'")
    return value


def _strings(body: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _paths(body: Mapping[str, Any], key: str, base: Path, where: str) -> tuple[Path, ...]:
    return tuple(_existing(base / p, where, key) for p in _strings(body, key, where))


def _existing(path: Path, where: str, key: str) -> Path:
    """``path``, a regular file (a FIFO or device would hang or never end a read)."""
    problem = _not_regular(path)
    if problem is not None:
        raise ConfigError(f"{where}: {key} {path}: {problem}")
    return path


def _not_regular(path: Path) -> str | None:
    """Why ``path`` is not a regular file the exporter reads, or ``None`` when it is."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot read ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return "is a directory"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, device or socket is not read)"
    return None


def _bool(body: Mapping[str, Any], key: str, where: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false")
    return value


def _seconds(body: Mapping[str, Any], key: str, where: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise ConfigError(f"{where}: '{key}' must be a number of seconds, above 0 and at most 600")
    return float(value)


def _positive_int(
    body: Mapping[str, Any], key: str, default: int, where: str, *, allow_zero: bool = False
) -> int:
    value = body.get(key, default)
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 1000:
        raise ConfigError(f"{where}: '{key}' must be a whole number from {low} to 1000")
    return value


def _secret(body: Mapping[str, Any], key: str, base: Path, where: str) -> SecretRef:
    env, file = _string(body, f"{key}_env", where), _string(body, f"{key}_file", where)
    if env is not None and file is not None:
        raise ConfigError(f"{where}: give one of '{key}_env' and '{key}_file'")
    return SecretRef(env, base / file if file is not None else None)


def read_secret(ref: SecretRef, environ: Mapping[str, str], what: str) -> str | None:
    """The secret's current value (``None`` when not configured); a :class:`ConfigError`
    naming where it was looked for (never its value) when it is missing or empty."""
    if not ref.given:
        return None
    if ref.env is not None:
        value = environ.get(ref.env, "")
    else:
        assert ref.file is not None
        try:
            value = read_input_text(ref.file, MAX_SECRET_BYTES).strip()
        except InputFileError as exc:
            raise ConfigError(f"the {what} {ref.describe()}: {exc}") from None
        except FileNotFoundError:
            raise ConfigError(f"the {what} {ref.describe()}: file not found") from None
        except (OSError, UnicodeDecodeError):
            raise ConfigError(f"the {what} {ref.describe()} cannot be read") from None
    if not value:
        raise ConfigError(f"the {what} {ref.describe()} is empty or not set")
    return value


def check_secret_files(config: ExporterConfig) -> None:
    """``--check-config``: each module's ``password_file``/``client_secret_file`` is a
    regular, readable, non-empty file (a :class:`ConfigError` naming it otherwise; the
    value is never shown). Variables are not checked: the service may set them later."""
    for module in config.modules.values():
        for ref, what in ((module.password, "password"), (module.client_secret, "client secret")):
            if ref.file is not None:
                try:
                    read_secret(ref, {}, what)
                except ConfigError as exc:
                    raise ConfigError(f"[modules.{module.name}]: {exc}") from None
