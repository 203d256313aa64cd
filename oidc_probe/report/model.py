"""The report model: what a run found, independent of how it is printed."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from oidc_probe import __version__
from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.core.pool import AUDIT_NOT_RUN
from oidc_probe.plumbing.jsonlike import map_strings, once_each, unchanged
from oidc_probe.report.folding import Counts as Counts  # one tally for reports and folds
from oidc_probe.report.folding import failing_names

if TYPE_CHECKING:
    from oidc_probe.core.context import RunContext
    from oidc_probe.plumbing.redact import Redactor

TOOL_NAME = "oidc-probe"
TOKEN_FIELDS = ("id_token", "access_token", "refresh_token")


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"


# The one line the human formats print for the AWS checks when no pool audit was asked for.


def fold_pool_audit(findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings without the AWS checks' "audit not run" skips, and those skips.

    For the human formats (text, Markdown, HTML), which print :data:`POOL_AUDIT_FOLDED`
    once in their place; JSON and JUnit keep every check's entry, for the stable IDs.
    """
    kept: list[Finding] = []
    folded: list[Finding] = []
    for finding in findings:
        if (
            finding.stage is Stage.POOL
            and finding.status is Status.SKIP
            and finding.message == AUDIT_NOT_RUN
        ):
            folded.append(finding)
        else:
            kept.append(finding)
    return kept, folded


@dataclass(frozen=True)
class Target:
    """The provider a report is about: its issuer, client and endpoints."""

    issuer: str
    client_id: str
    auth_url: str
    token_url: str
    certs_url: str
    # --connect-to rules in effect: the hosts above were reached at other addresses.
    connect_to: tuple[str, ...] = ()
    # How the issuer was established (oidc_probe.core.issuer.IssuerSource value), and the
    # discovery document that confirmed it.
    issuer_source: str = "given"
    issuer_discovery_url: str | None = None

    @property
    def issuer_basis(self) -> str:
        """``given (--issuer)``, ``Cognito pool URL``, ``confirmed by discovery at URL``, ``not confirmed``."""
        return {
            "given": "given (--issuer)",
            "cognito-pool": "Cognito pool URL",
            "discovery": f"confirmed by discovery at {self.issuer_discovery_url}",
        }.get(self.issuer_source, "not confirmed")


@dataclass(frozen=True)
class ClaimView:
    """One claim as Access would read it from the ID token; ``present`` False means missing."""

    name: str
    present: bool
    value: Any = None
    # Why the claim's presence is not known (no ID token); empty when it was looked at.
    unknown: str = ""

    @property
    def shown(self) -> str:
        """The human word for a claim not present: ``missing``, or why it is not known."""
        return self.unknown or "missing"


@dataclass(frozen=True)
class CustomView:
    """The ``custom`` claim of Access's application token after trimming, and what it dropped."""

    kept: Mapping[str, Any]
    dropped: tuple[str, ...]
    size: int
    budget: int
    note: str


@dataclass(frozen=True)
class AccessView:
    """The identity Access builds from the ID token: the email and the ``oidc_fields``.

    ``note`` explains when Access would not get that far (no ID token, or one whose
    signature did not verify). ``identity`` is the get-identity shape for a generic
    OIDC identity provider and ``custom`` the application token's trimmed ``custom``
    claim, when there are ID-token claims to build them from.
    """

    email: ClaimView
    oidc_fields: tuple[ClaimView, ...] = ()
    note: str = ""
    identity: Mapping[str, Any] | None = None
    custom: CustomView | None = None

    @classmethod
    def of(cls, ctx: RunContext) -> AccessView:
        config = ctx.config
        claims = ctx.id_token_claims
        if claims is None and ctx.access_jwt is not None and ctx.access_jwt.token.claims:
            return _from_access_token(ctx, ctx.access_jwt.token.claims)
        if claims is None:
            attempted = ctx.authorization is not None or ctx.login is not None
            given = not attempted and ctx.id_token is not None  # verify: no login
            unknown = "unknown: no ID token" if attempted else "not known without a login"
            note = (
                "no ID token was obtained, so Access would not log the user in"
                if attempted
                else "the login was not attempted, so the ID token is unknown"
            )
            if given:
                unknown = "unknown: the given token does not decode"
                note = (
                    "the ID token was given (no login) and does not decode (see IDT001), "
                    "so its claims are unknown"
                )
            missing = tuple(ClaimView(name, False, unknown=unknown) for name in config.claims)
            email = ClaimView(config.email_claim_name, False, unknown=unknown)
            return cls(email, missing, note)
        note = ""
        if ctx.signature is not None and ctx.signature.valid is not True:
            note = "the ID token signature was not verified, so Access would reject this login"
        elif ctx.login is not None and ctx.login.token_fetch is not None:
            note = (
                "from an InitiateAuth ID token (--login initiate-auth): the token Access gets "
                "through the login pages may differ (see AUT002)"
            )
        identity, custom = _identity_and_custom(ctx)
        return cls(
            _claim(claims, config.email_claim_name),
            tuple(_claim(claims, name) for name in config.claims),
            note,
            identity,
            custom,
        )


