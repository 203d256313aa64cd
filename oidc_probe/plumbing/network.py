"""The network under httpx's connection pool: one hook to wrap it, and ``--connect-to``.

httpx has no public hook for the network backend, so :func:`wrap_backend` reaches
into the transport's pool (pinned versions; ``tests/unit/plumbing/test_network.py``
proves it works). The wrappers stack: each one sees the connection the one above asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
    checks the certificate against it, so only the address changes.
    """

    def __init__(self, inner: httpcore2.NetworkBackend, rules: Sequence[ConnectRule]) -> None:
        self._inner = inner
        self._rules = tuple(rules)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        host, port = connect_target(self._rules, host, port) or (host, port)
        return self._inner.connect_tcp(host, port, timeout, local_address, socket_options)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
