"""The one HTTP client factory and the one way the probe makes requests.

Every request goes through :func:`fetch`, which never raises for network
problems: it returns an :class:`~oidc_probe.core.context.HttpExchange` whose
``error`` names the cause in a few words. The response size cap is enforced
there too, while the body is streamed, on the decoded bytes (so a compressed
bomb is stopped as well).
"""

from __future__ import annotations

import errno
import json
import re
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2

from oidc_probe import __version__
from oidc_probe.core.context import HttpExchange
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing import deadline, trust
from oidc_probe.plumbing.network import (
    PROXY_VARIABLES,
    ConnectToBackend,
    destination,
    proxy_routes,
    wrap_backend,
)
from oidc_probe.plumbing.normalise import finite_float, normalise
from oidc_probe.plumbing.urls import is_loopback

MAX_BODY_BYTES = 1024 * 1024
TEXT_QUOTE_CHARS = 64 * 1024
MAX_REDIRECTS = 10
USER_AGENT = f"oidc-probe/{__version__}"
_PLACEHOLDER = re.compile(r"<[^<>]*>")
_DNS_MARKERS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo failed",
    "no address associated",
    "name resolution",
)


class ResponseTooLarge(httpx2.TransportError):
    """The response body went past :data:`MAX_BODY_BYTES`; reading stopped there."""


