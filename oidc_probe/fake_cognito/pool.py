"""A user pool as the emulator serves it: app clients and users, read from a JSON pool file.

Pool file shape::

    {"pool_id": "us-east-1_Fake1Demo",
     "clients": [{"client_id": "...", "client_secret": "..." (optional), "name": "...",
                  "callback_urls": [...], "logout_urls": [...],
                  "allowed_scopes": ["openid", "email", "profile"],
                  "allowed_flows": ["code"],
                  "read_attributes": [...] (optional; absent = every attribute)}],
     "users": [{"username": "...", "password": "...", "sub": "<uuid>" (optional),
                "attributes": {"email": "...", "email_verified": true, "custom:x": 1, ...},
                "groups": ["admins"],
                "identities": [{"providerName": "Google", "providerType": "Google",
                                "userId": "1234", "issuer": null, "primary": true,
                                "dateCreated": 1700000000000}] (optional: a federated user)}],
     "groups": [{"name": "admins", "role_arn": "arn:aws:iam::...:role/x", "precedence": 1}]
               (optional: groups with IAM roles),
     "issuer_host": "localhost", "domain_host": "127.0.0.1" (optional, see Pool.issuer)}

A client may carry ``"pre_token_generation"`` (see ``triggers``). A federated user's
username defaults to ``<providerName>_<userId>`` of its first identity, as Cognito names
users it creates on a federated sign-in (AWS, "Adding user pool sign-in through a third
party": the user name is the provider name and the user's ID at the provider joined by
``_``). The emulator lets federated users sign in with the form and their pool-file
password instead of at the provider (a simplification).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

from oidc_probe.core.cognito import POOL_ID
from oidc_probe.core.errors import ConfigError
from oidc_probe.fake_cognito.triggers import PreTokenGeneration, parse_trigger

DEFAULT_POOL_RESOURCE = "default_pool.json"
CLOUDFLARE_SCOPES = ("openid", "email", "profile")
CLOUDFLARE_CLAIMS = ("sub", "cognito:username", "name", "cognito:groups")
KNOWN_SCOPES = frozenset({"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"})
KNOWN_FLOWS = frozenset({"code", "implicit", "client_credentials"})
AttributeValue = str | bool | int | float


@dataclass(frozen=True)
class AppClient:
    """An app client of the emulated pool: its ID, secret, callbacks, scopes and flows."""

    client_id: str
    callback_urls: tuple[str, ...]
    client_secret: str | None = field(default=None, repr=False)
    name: str = "app"
    logout_urls: tuple[str, ...] = ()
    allowed_scopes: tuple[str, ...] = CLOUDFLARE_SCOPES
    allowed_flows: tuple[str, ...] = ("code",)
    read_attributes: tuple[str, ...] | None = None
    pre_token_generation: PreTokenGeneration | None = None

    def can_read(self, attribute: str) -> bool:
        return self.read_attributes is None or attribute in self.read_attributes


@dataclass(frozen=True)
class User:
    """A user of the emulated pool: name, password, attributes and groups."""

    username: str
    password: str = field(repr=False)
    sub: str
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    identities: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Group:
    """A group of the emulated pool."""

    name: str
    role_arn: str | None = None
    precedence: int | None = None


@dataclass(frozen=True)
class Pool:
    """The emulated user pool: its ID, app clients, users and groups."""

    pool_id: str
    clients: tuple[AppClient, ...]
    users: tuple[User, ...]
    source: str = "<packaged default pool>"
    groups: tuple[Group, ...] = ()
    issuer_host: str | None = None
    domain_host: str | None = None

    def roles(self, group_names: tuple[str, ...]) -> tuple[list[str], str | None]:
        """``cognito:roles`` and ``cognito:preferred_role`` for a user in ``group_names``.

        AWS, "Adding groups to a user pool": the ID token's cognito:roles lists the IAM
        roles of the user's groups, and cognito:preferred_role is the role of the group
        with the lowest precedence value. UNCERTAIN: with a tie between different roles
        (or no precedence), the emulator sets no preferred role.
        """
        mine = [g for g in self.groups if g.name in group_names and g.role_arn]
        roles = list(dict.fromkeys(g.role_arn for g in mine if g.role_arn))
        ranked = sorted(
            (g for g in mine if g.precedence is not None), key=lambda g: g.precedence or 0
        )
        if not ranked:
            return roles, None
        best = [g.role_arn for g in ranked if g.precedence == ranked[0].precedence]
        return roles, best[0] if len(set(best)) == 1 else None

    @property
    def region(self) -> str:
        return self.pool_id.split("_", 1)[0]

    def client(self, client_id: str | None) -> AppClient | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def user(self, username: str) -> User | None:
        """Usernames match case-insensitively, as in pools created with default settings."""
        wanted = username.casefold()
        return next((u for u in self.users if u.username.casefold() == wanted), None)

    def issuer(self, base_url: str) -> str:
        """The issuer, on ``issuer_host`` when the pool file sets one (else the served host).

        In Cognito the pool domain (``<prefix>.auth.<region>.amazoncognito.com`` or a custom
        domain) never hosts the issuer: discovery and JWKS live on
        ``cognito-idp.<region>.amazonaws.com/<poolId>`` (original issuer) or
        ``issuer-cognito-idp.<region>.amazonaws.com/<poolId>`` (the "UPDATED" issuer
        configuration; AWS API reference, IssuerConfigurationType). On loopback the
        emulator models the split with two names of one server, e.g. ``localhost`` for the
        issuer and ``127.0.0.1`` for the pool domain.
        """
        return f"{_on_host(base_url, self.issuer_host)}/{self.pool_id}"

    def domain(self, base_url: str) -> str:
        """The pool domain's base URL (authorize, login, token, userInfo)."""
        return _on_host(base_url, self.domain_host)

    def serves_issuer(self, base_url: str) -> bool:
        """Whether discovery and JWKS answer on this host (only the issuer's, when split)."""
        return self.issuer_host is None or urlsplit(base_url).hostname == self.issuer_host.strip(
            "[]"
        )

    def probe_config(self, base_url: str, client_id: str | None = None) -> dict[str, Any]:
        """Cloudflare's identity-provider JSON body pointing at the emulator at ``base_url``."""
        client = self.clients[0] if client_id is None else self.client(client_id)
        if client is None:
            raise ConfigError(f"pool {self.pool_id} has no app client {client_id!r}")
        base = self.domain(base_url)
        config: dict[str, Any] = {"client_id": client.client_id}
        if client.client_secret is not None:
            config["client_secret"] = client.client_secret
        config.update(
            {
                "auth_url": f"{base}/oauth2/authorize",
                "token_url": f"{base}/oauth2/token",
                "certs_url": f"{self.issuer(base_url)}/.well-known/jwks.json",
                "scopes": [s for s in CLOUDFLARE_SCOPES if s in client.allowed_scopes],
                "claims": list(CLOUDFLARE_CLAIMS),
                "pkce_enabled": False,
                "email_claim_name": "email",
            }
        )
        return {"name": f"Fake Cognito ({self.pool_id})", "type": "oidc", "config": config}


