"""``--connect-to HOST1:PORT1:HOST2:PORT2``: where a connection for a URL's host really goes.

The same form and meaning as curl's option of that name. The URL, the ``Host`` header,
the TLS server name and the certificate check all stay with the URL's host; only the
TCP connection goes to ``HOST2:PORT2``. An empty ``HOST1`` or ``PORT1`` matches any
host or port; an empty ``HOST2`` or ``PORT2`` keeps the original one. IPv6 addresses go
in brackets (``[::1]``). The first rule that matches wins.

Typical uses: a pool reached through a private endpoint or a proxy host, a staging
environment under the production names, or the Cognito emulator served on loopback
under Cognito's own host names (``issuer-cognito-idp.<region>.amazonaws.com``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

_HOST = r"(\[[0-9A-Fa-f:.]+\]|[^:\[\]\s]*)"
_PORT = r"(\d*)"
_RULE = re.compile(rf"^{_HOST}:{_PORT}:{_HOST}:{_PORT}$")
FORM = "HOST1:PORT1:HOST2:PORT2"


def _host(text: str) -> str:
    """A host as httpcore names it: lower case, no trailing dot, IDNA (punycode) for names,
    the compressed form for IPv6 (``2001:0db8::1`` is ``2001:db8::1``)."""
    bare = text.strip("[]").rstrip(".")
    if text and not bare:
        raise ValueError(f"{text!r} is not a host name")
    try:
        return ipaddress.ip_address(bare).compressed
    except ValueError:
        pass
    try:
        return bare.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{text!r} is not a host name") from None


def _port(text: str, rule: str) -> int | None:
    if not text:
        return None
    number = int(text)
    if not 0 < number <= 65535:
        raise ValueError(f"{rule!r}: {number} is not a port number")
    return number


@dataclass(frozen=True)
class ConnectRule:
    """One ``--connect-to`` rule; empty strings and ``None`` mean "any" / "unchanged"."""

    host: str
    port: int | None
    to_host: str
    to_port: int | None

    @classmethod
    def parse(cls, text: str) -> ConnectRule:
        """Parse ``HOST1:PORT1:HOST2:PORT2``; raises ``ValueError`` saying what is wrong."""
        match = _RULE.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not {FORM} (IPv6 addresses in brackets)")
        host, port, to_host, to_port = match.groups()
        if not to_host and not to_port:
            raise ValueError(f"{text!r} names no HOST2 or PORT2 to connect to")
        return cls(_host(host), _port(port, text), _host(to_host), _port(to_port, text))

    def target(self, host: str, port: int) -> tuple[str, int] | None:
        """Where to connect for ``host:port``, or ``None`` when this rule does not apply."""
        if self.host and self.host != _host(host):
            return None
        if self.port is not None and self.port != port:
            return None
        return (self.to_host or host, self.to_port or port)

    def __str__(self) -> str:
        def shown(host: str) -> str:
            return f"[{host}]" if ":" in host else host

        return f"{shown(self.host)}:{self.port or ''}:{shown(self.to_host)}:{self.to_port or ''}"


def connect_target(rules: Sequence[ConnectRule], host: str, port: int) -> tuple[str, int] | None:
    """The first matching rule's target for ``host:port``, ``None`` when no rule matches."""
    for rule in rules:
        target = rule.target(host, port)
        if target is not None:
            return target
    return None