def _identity_and_custom(ctx: RunContext) -> tuple[Mapping[str, Any] | None, CustomView | None]:
    """The identity and ``custom`` claim computed once for the run (``ctx.access_identity``)."""
    view = ctx.access_identity
    if view is None:
        return None, None
    custom = view.custom
    why = (
        f"dropped from the end of the claims list to fit the budget; {view.budget_note}"
        if custom.dropped
        else view.budget_note
    )
    return view.identity, CustomView(
        dict(custom.kept), custom.dropped, custom.size, custom.budget, why
    )


def _from_access_token(ctx: RunContext, claims: Mapping[str, Any]) -> AccessView:
    """verify-access: what reached the application, read from the token's ``custom`` claim."""
    custom = claims.get("custom")
    fields = custom if isinstance(custom, Mapping) else {}
    names = tuple(dict.fromkeys((*ctx.config.claims, *fields)))
    return AccessView(
        _claim(claims, "email"),
        tuple(_claim(fields, name) for name in names),
        "from the Access application token: email and its custom claim (what the app receives)",
    )


def _claim(claims: Mapping[str, Any], name: str) -> ClaimView:
    return ClaimView(name, True, claims[name]) if name in claims else ClaimView(name, False)


@dataclass(frozen=True)
class UserSection:
    """One user of a multi-user run (``--users``): what Access would see for that user."""

    username: str
    access_view: AccessView
    id_token_claims: Mapping[str, Any] | None = None
    tokens: Mapping[str, str] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Report:
    """Everything a formatter prints. Built by :meth:`from_run`; secrets only in ``tokens``.

    A multi-user run fills ``users`` (see :mod:`oidc_probe.run.multirun`); its findings
    then carry ``user``, and run-wide findings (config, discovery, JWKS) have none.
    """

    target: Target
    findings: tuple[Finding, ...]
    access_view: AccessView
    id_token_claims: Mapping[str, Any] | None = None
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    timeline_ms: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    tokens: Mapping[str, str] | None = field(default=None, repr=False)
    tool_name: str = TOOL_NAME
    tool_version: str = __version__
    users: tuple[UserSection, ...] = ()
    fail_on_warn: bool = False
    # What each of ``users`` is: "user" (--users) or "token" (verify --tokens).
    section_kind: str = "user"

    @cached_property
    def counts(self) -> Counts:
        return Counts.of(self.findings)

    @property
    def result(self) -> Result:
        counts = self.counts
        failing = counts.failed or (self.fail_on_warn and counts.warned)
        return Result.FAIL if failing else Result.PASS

    def user_findings(self, username: str) -> tuple[Finding, ...]:
        return self._findings_by_user.get(username, ())

    @cached_property
    def _findings_by_user(self) -> dict[str | None, tuple[Finding, ...]]:
        by_user: dict[str | None, list[Finding]] = {}
        for finding in self.findings:
            by_user.setdefault(finding.user, []).append(finding)
        return {user: tuple(found) for user, found in by_user.items()}

    @classmethod
    def from_run(
        cls, ctx: RunContext, findings: Sequence[Finding], *, show_tokens: bool = False
    ) -> Report:
        config = ctx.config
        target = Target(
            issuer=ctx.issuer.issuer,
            issuer_source=ctx.issuer.source.value,
            issuer_discovery_url=ctx.issuer.discovery_url,
            client_id=config.client_id,
            auth_url=config.auth_url,
            token_url=config.token_url,
            certs_url=config.certs_url,
            connect_to=tuple(str(rule) for rule in ctx.settings.connect_to),
        )
        claims = ctx.id_token_claims
        return cls(
            target=target,
            findings=tuple(findings),
            access_view=AccessView.of(ctx),
            id_token_claims=dict(claims) if claims is not None else None,
            timings_ms=dict(ctx.timings_ms),
            timeline_ms=dict(ctx.timeline_ms),
            tokens=_tokens(ctx) if show_tokens else None,
        )

    def redacted(self, redactor: Redactor) -> Report:
        """A copy with every free-form value passed through ``redactor``."""
        return self.map_text(redactor.redact)

    def map_text(self, text_fn: Callable[[str], str]) -> Report:
        """A copy with ``text_fn`` applied to every string of every free-form value, keys of
        JSON-like values included (redaction, terminal escaping).

        ``text_fn`` must depend on the string alone: it runs once for each distinct string
        (:func:`once_each`). What it returns unchanged is kept (:func:`map_strings`), so a
        finding with nothing to change is the same object.
        """
        text = once_each(text_fn)
        fn = partial(map_strings, fn=text)
        findings = tuple(_map_finding(f, text, fn) for f in self.findings)
        access_view = _map_view(self.access_view, fn)
        claims = self.id_token_claims
        return replace(
            self,
            target=_map_target(self.target, fn),
            findings=findings,
            access_view=access_view,
            id_token_claims=fn(dict(claims)) if claims is not None else None,
            tokens=fn(dict(self.tokens)) if self.tokens is not None else None,
            users=tuple(_map_user(u, fn) for u in self.users),
        )


