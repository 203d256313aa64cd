"""The network under httpx's connection pool: ``--connect-to``, the proxy variables, and
the hook to wrap a transport's network backend.

httpx has no public hook for the network backend, so :func:`wrap_backend` reaches
into the transport's pool (pinned versions; ``tests/unit/plumbing/test_network.py``
proves it works). The wrappers stack: each one sees the connection the one above asks for.

Routing (:func:`proxy_routes`): a request goes through the proxy the environment names,
except to a loopback host (the emulator, the login callback), which always goes direct
as in Chromium, and except to a host a ``--connect-to`` rule names, which goes direct to
the rule's target (a rule with an empty HOST1 turns the proxies off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpcore2
import httpx2

from oidc_probe.core.connect_to import ConnectRule, connect_target


def environment_proxies() -> dict[str, str | None]:
    """The proxy variables as httpx reads them: URL pattern to proxy URL (``None``: no proxy).

    httpx applies them itself only to clients it builds its own transport for; the probe
    builds its transports (for the deadline and ``--connect-to``), so it asks for them
    here. Empty when httpx2 no longer offers the reader.
    """
    try:
        from httpx2._utils import get_environment_proxies
    except ImportError:  # pragma: no cover (pinned versions have it)
        return {}
    return get_environment_proxies()


# Hosts that never go through a proxy, whatever NO_PROXY says.
LOOPBACK_PATTERNS = ("all://127.0.0.1", "all://localhost", "all://[::1]")
PROXY_VARIABLES = {"http://": "HTTP_PROXY", "https://": "HTTPS_PROXY", "all://": "ALL_PROXY"}


def proxy_routes(rules: Sequence[ConnectRule]) -> dict[str, str | None]:
    """URL pattern to proxy URL, or ``None`` for a direct connection (see the module doc)."""
    proxies = environment_proxies()
    if not any(proxies.values()) or any(not rule.host for rule in rules):
        return {}
    direct: dict[str, str | None] = dict.fromkeys(LOOPBACK_PATTERNS)
    for rule in rules:
        direct[f"all://[{rule.host}]" if ":" in rule.host else f"all://{rule.host}"] = None
    return {**proxies, **direct}


def wrap_backend(
    transport: httpx2.HTTPTransport,
    wrap: Callable[[httpcore2.NetworkBackend], httpcore2.NetworkBackend],
) -> bool:
    """Replace ``transport``'s network backend by ``wrap(backend)``; ``False`` if it cannot."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore2.ConnectionPool) or not isinstance(
        backend, httpcore2.NetworkBackend
    ):
        return False
    pool._network_backend = wrap(backend)
    return True


class ConnectToBackend(httpcore2.NetworkBackend):
    """Opens TCP connections where a ``--connect-to`` rule says; the URL stays as it was.

    httpcore still sends the URL's host in ``Host`` and as the TLS server name, and
    checks the certificate against it, so only the address changes. A failed connection
    carries where it went (:func:`destination`), so the error can name that host rather
    than the URL's: the rule's target, or ``via`` (the proxy) for a proxy's transport.
    """

    def __init__(
        self,
        inner: httpcore2.NetworkBackend,
        rules: Sequence[ConnectRule],
        via: str | None = None,
    ) -> None:
        self._inner = inner
        self._rules = tuple(rules)
        self._via = via

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        target = connect_target(self._rules, host, port)
        label = "--connect-to" if target is not None else self._via
        host, port = target or (host, port)
        try:
            return self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        except Exception as exc:
            if label is not None:
                setattr(exc, _DESTINATION, Destination(host, port, label))
            raise

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


_DESTINATION = "oidc_probe_destination"


@dataclass(frozen=True)
class Destination:
    """Where a failed connection really went, and why there (``--connect-to``, a proxy)."""

    host: str
    port: int
    label: str

    def __str__(self) -> str:
        return f"{self.host}:{self.port} ({self.label})"


def destination(chain: Iterable[BaseException]) -> Destination | None:
    """The :class:`Destination` recorded on an exception of ``chain``, if any."""
    for exc in chain:
        found = getattr(exc, _DESTINATION, None)
        if isinstance(found, Destination):
            return found
    return None
