"""What the endpoints share: the pool, keys, faults, clock, and the mutable server state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request

from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.keys import PoolKeys, SigningKey
from oidc_probe.fake_cognito.minting import Minter
from oidc_probe.fake_cognito.pool import Pool
from oidc_probe.fake_cognito.tokens import Grant

CODE_LIFETIME = 300
MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (python-multipart is not a dependency).

    The first value of a repeated field wins; an oversized or non-UTF-8 body reads as empty.
    """
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    form: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        form.setdefault(key, value)
    return form


@dataclass
class IssuedCode:
    """An authorization code's grant and when it was issued."""

    grant: Grant
    issued_at: float


@dataclass
class AccessGrant:
    """An access token's grant and when it expires."""

    grant: Grant
    expires_at: float


@dataclass(frozen=True)
class HostedSession:
    """A signed-in browser session of the hosted UI (see ``hosted_ui.SESSION_COOKIE``)."""

    username: str
    auth_time: int
    expires_at: float


# Past these, the oldest entries are forgotten: a long-running emulator under load keeps
# flat memory (a code, session or token older than the last 2 000 issued is unknown, and
# the in-memory request log keeps the last 10 000 to 20 000 requests).
MAX_STATE_ENTRIES = 2_000
MAX_LOG_ENTRIES = 10_000
K = TypeVar("K")
V = TypeVar("V")


class BoundedDict(dict[K, V]):
    """A dict that forgets its oldest entries (insertion order) past ``limit``."""

    def __init__(self, limit: int = MAX_STATE_ENTRIES) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        while len(self) > self.limit:
            del self[next(iter(self))]


class BoundedSet:
    """The set operations the hosted UI uses, forgetting the oldest members past ``limit``."""

    def __init__(self, limit: int = MAX_STATE_ENTRIES) -> None:
        self._members: BoundedDict[str, None] = BoundedDict(limit)

    def add(self, member: str) -> None:
        self._members[member] = None

    def discard(self, member: str) -> None:
        self._members.pop(member, None)

    def __contains__(self, member: object) -> bool:
        return member in self._members

    def __len__(self) -> int:
        return len(self._members)


class RequestLogList(list[tuple[str, str]]):
    """``(method, path)`` of the requests served, the most recent ``limit`` to ``2 * limit``."""

    def __init__(self, limit: int = MAX_LOG_ENTRIES) -> None:
        super().__init__()
        self.limit = limit

    def append(self, entry: tuple[str, str]) -> None:
        super().append(entry)
        if len(self) > 2 * self.limit:
            del self[: self.limit]


@dataclass
class ServerState:
    """Codes, tokens and CSRF values issued so far (the most recent ones, see
    :data:`MAX_STATE_ENTRIES`); lost when the app stops."""

    codes: dict[str, IssuedCode] = field(default_factory=BoundedDict)
    access_tokens: dict[str, AccessGrant] = field(default_factory=BoundedDict)
    csrf_tokens: BoundedSet = field(default_factory=BoundedSet)
    sessions: dict[str, HostedSession] = field(default_factory=BoundedDict)
    refresh_tokens: dict[str, Grant] = field(default_factory=BoundedDict)
    jwks_fetches: int = 0
    request_log: list[tuple[str, str]] = field(default_factory=RequestLogList)


@dataclass(frozen=True)
class Emulator:
    """The emulated pool at work: its users and keys, the faults it plays, its server state."""

    pool: Pool
    keys: PoolKeys
    faults: frozenset[Fault]
    now: Callable[[], float]
    minter: Minter
    state: ServerState
    rotated_key: SigningKey | None = None
    fixed_base_url: str | None = None

    def base_url(self, request: Request) -> str:
        """The configured base URL, else the one the client used (scheme, Host, root path)."""
        if self.fixed_base_url is not None:
            return self.fixed_base_url.rstrip("/")
        return str(request.base_url).rstrip("/")

    def issuer(self, request: Request) -> str:
        return self.pool.issuer(self.base_url(request))