def _map_finding(finding: Finding, text: Callable[[str], str], fn: Callable[[Any], Any]) -> Finding:
    """``finding`` with ``text`` applied to its strings and ``fn`` to its evidence; itself
    when none changes.

    Most findings hold no secret, and ``dataclasses.replace`` on each of them was the
    largest cost of a many-token ``verify`` report.
    """
    message, hint, subject = text(finding.message), text(finding.hint), text(finding.subject)
    evidence = fn(finding.evidence) if finding.evidence else finding.evidence
    if (message, hint, subject) == (finding.message, finding.hint, finding.subject) and (
        evidence is finding.evidence
    ):
        return finding
    return replace(finding, message=message, hint=hint, subject=subject, evidence=evidence)


def _map_view(view: AccessView, fn: Callable[[Any], Any]) -> AccessView:
    """``view`` with ``fn`` applied to its free-form values; itself when none changes (one
    view per token of a many-token ``verify``, mapped twice)."""
    email = _map_claim(view.email, fn)
    fields = tuple(_map_claim(c, fn) for c in view.oidc_fields)
    note = fn(view.note)
    identity = fn(view.identity) if view.identity is not None else None
    custom = view.custom
    if custom is not None:
        kept, custom_note = fn(custom.kept), fn(custom.note)
        if kept is not custom.kept or custom_note != custom.note:
            custom = replace(custom, kept=kept, note=custom_note)
    if (
        email is view.email
        and all(map(operator.is_, fields, view.oidc_fields))
        and note == view.note
        and identity is view.identity
        and custom is view.custom
    ):
        return view
    return AccessView(email, fields, note, identity, custom)


def _map_user(user: UserSection, fn: Callable[[Any], Any]) -> UserSection:
    return UserSection(
        user.username,
        _map_view(user.access_view, fn),
        fn(user.id_token_claims) if user.id_token_claims is not None else None,
        fn(user.tokens) if user.tokens is not None else None,
    )


def _map_claim(claim: ClaimView, fn: Callable[[Any], Any]) -> ClaimView:
    name, value = fn(claim.name), fn(claim.value)
    if name == claim.name and unchanged(value, claim.value):
        return claim
    return ClaimView(name, claim.present, value, claim.unknown)


def _map_target(target: Target, fn: Callable[[Any], Any]) -> Target:
    return Target(
        issuer=fn(target.issuer),
        client_id=fn(target.client_id),
        auth_url=fn(target.auth_url),
        token_url=fn(target.token_url),
        certs_url=fn(target.certs_url),
        connect_to=tuple(fn(rule) for rule in target.connect_to),
        issuer_source=target.issuer_source,
        issuer_discovery_url=(
            fn(target.issuer_discovery_url) if target.issuer_discovery_url is not None else None
        ),
    )


def _tokens(ctx: RunContext) -> dict[str, str]:
    tokens: dict[str, str] = {}
    response = ctx.token_response or {}
    for name in TOKEN_FIELDS:
        value = response.get(name)
        if isinstance(value, str):
            tokens[name] = value
    if "id_token" not in tokens and ctx.id_token is not None and ctx.id_token.raw:
        tokens["id_token"] = ctx.id_token.raw
    return tokens


def json_safe(value: Any) -> Any:
    """``value`` as data ``json.dumps`` accepts strictly: str keys, lists, finite numbers."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def summary_line(report: Report) -> str:
    """The one line printed on stderr after the report; a failing run names what failed.

    ``... result FAIL: TOK001 token-exchange-succeeded`` (the warnings when only
    ``--fail-on warn`` made the run fail).
    """
    counts = report.counts
    warnings = "warning" if counts.warned == 1 else "warnings"
    accepted = f", {counts.accepted} accepted by the baseline" if counts.accepted else ""
    many = "" if len(report.users) == 1 else "s"
    users = f" ({len(report.users)} {report.section_kind}{many})" if report.users else ""
    named = ""
    if report.result is Result.FAIL:
        statuses = (Status.FAIL,) if counts.failed else (Status.WARN,)
        named = failing_names(report.findings, statuses=statuses)
    return (
        f"{report.tool_name}: {counts.passed} passed, {counts.failed} failed, "
        f"{counts.warned} {warnings}, {counts.info} info, {counts.skipped} skipped{accepted}: "
        f"result {report.result.value.upper()}{users}{f': {named}' if named else ''}"
    )