def load_pool(path: str | Path | None = None) -> Pool:
    """Read a pool file; ``None`` loads the packaged demo pool.

    Raises :class:`ConfigError` with one line naming the file and the problem.
    """
    if path is None:
        resource = resources.files(__package__).joinpath(DEFAULT_POOL_RESOURCE)
        return parse_pool(resource.read_text("utf-8"), str(resource))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: pool file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: pool file is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read pool file ({exc.strerror})") from None
    return parse_pool(text, str(path))


def parse_pool(text: str, source: str) -> Pool:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    reader = _Reader(source)
    root = reader.obj(doc, "pool file")
    pool_id = reader.string(root, "pool_id")
    if not POOL_ID.match(pool_id):
        reader.fail(f"pool_id {pool_id!r} is not shaped like <region>_<id> (us-east-1_Ab12Cd34E)")
    clients = tuple(
        _client(reader, reader.obj(item, f"clients[{i}]"), i)
        for i, item in enumerate(reader.array(root, "clients", required=True))
    )
    if not clients:
        reader.fail("'clients' is empty; the pool needs at least one app client")
    users = tuple(
        _user(reader, reader.obj(item, f"users[{i}]"), i)
        for i, item in enumerate(reader.array(root, "users", required=False))
    )
    users = tuple(_with_provider_group(pool_id, u) for u in users)
    groups = tuple(
        _group(reader, reader.obj(item, f"groups[{i}]"), i)
        for i, item in enumerate(reader.array(root, "groups", required=False))
    )
    _unique(reader, "client_id", [c.client_id for c in clients])
    _unique(reader, "username", [u.username.casefold() for u in users])
    _unique(reader, "sub", [u.sub for u in users])
    _unique(reader, "group", [g.name for g in groups])
    hosts = {}
    for key in ("issuer_host", "domain_host"):
        value = root.get(key)
        if value is not None and (not isinstance(value, str) or not _HOST.match(value)):
            reader.fail(f"{key} must be a host name such as localhost or 127.0.0.1")
        hosts[key] = value
    return Pool(
        pool_id=pool_id, clients=clients, users=users, source=source, groups=groups, **hosts
    )


