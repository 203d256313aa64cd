"""Access policies and reusable Access groups, parsed from Cloudflare's API JSON.

Accepted shapes (Cloudflare API v4, ``/access/apps/{id}/policies``, ``/access/policies``,
``/access/groups``): one object, a list of objects, or a response envelope
``{"success": true, "result": ...}``. A rule is a one-key object such as
``{"email": {"email": "a@example.com"}}``; unknown selectors are kept (and judged
"undetermined"), so a newer API shape never fails the parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from oidc_probe.core.cloudflare import api_errors
from oidc_probe.core.errors import ConfigError

DECISIONS = ("allow", "deny", "non_identity", "bypass")
# How Cloudflare's dashboard names each decision (DOCS-POL action names).
DECISION_NAMES = {
    "allow": "Allow",
    "deny": "Block",
    "non_identity": "Service Auth",
    "bypass": "Bypass",
}


@dataclass(frozen=True)
class Rule:
    """One selector of an include/require/exclude list: ``{"selector": {params}}``."""

    selector: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        values = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.selector}({values})" if values else self.selector


@dataclass(frozen=True)
class Policy:
    """A policy of an application; ``precedence`` is ``None`` for a reusable policy not linked."""

    name: str
    decision: str
    include: tuple[Rule, ...] = ()
    require: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()
    precedence: int | None = None
    id: str = ""
    order: int = 0  # position in the files read, the tie-breaker when precedence is missing
    # What an Allow asks of the user first (approval_required, purpose_justification_required,
    # isolation_required, mfa_config), in words: "admin approval", "a purpose justification".
    conditions: tuple[str, ...] = ()
    session_duration: str | None = None


@dataclass(frozen=True)
class AccessGroup:
    """A reusable Access group ("rule group"): rules like a policy, without a decision."""

    id: str
    name: str
    include: tuple[Rule, ...] = ()
    require: tuple[Rule, ...] = ()
    exclude: tuple[Rule, ...] = ()


def unwrap(doc: Any, source: str) -> list[Any]:
    """The items of one object, a list, or an API envelope; an error envelope is a ConfigError."""
    if isinstance(doc, dict) and ("result" in doc or "success" in doc):
        if doc.get("success") is False:
            raise ConfigError(f"{source}: an API error response: {api_errors(doc)}")
        doc = doc.get("result")
    if isinstance(doc, dict):
        return [doc]
    if not isinstance(doc, list):
        _fail(
            source, 'expected a policy object, a list of them, or an API response {"result": [...]}'
        )
    return doc


def parse_policies(doc: Any, source: str, *, start: int = 0) -> tuple[Policy, ...]:
    items = unwrap(doc, source)
    return tuple(
        _policy(item, f"{source}: policy {i + 1}", start + i) for i, item in enumerate(items)
    )


def parse_groups(doc: Any, source: str) -> dict[str, AccessGroup]:
    groups: dict[str, AccessGroup] = {}
    for i, item in enumerate(unwrap(doc, source)):
        where = f"{source}: group {i + 1}"
        if not isinstance(item, dict):
            _fail(where, "not an object")
        group_id = item.get("id")
        if not isinstance(group_id, str) or not group_id:
            _fail(where, "has no 'id' (policies reference groups by id)")
        groups[group_id] = AccessGroup(
            id=group_id,
            name=str(item.get("name") or group_id),
            include=_rules(item, "include", where),
            require=_rules(item, "require", where),
            exclude=_rules(item, "exclude", where),
        )
    return groups


def _policy(item: Any, where: str, order: int) -> Policy:
    if isinstance(item, str):
        _fail(where, f"is only a policy id ({item!r}); give the policy objects with their rules")
    if not isinstance(item, dict):
        _fail(where, "not an object")
    decision = item.get("decision")
    if decision not in DECISIONS:
        _fail(where, f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    precedence = item.get("precedence")
    if precedence is not None and (isinstance(precedence, bool) or not isinstance(precedence, int)):
        _fail(where, f"precedence must be an integer, got {precedence!r}")
    include = _rules(item, "include", where)
    if not include:
        _fail(where, "has no include rule (Cloudflare requires at least one)")
    name = item.get("name")
    return Policy(
        name=name if isinstance(name, str) and name else f"policy {order + 1}",
        decision=decision,
        include=include,
        require=_rules(item, "require", where),
        exclude=_rules(item, "exclude", where),
        precedence=precedence,
        id=str(item.get("id") or ""),
        order=order,
        conditions=_conditions(item),
        session_duration=item.get("session_duration")
        if isinstance(item.get("session_duration"), str)
        else None,
    )


def _conditions(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The policy flags that make an Allow conditional (cloudflare-python ``ApplicationPolicy``:
    approval_required "Requires the user to request access from an administrator at the start
    of each session", purpose_justification_required "Require users to enter a justification",
    isolation_required "served in an isolated browser"; ``mfa_config``: Cloudflare "Enforce
    MFA", independent MFA per policy)."""
    from oidc_probe.access.application import mfa_setting

    found = []
    if item.get("approval_required") is True:
        found.append("admin approval")
    if item.get("purpose_justification_required") is True:
        found.append("a purpose justification")
    if item.get("isolation_required") is True:
        found.append("an isolated browser")
    mfa = mfa_setting(item.get("mfa_config"))
    if mfa is not None:
        found.append(mfa)  # "MFA disabled" too: it overrides the application's MFA
    return tuple(found)


def _rules(item: Mapping[str, Any], key: str, where: str) -> tuple[Rule, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        _fail(where, f"'{key}' must be a list of rules")
    rules = []
    for i, raw in enumerate(value):
        if not isinstance(raw, dict) or len(raw) != 1:
            _fail(
                where, f'{key}[{i}] must be an object with one selector, e.g. {{"everyone": {{}}}}'
            )
        ((selector, params),) = raw.items()
        if not isinstance(params, dict):
            _fail(where, f"{key}[{i}].{selector} must be an object")
        rules.append(Rule(selector, dict(params)))
    return tuple(rules)


def _fail(where: str, message: str) -> NoReturn:
    raise ConfigError(f"{where}: {message}")
