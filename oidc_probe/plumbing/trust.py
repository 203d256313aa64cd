"""The default TLS trust (the CA certificates httpx2 trusts), loadable ahead of the first request.

Reading the CA certificates takes about 18 ms, nearly all of it in OpenSSL with the GIL
released. A command that will make requests with the default trust (no ``--ca-bundle``)
calls :func:`preload` once it knows so: the certificates are read in a thread while the
main thread imports and sets up what the run needs, and the first :func:`default_context` takes the finished context instead of
reading them again on the critical path (``docs/performance.md``).

The trust is exactly httpx2's own default (``verify=True``): the system's CA
certificates, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set. A preloaded context is
taken by one :func:`default_context` call (a ``--users`` run passes it on to every
user's client); every later call reads the certificates again, as without a preload, and
so does a call made after ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` changed (the preloaded
read is then discarded). ``SSL_CERT_FILE`` must name a regular file: a FIFO or a device
is refused before it is opened, so a read never blocks the thread that must be joined.
"""

from __future__ import annotations

import errno
import os
import ssl
import threading


class _Load:
    """One context being read in a thread; :meth:`result` waits for it.

    Not a daemon: a command that ends before it needs the context (a usage error) waits
    for the read to finish (a few milliseconds) instead of tearing the interpreter down
    under a thread that is still inside OpenSSL, which crashed the process (SIGSEGV).
    """

    def __init__(self) -> None:
        self.source = source()  # the environment the read follows
        self._context: ssl.SSLContext | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="oidc-probe-trust")
        self._thread.start()

    def _run(self) -> None:
        try:
            self._context = _read()
        except BaseException as exc:  # re-raised in the thread that uses the context
            self._error = exc

    def result(self) -> ssl.SSLContext:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._context is not None
        return self._context


_lock = threading.Lock()
_pending: _Load | None = None


class NotARegularFile(OSError):
    """``SSL_CERT_FILE`` names a FIFO, a device or a directory."""


def _read() -> ssl.SSLContext:
    import httpx2

    cafile = os.environ.get("SSL_CERT_FILE")
    if cafile and os.path.exists(cafile) and not os.path.isfile(cafile):
        raise NotARegularFile(errno.EINVAL, "not a regular file")
    return httpx2.create_ssl_context(verify=True, trust_env=True)


def source() -> str:
    """Where the default trust comes from, as a user would name it in a message."""
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if value := os.environ.get(variable):
            return f"{variable} {value}"
    return "the system's CA certificates"


def preload() -> None:
    """Start reading the default trust in the background (nothing if a read is pending).

    The HTTP stack is imported here, on the calling thread, which needs it anyway: the
    background thread then spends its time in OpenSSL, not in imports that the calling
    thread would wait for.
    """
    global _pending
    import httpcore2  # noqa: F401  (httpx2 imports it only when a transport is made)
    import httpx2  # noqa: F401

    with _lock:
        if _pending is None:
            _pending = _Load()


def default_context() -> ssl.SSLContext:
    """The default trust: the preloaded context if one is pending (it is then used up), else read now."""
    global _pending
    with _lock:
        load, _pending = _pending, None
    if load is not None and load.source == source():
        return load.result()
    return _read()