_HOST = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)$")


def _on_host(base_url: str, host: str | None) -> str:
    """``base_url`` (scheme://host:port) with its host replaced by ``host``."""
    base = base_url.rstrip("/")
    if host is None:
        return base
    parts = urlsplit(base)
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{host}{port}", parts.path, "", ""))


def _with_provider_group(pool_id: str, user: User) -> User:
    """A federated user is in the group ``<poolId>_<providerName>`` that Cognito creates.

    PROBABLE (AWS, "Adding user pool sign-in through a third party", quoted second-hand:
    a group "named [user pool ID]_[IdP name]"; real tokens show e.g.
    ``us-east-2_ytLIDC5V6_Merck``). Linked users are not added, per the same page; the
    emulator does not model linking.
    """
    if not user.identities:
        return user
    group = f"{pool_id}_{user.identities[0]['providerName']}"
    return user if group in user.groups else replace(user, groups=(*user.groups, group))


def _group(reader: _Reader, raw: dict[str, Any], index: int) -> Group:
    where = f"groups[{index}]"
    role = raw.get("role_arn")
    if role is not None and not (isinstance(role, str) and role.startswith("arn:")):
        reader.fail(f"{where}.role_arn must be an IAM role ARN (arn:aws:iam::...:role/...)")
    precedence = raw.get("precedence")
    if precedence is not None and (
        isinstance(precedence, bool) or not isinstance(precedence, int) or precedence < 0
    ):
        reader.fail(f"{where}.precedence must be a non-negative integer")
    return Group(reader.string(raw, "name", where), role, precedence)


def _identities(reader: _Reader, raw: dict[str, Any], where: str) -> tuple[dict[str, Any], ...]:
    """Identities as Cognito serializes them in the ID token.

    AWS, "Understanding the identity (ID) token": ``identities`` holds objects with
    userId, providerName, providerType, issuer (null for some providers), primary as the
    string "true"/"false" and dateCreated as a string of epoch milliseconds.
    """
    result = []
    for i, item in enumerate(reader.array(raw, "identities", required=False)):
        at = f"{where}.identities[{i}]"
        entry = reader.obj(item, at)
        issuer = entry.get("issuer")
        if issuer is not None and not isinstance(issuer, str):
            reader.fail(f"{at}.issuer must be a string or null")
        created = entry.get("dateCreated", 1_700_000_000_000)
        if isinstance(created, bool) or not isinstance(created, int | str):
            reader.fail(f"{at}.dateCreated must be epoch milliseconds")
        primary = entry.get("primary", i == 0)
        result.append(
            {
                "dateCreated": str(created),
                "userId": reader.string(entry, "userId", at),
                "providerName": reader.string(entry, "providerName", at),
                "providerType": reader.string(entry, "providerType", at, default="OIDC"),
                "issuer": issuer,
                "primary": "true" if primary in (True, "true") else "false",
            }
        )
    return tuple(result)


