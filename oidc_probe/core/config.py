"""Cloudflare's identity-provider JSON -> a frozen :class:`ProbeConfig`.

The file is taken exactly as Cloudflare's API takes it: the whole body
(``name``, ``type``, ``config``) or just the inner ``config`` object.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from oidc_probe.core.defaults import DEFAULT_EMAIL_CLAIM
from oidc_probe.core.errors import ConfigError
from oidc_probe.core.jsontypes import a_json_type
from oidc_probe.core.textfile import InputFileError, read_input_text

SECRET_ENV = "OIDC_PROBE_CLIENT_SECRET"
DEFAULT_SCOPES = ("openid", "email", "profile")
URL_FIELDS = ("auth_url", "token_url", "certs_url")
REQUIRED_FIELDS = ("client_id", "auth_url", "token_url", "certs_url")
KNOWN_FIELDS = frozenset(
    {
        "client_id",
        "client_secret",
        "auth_url",
        "token_url",
        "certs_url",
        "scopes",
        "claims",
        "pkce_enabled",
        "email_claim_name",
    }
)
# Fields Cloudflare's API accepts for other identity-provider types or as extras; not warned about.
TOLERATED_FIELDS = frozenset({"redirect_url", "sign_in_endpoint", "conditional_access_enabled"})
_PLACEHOLDER = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class ProbeConfig:
    """The identity-provider settings Access would use, as the probe uses them."""

    client_id: str
    auth_url: str
    token_url: str
    certs_url: str
    client_secret: str | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    claims: tuple[str, ...] = ()
    pkce_enabled: bool = False
    email_claim_name: str = DEFAULT_EMAIL_CLAIM
    name: str | None = None
    source: str | None = None
    warnings: tuple[str, ...] = ()

    def placeholders(self) -> tuple[str, ...]:
        """Fields still holding a template value such as ``<your client id>``, or empty."""
        names = ("client_id", "client_secret", *URL_FIELDS)
        found = []
        for name in names:
            value = getattr(self, name)
            if value is not None and (not value.strip() or _PLACEHOLDER.search(value)):
                found.append(name)
        return tuple(found)

    def usable(self, name: str) -> bool:
        """Whether the field holds a real value the probe can send to a server."""
        return getattr(self, name) is not None and name not in self.placeholders()


def load_config(
    path: str | Path | None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    text: str | None = None,
) -> ProbeConfig:
    """Read the Cloudflare JSON (if any), apply flag overrides and the secret from the environment.

    ``text`` is the JSON itself (read from Cloudflare's API), with ``path`` naming its source.

    Raises :class:`ConfigError` with one line naming the field and, where possible,
    the position in the file.
    """
    env = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    raw: dict[str, Any] = {}
    source = str(path) if path is not None else None
    if path is not None:
        text = _read(Path(path)) if text is None else text
        raw = _parse(text, str(path))
    text = text or ""
    flat = {k: v for k, v in overrides.items() if v is not None}
    merged = {**raw, **flat}
    secret_note = _secret_source(merged, env)
    unknown = [key for key in raw if key not in KNOWN_FIELDS and key not in TOLERATED_FIELDS]
    for key in unknown:
        near = near_name(key, sorted(KNOWN_FIELDS - set(raw)))
        if near is not None:
            raise ConfigError(
                f"{_where(source, text, key)}unknown field '{key}': did you mean '{near}'?"
            )
    warnings = tuple(f"{_where(source, text, key)}unknown field '{key}' ignored" for key in unknown)
    warnings += tuple(
        f"{_where(source, text, key)}field '{key}' appears more than once; the last value is used"
        for key in (duplicate_keys(text) if path is not None else ())
    )
    warnings += secret_note
    _refuse_url_credentials(merged, source, text)
    for key in REQUIRED_FIELDS:
        if key not in merged or merged[key] is None:
            flag = "--" + key.replace("_", "-")
            raise ConfigError(
                f"{_where(source, text, None)}missing required field '{key}' "
                f"(add it to the config file or pass {flag})"
            )
    values: dict[str, Any] = {}
    for f in fields(ProbeConfig):
        if f.name in ("name", "source", "warnings") or f.name not in merged:
            continue
        values[f.name] = _coerce(f.name, merged[f.name], source, text)
    config = ProbeConfig(**values, name=_top_name(source, text), source=source, warnings=warnings)
    _validate_urls(config, source, text)
    return config


def _secret_source(merged: dict[str, Any], env: Mapping[str, str]) -> tuple[str, ...]:
    """Take the secret from the environment when the file has none (or only a template value).

    When both give one and they differ, the file's is used and one line says so (never
    either value): a wrong secret in the file must not hide a right one in the environment.
    """
    from_env = env.get(SECRET_ENV)
    if not from_env:
        return ()
    given = merged.get("client_secret")
    if given is None:
        merged["client_secret"] = from_env
        return ()
    if isinstance(given, str) and (not given.strip() or _PLACEHOLDER.search(given)):
        merged["client_secret"] = from_env
        return (f"the config's client_secret is a template value; {SECRET_ENV} is used",)
    if given != from_env:
        return (
            f"the config file and {SECRET_ENV} give different client secrets; the file's is "
            f"used (remove client_secret from the file to use {SECRET_ENV})",
        )
    return ()


def near_name(name: str, known: Iterable[str], *, most: int = 2) -> str | None:
    """The name of ``known`` within a few edits of ``name`` (a typo), else None.

    At most ``most`` edits, and one for a name under eight characters: ``sub`` is two
    edits from ``aud``, which is no typo.
    """
    most = min(most, max(1, len(name) // 4))
    close = [k for k in known if _distance(name.lower(), k.lower(), most) <= most]
    if not close:
        return None
    return min(close, key=lambda k: (_distance(name.lower(), k.lower(), most), k))


def _distance(a: str, b: str, most: int) -> int:
    """Levenshtein distance, or ``most + 1`` as soon as it is known to exceed ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > most:
            return most + 1
        previous = current
    return previous[-1]


