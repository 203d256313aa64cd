"""An overall deadline per request, on top of httpx's per-operation timeouts.

httpx applies its read timeout to each socket read, so a server that sends one
byte every few seconds is never cut off. :func:`deadline` sets a per-thread
point in time; the network backend installed by :func:`install` shortens every
connect, read and write so none of them runs past it. Requests whose transport
cannot take the backend (tests' mock transports, proxies) still stop at the
first chunk read after the deadline (see ``oidc_probe.plumbing.http.fetch``).
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore2
import httpx2

from oidc_probe.plumbing.network import wrap_backend

_local = threading.local()


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Within the block, network operations of this thread end ``seconds`` from now at the latest."""
    previous = getattr(_local, "at", None)
    _local.at = None if seconds is None else time.monotonic() + seconds
    try:
        yield
    finally:
        _local.at = previous


def remaining() -> float | None:
    """Seconds left before the current deadline, ``None`` when none is set."""
    at: float | None = getattr(_local, "at", None)
    return None if at is None else at - time.monotonic()


def expired() -> bool:
    left = remaining()
    return left is not None and left <= 0


def _bounded(timeout: float | None, exc: type[Exception]) -> float | None:
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise exc("the overall deadline for the request passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore2.NetworkStream):
    """A network stream whose reads and writes never wait past the deadline."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """Wraps a backend so connections are made, and their streams used, within the deadline."""

    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(transport: httpx2.HTTPTransport) -> bool:
    """Put :class:`DeadlineBackend` under ``transport``'s connection pool; ``False`` if it cannot."""

    def wrap(backend: httpcore2.NetworkBackend) -> httpcore2.NetworkBackend:
        return backend if isinstance(backend, DeadlineBackend) else DeadlineBackend(backend)

    return wrap_backend(transport, wrap)