def _client(reader: _Reader, raw: dict[str, Any], index: int) -> AppClient:
    where = f"clients[{index}]"
    scopes = reader.strings(raw, "allowed_scopes", where, CLOUDFLARE_SCOPES)
    flows = reader.strings(raw, "allowed_flows", where, ("code",))
    for scope in scopes:
        if scope not in KNOWN_SCOPES and "/" not in scope:
            reader.fail(f"{where}.allowed_scopes: unknown scope {scope!r}")
    for flow in flows:
        if flow not in KNOWN_FLOWS:
            reader.fail(f"{where}.allowed_flows: unknown flow {flow!r} (use {sorted(KNOWN_FLOWS)})")
    read = reader.strings(raw, "read_attributes", where, None) if "read_attributes" in raw else None
    secret = raw.get("client_secret")
    if secret is not None and not isinstance(secret, str):
        reader.fail(f"{where}.client_secret must be a string or absent")
    trigger = raw.get("pre_token_generation")
    if trigger is not None:
        trigger = parse_trigger(trigger, f"{where}.pre_token_generation", reader.fail)
    return AppClient(
        client_id=reader.string(raw, "client_id", where),
        client_secret=secret,
        name=reader.string(raw, "name", where, default="app"),
        callback_urls=reader.strings(raw, "callback_urls", where, ()),
        logout_urls=reader.strings(raw, "logout_urls", where, ()),
        allowed_scopes=scopes,
        allowed_flows=flows,
        read_attributes=read,
        pre_token_generation=trigger,
    )


def _user(reader: _Reader, raw: dict[str, Any], index: int) -> User:
    where = f"users[{index}]"
    attributes = reader.obj(raw.get("attributes", {}), f"{where}.attributes")
    for name, value in attributes.items():
        if not isinstance(value, str | bool | int | float):
            reader.fail(f"{where}.attributes.{name} must be a string, number or boolean")
    identities = _identities(reader, raw, where)
    default_name = (
        f"{identities[0]['providerName']}_{identities[0]['userId']}" if identities else None
    )
    username = reader.string(raw, "username", where, default=default_name)
    sub = raw.get("sub")
    if sub is None:
        sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-cognito:{username}"))
    elif not isinstance(sub, str) or not sub:
        reader.fail(f"{where}.sub must be a non-empty string")
    return User(
        username=username,
        password=reader.string(raw, "password", where),
        sub=sub,
        attributes=dict(attributes),
        groups=reader.strings(raw, "groups", where, ()),
        identities=identities,
    )


def _unique(reader: _Reader, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            reader.fail(f"duplicate {what} {value!r}")
        seen.add(value)


class _Reader:
    """Typed access to the parsed JSON, failing with one line naming the file and field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str) -> NoReturn:
        raise ConfigError(f"{self.source}: {message}")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(f"{where} must be a JSON object")
        return value

    def array(self, raw: dict[str, Any], key: str, *, required: bool) -> list[Any]:
        if key not in raw:
            if required:
                self.fail(f"missing field '{key}'")
            return []
        value = raw[key]
        if not isinstance(value, list):
            self.fail(f"field '{key}' must be an array")
        return value

    def string(
        self, raw: dict[str, Any], key: str, where: str = "", default: str | None = None
    ) -> str:
        label = f"{where}.{key}" if where else key
        value = raw.get(key, default)
        if value is None:
            self.fail(f"missing field '{label}'")
        if not isinstance(value, str) or not value:
            self.fail(f"field '{label}' must be a non-empty string")
        return value

    def strings(
        self, raw: dict[str, Any], key: str, where: str, default: tuple[str, ...] | None
    ) -> tuple[str, ...]:
        if key not in raw:
            if default is None:
                self.fail(f"missing field '{where}.{key}'")
            return default or ()
        value = raw[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"field '{where}.{key}' must be an array of strings")
        return tuple(value)
