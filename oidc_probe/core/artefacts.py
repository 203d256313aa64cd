"""What the stages gather, one dataclass per artefact (an HTTP exchange, a login, a JWT).

Collected into a :class:`~oidc_probe.core.context.RunContext`; kept apart from it so
that the active stage's results (:mod:`oidc_probe.core.active`) can use them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpExchange:
    """One request the probe made and what came back (or why nothing did).

    ``error`` is set when no HTTP response arrived (refused, timeout, TLS, too large).
    ``json`` holds the parsed body when it was JSON; ``json_error`` says why not;
    ``json_notes`` what normalising it changed (``plumbing/normalise.py``).
    The body kept is capped, so reports can quote it.
    """

    method: str
    url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    text: str = field(default="", repr=False)
    json: Any = field(default=None, repr=False)
    json_error: str | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    # The TLS peer certificate's notAfter (Unix seconds), when the response came over TLS.
    tls_not_after: float | None = None
    json_notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json_object(self) -> dict[str, Any] | None:
        return self.json if isinstance(self.json, dict) else None

    def describe(self) -> str:
        """One line: ``GET url -> 200`` or ``GET url -> connection refused``."""
        result = self.error if self.error else f"HTTP {self.status}"
        return f"{self.method} {self.url} -> {result}"


@dataclass(frozen=True)
class AuthorizationRequest:
    """The authorization request as Access would send it."""

    url: str
    state: str = field(repr=False)
    nonce: str = field(repr=False)
    redirect_uri: str
    scope: str
    code_verifier: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AuthorizeError:
    """The IdP refused the authorization request.

    ``via`` is ``"redirect"`` (an ``error`` on the redirect URI), ``"error_page"``
    (Cognito's own ``/error?error=...`` page, never redirected back) or ``"http"``
    (an HTTP error status on the authorization endpoint) or ``"page"`` (an error page
    served with HTTP 200 instead of a redirect).
    """

    error: str
    description: str = ""
    via: str = "redirect"
    url: str = ""


@dataclass(frozen=True)
class LoginResult:
    """What a login driver achieved.

    Exactly one of ``callback_params`` (the redirect to the redirect URI was
    reached), ``authorize_error``, ``login_error`` or (for initiate-auth, which
    skips the redirect) ``token_fetch`` is normally set.
    """

    callback_url: str | None = field(default=None, repr=False)
    callback_params: Mapping[str, str] | None = field(default=None, repr=False)
    authorize_error: AuthorizeError | None = None
    login_error: str | None = None
    needs_javascript: bool = False
    pages: tuple[str, ...] = ()  # URLs visited, for evidence (query strings redacted)
    # initiate-auth: the API call that returned tokens, reshaped as an OAuth token response.
    token_fetch: HttpExchange | None = None
    hint: str = ""  # a driver's own advice for login_error (AUT002 uses it when set)
    # The authorization request itself got no answer (TLS verification, DNS, refused...):
    # the provider never said whether it accepts it, so AUT001 cannot pass.
    authorize_unanswered: str | None = None


@dataclass(frozen=True)
class DecodedJwt:
    """A compact JWS split and decoded without verification.

    ``repeated_header`` and ``repeated_claims`` name the members that appear more than
    once in the header or payload object (the last value is the one kept). ``notes``
    say what normalising the header and payload changed (``plumbing/normalise.py``).
    """

    raw: str = field(repr=False)
    header: Mapping[str, Any] | None = None
    claims: Mapping[str, Any] | None = None
    error: str | None = None
    repeated_header: tuple[str, ...] = ()
    repeated_claims: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignatureResult:
    """The verify stage's judgement of the ID token signature.

    ``valid`` is ``None`` when no verification could be attempted (``reason`` says why).
    ``key_found`` is ``None`` when key selection was not attempted. ``key_problems``
    says why the selected key may not verify this token (its use, key_ops, alg or type),
    in which case it was not tried. ``same_kid`` holds, when the kid names several
    keys, whether each of them (in JWKS order) verifies the token: for the report only,
    ``valid`` is always the first key's verdict. ``key_unusable`` says why the key the
    token names cannot be used by any verifier (an invalid RSA exponent or modulus, a
    point off its curve, an unsupported curve or size): the signature was not verified.
    """

    alg: str | None
    kid: str | None
    key_found: bool | None
    valid: bool | None
    reason: str = ""
    refetched: bool = False
    known_kids: tuple[str, ...] = ()
    key_problems: tuple[str, ...] = ()
    same_kid: tuple[bool, ...] = ()
    key_unusable: str = ""


@dataclass(frozen=True)
class AccessJwt:
    """An Access application token given to ``verify-access``, with what it is judged against.

    ``team_domain`` is ``https://<team>.cloudflareaccess.com``; ``certs`` the team's
    certs endpoint (or ``--certs FILE``) as an exchange.
    """

    token: DecodedJwt
    signature: SignatureResult
    team_domain: str
    audiences: tuple[str, ...]
    certs: HttpExchange