def is_usable_url(url: str | None) -> bool:
    """Whether ``url`` is an absolute http(s) URL rather than a template value."""
    if not url or _PLACEHOLDER.search(url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def strip_query(url: str) -> str:
    """``url`` without query string and fragment, for evidence that must not leak parameters."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def ssl_context(settings: RunSettings) -> ssl.SSLContext:
    """The run's TLS trust: ``--ca-bundle``, else httpx2's default (read ahead, see ``trust``).

    A file that cannot be read is one usage line naming where it came from.
    """
    if settings.ca_bundle is not None:
        source = f"--ca-bundle {settings.ca_bundle}"
    else:
        source = trust.source()
    try:
        if settings.ca_bundle is not None:
            return ssl.create_default_context(cafile=settings.ca_bundle)
        return trust.default_context()
    except FileNotFoundError:
        raise UsageError(f"{source}: file not found") from None
    except (OSError, ssl.SSLError) as exc:
        cause = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
        raise UsageError(f"{source}: not a usable PEM CA bundle ({cause})") from None


def client_kwargs(settings: RunSettings, verify: ssl.SSLContext | None = None) -> dict[str, Any]:
    """Keyword arguments for ``httpx2.Client``: timeouts, CA bundle, User-Agent, no redirects.

    ``verify``: a trust already read (:func:`ssl_context`), else it is read here. Raises
    :class:`~oidc_probe.core.errors.UsageError` when ``--ca-bundle`` cannot be loaded.
    """
    return {
        "timeout": httpx2.Timeout(settings.timeout),
        "verify": verify if verify is not None else ssl_context(settings),
        "headers": {"User-Agent": USER_AGENT},
        "follow_redirects": False,
        "max_redirects": MAX_REDIRECTS,
        "trust_env": True,
    }


def make_client(
    settings: RunSettings,
    *,
    transport: httpx2.BaseTransport | None = None,
    verify: ssl.SSLContext | None = None,
) -> httpx2.Client:
    """The client every stage and login driver of one run shares (one cookie jar).

    ``transport`` replaces the network, for tests (``httpx2.MockTransport``). ``verify``
    is a trust already read (:func:`ssl_context`): the clients of a ``--users`` run share
    one instead of reading the CA certificates once per user.
    The default transports enforce the overall per-request deadline of :func:`fetch`,
    send connections where ``settings.connect_to`` says (``--connect-to``), and honour
    the proxy variables (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) as
    httpx reads them, loopback hosts and ``--connect-to`` hosts excepted
    (:func:`~oidc_probe.plumbing.network.proxy_routes`).
    """
    kwargs = client_kwargs(settings, verify)
    mounts: dict[str, httpx2.BaseTransport | None] = {}
    if transport is None:
        transport = _transport(settings, kwargs["verify"])
        for pattern, proxy in proxy_routes(settings.connect_to).items():
            if proxy is None:
                mounts[pattern] = None
            else:
                proxied = _proxy(settings, kwargs, pattern, proxy)
                mounts[pattern] = LoopbackDirect(direct=transport, proxied=proxied)
    return httpx2.Client(transport=transport, mounts=mounts, **kwargs)


class LoopbackDirect(httpx2.BaseTransport):
    """A proxy's transport that sends every request to a loopback host direct.

    The proxy patterns cannot name all of 127.0.0.0/8 or ``*.localhost``; this asks
    :func:`~oidc_probe.plumbing.urls.is_loopback`, the definition every rule about
    plain http uses, so no request the probe deems local crosses a proxy.
    """

    def __init__(self, *, direct: httpx2.BaseTransport, proxied: httpx2.BaseTransport) -> None:
        self.direct = direct
        self.proxied = proxied

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        chosen = self.direct if is_loopback(request.url.host) else self.proxied
        return chosen.handle_request(request)

    def close(self) -> None:
        self.proxied.close()


def _proxy(
    settings: RunSettings, kwargs: dict[str, Any], pattern: str, proxy: str
) -> httpx2.HTTPTransport:
    """The transport through ``proxy``; a proxy URL httpx cannot use is one usage line.

    The message names the variable, never its value (a proxy URL may hold a password).
    """
    variable = PROXY_VARIABLES.get(pattern, "the proxy variable")
    try:
        return _transport(settings, kwargs["verify"], proxy, via=f"the proxy from {variable}")
    except ImportError:
        raise UsageError(
            f"{variable} names a SOCKS proxy, which oidc-probe does not support: use an "
            "HTTP(S) proxy, or unset it"
        ) from None
    except (ValueError, httpx2.InvalidURL):
        raise UsageError(
            f"{variable} is not a usable proxy URL (scheme http or https, host, port; "
            "special characters in a password percent-encoded)"
        ) from None


def _transport(
    settings: RunSettings,
    verify: ssl.SSLContext,
    proxy: str | None = None,
    *,
    via: str | None = None,
) -> httpx2.HTTPTransport:
    made = httpx2.HTTPTransport(verify=verify, trust_env=True, proxy=proxy)
    rules = settings.connect_to
    if (rules or via) and not wrap_backend(made, lambda inner: ConnectToBackend(inner, rules, via)):
        raise UsageError("--connect-to cannot be applied with this version of httpx2")
    deadline.install(made)
    return made


def fetch(
    client: httpx2.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    content: str | bytes | None = None,
    text_limit: int = TEXT_QUOTE_CHARS,
    cookies: bool = True,
) -> HttpExchange:
    """Make one request; network problems come back as ``HttpExchange.error``, never raised.

    ``cookies=False`` sends none of the client's cookies: a back-channel request (the token
    endpoint, userinfo) comes from Access's servers, never with the browser's session.

    ``text_limit`` caps the text kept in the exchange (JSON is parsed from the
    whole body, up to :data:`MAX_BODY_BYTES`). The whole request, body included,
    must finish within the client's read timeout (``--timeout``), so a server
    trickling bytes is cut off too.
    """
    method = method.upper()
    start = time.perf_counter()
    try:
        request = client.build_request(
            method, url, headers=headers, params=params, data=data, content=content
        )
    except (httpx2.InvalidURL, httpx2.UnsupportedProtocol) as exc:
        return HttpExchange(method=method, url=url, error=f"invalid URL ({exc})")
    except (ValueError, TypeError) as exc:
        return HttpExchange(method=method, url=url, error=f"cannot build the request ({exc})")
    if not cookies:
        request.headers.pop("cookie", None)
    url = str(request.url)
    host = request.url.host.lower().rstrip(".")
    if host == "invalid" or host.endswith(".invalid"):
        return HttpExchange(
            method=method,
            url=url,
            error=f"DNS lookup failed for host {host} (.invalid never resolves, RFC 6761)",
        )
    try:
        with deadline.deadline(client.timeout.read):
            response = client.send(request, stream=True)
            try:
                not_after = peer_cert_not_after(response)
                body = b"".join(_capped(response))
            finally:
                response.close()
    except (httpx2.HTTPError, httpx2.InvalidURL, httpx2.StreamError) as exc:
        return HttpExchange(
            method=method,
            url=url,
            error=describe_error(exc, client.timeout),
            elapsed_ms=_ms_since(start),
        )
    return _exchange(method, url, response, body, text_limit, _ms_since(start), not_after)


def peer_cert_not_after(response: httpx2.Response) -> float | None:
    """The notAfter of the (verified) TLS peer certificate, in Unix seconds; ``None`` over
    plain HTTP or when the certificate was not verified (Python then hides its fields)."""
    stream = response.extensions.get("network_stream")
    try:
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        cert = ssl_object.getpeercert() if ssl_object is not None else None
        not_after = cert.get("notAfter") if cert else None
        return float(ssl.cert_time_to_seconds(not_after)) if isinstance(not_after, str) else None
    except (AttributeError, ValueError, OSError):
        return None


def _capped(response: httpx2.Response) -> Iterator[bytes]:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ResponseTooLarge("response larger than 1 MiB")
    total = 0
    for chunk in response.iter_bytes():
        if deadline.expired():
            raise httpx2.ReadTimeout("overall deadline passed", request=response.request)
        total += len(chunk)
        if total > MAX_BODY_BYTES:
            raise ResponseTooLarge("response larger than 1 MiB")
        yield chunk


def _exchange(
    method: str,
    url: str,
    response: httpx2.Response,
    body: bytes,
    text_limit: int,
    elapsed_ms: float,
    tls_not_after: float | None = None,
) -> HttpExchange:
    headers = {k.lower(): v for k, v in response.headers.items()}
    text = _decode(body, response.charset_encoding)
    parsed, json_error = parse_json(text, headers.get("content-type", ""))
    normalised = normalise(parsed, f"the answer of {strip_query(url)}")
    return HttpExchange(
        method=method,
        url=url,
        status=response.status_code,
        headers=headers,
        text=text[:text_limit],
        json=normalised.value,
        json_error=json_error,
        elapsed_ms=elapsed_ms,
        tls_not_after=tls_not_after,
        json_notes=normalised.notes,
    )


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def parse_json(text: str, content_type: str = "") -> tuple[Any, str | None]:
    """``(value, None)`` when ``text`` is JSON, else ``(None, why not)``."""
    media = content_type.split(";")[0].strip().lower() or "none"
    if not text.strip():
        return None, f"empty body (content-type {media})"
    try:
        return json.loads(text, parse_float=finite_float), None
    except RecursionError:
        return None, "JSON nested too deeply to parse"
    except ValueError as exc:
        if media == "application/json" or media.endswith("+json"):
            msg = getattr(exc, "msg", str(exc))
            return None, f"invalid JSON: {msg} (content-type {media})"
        return None, f"not JSON (content-type {media})"


def describe_error(exc: BaseException, timeout: httpx2.Timeout | None = None) -> str:
    """A short human cause for an exception raised while making a request."""
    if isinstance(exc, ResponseTooLarge):
        return "response larger than 1 MiB"
    if isinstance(exc, httpx2.TimeoutException):
        return f"timed out after {_timeout_for(exc, timeout)}"
    if isinstance(exc, httpx2.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx2.InvalidURL | httpx2.UnsupportedProtocol):
        return f"invalid URL ({exc})"
    if isinstance(exc, httpx2.ProxyError):
        return f"proxy error: {exc}"
    chain = list(_causes(exc))
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or cause.reason or str(cause)
            if "mismatch" not in detail.lower():
                detail += " (for a private CA, pass --ca-bundle PATH)"
            return f"TLS certificate verification failed: {detail}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed: {cause.reason or cause}"
    if isinstance(exc, httpx2.ConnectError):
        return _connect_cause(exc, chain)
    if isinstance(exc, httpx2.RemoteProtocolError):
        if "disconnect" in str(exc).lower():
            return "the server closed the connection without a complete response"
        return f"invalid HTTP response ({exc})"
    if isinstance(exc, httpx2.ReadError | httpx2.WriteError):
        if any(isinstance(c, ConnectionResetError) for c in chain):
            return "connection reset by the server"
        return f"connection error ({exc or type(exc).__name__})"
    if isinstance(exc, httpx2.DecodingError):
        return f"could not decode the response body ({exc})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _connect_cause(exc: httpx2.ConnectError, chain: list[BaseException]) -> str:
    """Why the connection failed; it names the host really connected to when that is not
    the URL's (a ``--connect-to`` target, a proxy)."""
    text = " ".join(str(c) for c in chain).lower()
    went = destination(chain)
    if any(isinstance(c, socket.gaierror) for c in chain) or any(m in text for m in _DNS_MARKERS):
        if went is not None:
            return f"DNS lookup failed for host {went.host} ({went.label})"
        host = exc.request.url.host if _has_request(exc) else "?"
        return f"DNS lookup failed for host {host}"
    at = "" if went is None else f" by {went}"
    refused = any(isinstance(c, ConnectionRefusedError) for c in chain)
    if refused or "connection refused" in text or f"errno {errno.ECONNREFUSED}" in text:
        return f"connection refused{at}"
    if "network is unreachable" in text:
        return f"network unreachable{' to ' + str(went) if went else ''}"
    return f"could not connect{at} ({exc})" if str(exc) else f"could not connect{at}"


def _has_request(exc: httpx2.RequestError) -> bool:
    try:
        exc.request  # noqa: B018  (the property raises when no request is attached)
    except RuntimeError:
        return False
    return True


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _timeout_for(exc: httpx2.TimeoutException, timeout: httpx2.Timeout | None) -> str:
    if timeout is None:
        return "the configured timeout"
    value = {
        httpx2.ConnectTimeout: timeout.connect,
        httpx2.ReadTimeout: timeout.read,
        httpx2.WriteTimeout: timeout.write,
        httpx2.PoolTimeout: timeout.pool,
    }.get(type(exc), timeout.read)
    return f"{value:g}s" if value is not None else "the configured timeout"


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)