def require_filled(config: ProbeConfig) -> None:
    """Refuse a config whose client ID and URLs all still hold the dashboard's template values.

    Such a file is Cloudflare's example as published: nothing in it can be probed, so it is
    a configuration error naming the fields to fill, not a report of skipped checks. A config
    with only some template values left runs, and check CFG001 names them.
    """
    placeholders = config.placeholders()
    if not set(REQUIRED_FIELDS) <= set(placeholders):
        return
    where = f"{config.source}: " if config.source else ""
    raise ConfigError(
        f"{where}the config still holds template values such as '<your client id>': fill in "
        f"{', '.join(placeholders)} (the values are in the Cognito console; "
        "'oidc-probe cloudflare-config --from-aws' writes them)"
    )


def _read(path: Path) -> str:
    try:
        return read_input_text(path)
    except InputFileError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the config as UTF-8 JSON") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None


def _parse(text: str, source: str) -> dict[str, Any]:
    if not text.strip():
        raise ConfigError(
            f"{source}: config file is empty; expected Cloudflare's identity-provider JSON"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{source}: invalid JSON: nested too deeply") from None
    except ValueError:  # a number past Python's 4300-digit limit
        raise ConfigError(f"{source}: invalid JSON: a number too large to read") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{source}:1:1: expected a JSON object, got {a_json_type(doc)}")
    if "config" in doc:
        inner = doc["config"]
        if not isinstance(inner, dict):
            raise ConfigError(
                f"{_where(source, text, 'config')}field 'config' must be an object, "
                f"got {a_json_type(inner)}"
            )
        kind = doc.get("type")
        if kind is not None and kind != "oidc":
            raise ConfigError(
                f"{_where(source, text, 'type')}identity provider type is {kind!r}; "
                'oidc-probe tests generic OIDC providers ("type": "oidc")'
            )
        return inner
    return doc


def duplicate_keys(text: str) -> list[str]:
    """The member names an object of the JSON ``text`` repeats (at any depth), in order.

    JSON parsers disagree on which value of a repeated name wins (RFC 8259 4), so a
    config that repeats one may not mean to Cloudflare what it means here.
    """
    repeated: list[str] = []

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        json.loads(text, object_pairs_hook=members)
    except (ValueError, RecursionError):
        return []
    return repeated


def _top_name(source: str | None, text: str) -> str | None:
    if not text:
        return None
    doc = json.loads(text)
    name = doc.get("name") if "config" in doc else None
    return name if isinstance(name, str) else None


def _coerce(name: str, value: Any, source: str | None, text: str) -> Any:
    where = _where(source, text, name)
    if name in ("scopes", "claims"):
        return _string_list(name, value, where)
    if name == "pkce_enabled":
        if not isinstance(value, bool):
            raise ConfigError(
                f"{where}field 'pkce_enabled' must be true or false, got {a_json_type(value)}"
            )
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where}field '{name}' must be a string, got {a_json_type(value)}")
    if name == "email_claim_name" and not value.strip():
        raise ConfigError(f"{where}field 'email_claim_name' is empty; leave it out to use 'email'")
    return value


def _string_list(name: str, value: Any, where: str) -> tuple[str, ...]:
    """``scopes`` or ``claims``: an array of non-empty strings, as Cloudflare's API takes them.

    An empty array is valid (for ``claims``: no custom claims). Claim names must be
    unique: Access reads each once into the same object.
    """
    example = '["openid", "email", "profile"]' if name == "scopes" else '["groups"]'
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{where}field '{name}' must be a list of strings such as {example}, "
            f"got {a_json_type(value)}"
        )
    if any(not v.strip() for v in value):
        raise ConfigError(
            f"{where}field '{name}' holds an empty {name[:-1]} name (\"\"); remove it"
        )
    if name == "claims":
        seen: set[str] = set()
        for claim in value:
            if claim in seen:
                raise ConfigError(f"{where}field 'claims' lists {claim!r} twice; keep one")
            seen.add(claim)
    return tuple(value)


_URL_USERINFO = re.compile(r"(?i)^\s*[a-z][a-z0-9+.-]*://[^/?#\s]*@")


def _refuse_url_credentials(merged: Mapping[str, Any], source: str | None, text: str) -> None:
    """A URL with ``user:password@`` in any field is refused, naming the field only.

    Never used in place of the client secret, never printed (the value is not quoted).
    """
    for key, value in merged.items():
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(v, str) and _URL_USERINFO.match(v) for v in values):
            raise ConfigError(
                f"{_where(source, text, str(key))}field '{key}' holds credentials in a URL "
                "(user:password@host); remove them: the client secret belongs in "
                "'client_secret' or OIDC_PROBE_CLIENT_SECRET"
            )


def _validate_urls(config: ProbeConfig, source: str | None, text: str = "") -> None:
    for name in URL_FIELDS:
        value: str = getattr(config, name)
        if _PLACEHOLDER.search(value):
            continue  # reported by check CFG001, which names the template value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"{_where(source, text, name)}field '{name}' must be an absolute http(s) URL, "
                f"got {value!r}"
            )


def _where(source: str | None, text: str, key: str | None) -> str:
    """``file:line:col: `` pointing at ``"key"`` in the file where it can be found."""
    if source is None:
        return ""
    if not key or not text:
        return f"{source}: "
    index = text.find(json.dumps(key))
    if index < 0:
        return f"{source}: "
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{source}:{line}:{col}: "


def derive_issuer(certs_url: str) -> str:
    """The issuer Access's keys belong to: ``certs_url`` without ``/.well-known/jwks.json``."""
    for suffix in ("/.well-known/jwks.json", "/.well-known/jwks"):
        if certs_url.endswith(suffix):
            return certs_url[: -len(suffix)]
    return certs_url.rsplit("/", 1)[0]
