"""What Access's policies decide for an identity, and which rule decided.

Semantics (Cloudflare "Access policies", https://developers.cloudflare.com/cloudflare-one/
access-controls/policies/): include rules are OR, require rules AND, exclude rules NOT;
Bypass and Service Auth policies are evaluated first, top to bottom, then Allow and Block
top to bottom; the first Allow or Block that matches decides; nothing matched is deny.

A rule matches (``True``), does not (``False``) or cannot be judged from the identity
(``None``: it depends on the request, such as the IP or a device, or on data the probe
does not have). ``None`` propagates as in three-valued logic, and a policy that might
match makes the whole decision "undetermined" rather than a silent allow or deny.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from oidc_probe.access.identity import AccessIdentity, values_of
from oidc_probe.access.policies import DECISION_NAMES, AccessGroup, Policy, Rule

UNDETERMINED = "undetermined"
MAX_GROUP_DEPTH = 32
NO_MATCH = "no_match"
FIRST_PASS = ("bypass", "non_identity")

# Selectors judged on the request, not the identity (DOCS-POL "non-identity" selectors, and
# the ones that need data the probe never sees).
REQUEST_SELECTORS = {
    "ip": "the client IP",
    "ip_list": "the client IP",
    "geo": "the client's country",
    "certificate": "an mTLS client certificate",
    "common_name": "an mTLS client certificate",
    "service_token": "a service token in the request",
    "any_valid_service_token": "a service token in the request",
    "device_posture": "the device posture",
    "warp": "the WARP client",
    "gateway": "Gateway",
    "linked_app_token": "a token from a linked application",
    "external_evaluation": "an external evaluation service",
    "user_risk_score": "the user's risk score",
}
# Selectors that need another identity-provider type; never match a generic OIDC login.
OTHER_IDP_SELECTORS = {
    "saml": "a SAML",
    "azureAD": "a Microsoft Entra ID",
    "github-organization": "a GitHub",
    "gsuite": "a Google Workspace",
    "okta": "an Okta",
    "auth_context": "a Microsoft Entra ID",
    "cloudflare_account_member": "the Cloudflare",
}
UNSETTLED_CASE = (
    "UNSETTLED: Cloudflare does not document whether this comparison ignores case; "
    "it matches only when case is ignored"
)
UNSETTLED_TYPES = (
    "UNSETTLED: Cloudflare does not document how non-string claim values are compared; "
    "compared as their JSON text"
)
ASSUMED_IDP = (
    "ASSUMED: the probed identity provider is Cloudflare identity provider {} "
    "(give --idp-id or --cloudflare-idp to check)"
)
UNSETTLED_SERVICE_AUTH = (
    "UNSETTLED: Cloudflare does not say what a Service Auth match means for a user's login "
    "(it admits service tokens and mTLS); counted as deny"
)
ORDER_NOTE = (
    "'top to bottom' is read as ascending precedence (inferred from the precedence field: "
    "'The order of execution for this policy')"
)
UNSETTLED_SUBDOMAIN = (
    "UNSETTLED: Cloudflare does not document whether 'Emails ending in' matches subdomains"
)


@dataclass(frozen=True)
class RuleResult:
    """One rule judged: ``matched`` is True, False or None (cannot tell from the identity)."""

    rule: Rule
    matched: bool | None
    text: str  # "oidc cognito:groups = admins matched ['admins', 'staff']"
    compared: Any = None
    unsettled: str = ""


@dataclass(frozen=True)
class PolicyResult:
    policy: Policy
    matched: bool | None
    deciding: RuleResult | None  # the rule that settled the match, or the first undecidable one
    results: tuple[RuleResult, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The outcome: a policy decision, ``no_match`` (deny by default) or ``undetermined``."""

    outcome: str
    policy: PolicyResult | None = None
    trace: tuple[PolicyResult, ...] = ()
    unsettled: tuple[str, ...] = field(default=())

    @property
    def access(self) -> str:
        """``allow``, ``deny`` or ``undetermined``: what a user gets into the app."""
        if self.outcome in ("allow", "bypass"):
            return "allow"
        if self.outcome in ("deny", NO_MATCH):
            return "deny"
        if self.outcome == "non_identity":
            return "deny"  # Service Auth admits service tokens and mTLS, not a user login
        return UNDETERMINED

    def describe(self) -> str:
        if self.outcome == NO_MATCH:
            return "deny: no policy matched (Access denies by default)"
        result = self.policy
        if result is None:
            return self.outcome
        rule = f": {result.deciding.text}" if result.deciding is not None else ""
        name = DECISION_NAMES.get(result.policy.decision, result.policy.decision)
        if self.outcome == UNDETERMINED:
            return f"undetermined: {name} policy {result.policy.name!r} depends on{rule}"
        return f"{self.outcome}: {name} policy {result.policy.name!r}{rule}"


@dataclass(frozen=True)
class Evaluator:
    """Judges rules for one identity; ``groups`` are the reusable Access groups known."""

    identity: AccessIdentity
    groups: Mapping[str, AccessGroup] = field(default_factory=dict)
    # Groups being evaluated right now: a group that includes itself is not followed again.
    _visiting: set[str] = field(default_factory=set, repr=False, compare=False)
    # Each group is judged once per identity (a group named by many rules, or diamonds of
    # groups including groups, stay linear), and nesting has a depth cap.
    _judged: dict[str, RuleResult] = field(default_factory=dict, repr=False, compare=False)

    def decide(self, policies: Sequence[Policy]) -> Decision:
        trace: list[PolicyResult] = []
        for policy in execution_order(policies):
            result = self.policy(policy)
            trace.append(result)
            if result.matched is None:
                return Decision(UNDETERMINED, result, tuple(trace), _unsettled(trace))
            if result.matched:
                notes = _unsettled(trace)
                if policy.decision == "non_identity":
                    notes += (UNSETTLED_SERVICE_AUTH,)
                return Decision(policy.decision, result, tuple(trace), notes)
        return Decision(NO_MATCH, None, tuple(trace), _unsettled(trace))

    def policy(self, policy: Policy | AccessGroup) -> PolicyResult:
        include = [self.rule(r) for r in policy.include]
        require = [self.rule(r) for r in policy.require]
        exclude = [self.rule(r) for r in policy.exclude]
        results = tuple(include + require + exclude)
        target = policy if isinstance(policy, Policy) else _as_policy(policy)
        hit = _first(exclude, True)
        if hit is not None:
            return PolicyResult(target, False, _labelled(hit, "exclude"), results)
        miss = _first(require, False)
        if miss is not None:
            return PolicyResult(target, False, _labelled(miss, "require"), results)
        matched = _first(include, True)
        if matched is None:
            unknown = _first(include, None)
            if unknown is None:
                deciding = _labelled(include[0], "include") if include else None
                return PolicyResult(target, False, deciding, results)
            return PolicyResult(target, None, _labelled(unknown, "include"), results)
        for kind, rules in (("require", require), ("exclude", exclude)):
            unknown = _first(rules, None)
            if unknown is not None:
                return PolicyResult(target, None, _labelled(unknown, kind), results)
        return PolicyResult(target, True, _labelled(matched, "include"), results)

    def rule(self, rule: Rule) -> RuleResult:
        selector, params = rule.selector, rule.params
        identity = self.identity
        if selector == "everyone":
            return RuleResult(rule, True, "everyone")
        if selector == "email":
            return _compare_text(rule, "email", params.get("email"), identity.email)
        if selector == "email_domain":
            return self._email_domain(rule, str(params.get("domain", "")))
        if selector == "group":
            return self._group(rule, str(params.get("id", "")))
        if selector == "login_method":
            return self._idp(rule, str(params.get("id", "")), "login_method")
        if selector == "oidc":
            return self._oidc(rule)
        if selector == "email_list":
            return RuleResult(
                rule, None, f"email_list {params.get('id')}: the list's addresses are not known"
            )
        if selector == "auth_method":
            amr = identity.claims.get("amr")
            return RuleResult(
                rule,
                None,
                f"auth_method {params.get('auth_method')}: UNSETTLED which amr values Access "
                "records for a generic OIDC login",
                compared=amr,
                unsettled="UNSETTLED: how Access derives amr for a generic OIDC identity provider",
            )
        if selector in REQUEST_SELECTORS:
            return RuleResult(
                rule,
                None,
                f"{rule.describe()} depends on the request ({REQUEST_SELECTORS[selector]})",
            )
        if selector in OTHER_IDP_SELECTORS:
            return RuleResult(
                rule,
                False,
                f"{selector} needs {OTHER_IDP_SELECTORS[selector]} identity provider, "
                "not generic OIDC",
            )
        return RuleResult(rule, None, f"unknown selector {selector!r}: not evaluated")

    def _email_domain(self, rule: Rule, domain: str) -> RuleResult:
        email = self.identity.email
        wanted = domain.lstrip("@").lower()
        text = f"email_domain {wanted}"
        if email is None:
            return RuleResult(rule, False, f"{text}: the identity has no email", compared=None)
        got = email.rpartition("@")[2].lower()
        if got == wanted:
            return RuleResult(rule, True, f"{text} matched {email}", compared=email)
        if got.endswith("." + wanted):
            return RuleResult(
                rule,
                None,
                f"{text}: {email} is a subdomain",
                compared=email,
                unsettled=UNSETTLED_SUBDOMAIN,
            )
        return RuleResult(rule, False, f"{text} did not match {email}", compared=email)

    def _group(self, rule: Rule, group_id: str) -> RuleResult:
        group = self.groups.get(group_id)
        if group is None:
            return RuleResult(
                rule, None, f"Access group {group_id}: not given (--access-groups FILE)"
            )
        if group_id in self._visiting:
            return RuleResult(rule, None, f"Access group {group_id} includes itself")
        judged = self._judged.get(group_id)
        if judged is not None:
            return replace(judged, rule=rule)
        if len(self._visiting) >= MAX_GROUP_DEPTH:
            return RuleResult(
                rule, None, f"Access group {group_id}: groups nested deeper than {MAX_GROUP_DEPTH}"
            )
        self._visiting.add(group_id)
        try:
            inner = self.policy(group)
        finally:
            self._visiting.discard(group_id)
        detail = f" ({inner.deciding.text})" if inner.deciding is not None else ""
        verb = {True: "matched", False: "did not match", None: "cannot be judged"}[inner.matched]
        unsettled = next((r.unsettled for r in inner.results if r.unsettled), "")
        result = RuleResult(
            rule,
            inner.matched,
            f"Access group {group.name!r} {verb}{detail}",
            compared=inner.deciding.compared if inner.deciding else None,
            unsettled=unsettled,
        )
        self._judged[group_id] = result
        return result

    def _idp(self, rule: Rule, wanted: str, label: str) -> RuleResult:
        got = self.identity.idp_id
        if got is None:
            return RuleResult(
                rule,
                None,
                f"{label} {wanted}: the identity provider's Cloudflare id is unknown "
                "(--cloudflare-idp or --idp-id)",
            )
        verb = "matched" if got == wanted else "did not match"
        return RuleResult(rule, got == wanted, f"{label} {wanted} {verb} {got}", compared=got)

    def _oidc(self, rule: Rule) -> RuleResult:
        params = rule.params
        name = str(params.get("claim_name", ""))
        wanted = params.get("claim_value")
        idp = params.get("identity_provider_id")
        text = f"oidc {name} = {wanted}"
        got_idp = self.identity.idp_id
        if isinstance(idp, str) and idp and got_idp is not None and idp != got_idp:
            return RuleResult(rule, False, f"{text}: for identity provider {idp}, not {got_idp}")
        assumed = (
            ASSUMED_IDP.format(idp) if isinstance(idp, str) and idp and got_idp is None else ""
        )
        fields = self.identity.oidc_fields
        if name not in fields:
            where = (
                "absent from the ID token"
                if name not in self.identity.claims
                else "not in the configured claims, so not in oidc_fields"
            )
            return RuleResult(rule, False, f"{text}: {name} is {where}", compared="(absent)")
        value = fields[name]
        values = values_of(value)
        texts = [v if isinstance(v, str) else _json_text(v) for v in values]
        unsettled = "" if all(isinstance(v, str) for v in values) else UNSETTLED_TYPES
        unsettled = "; ".join(n for n in (unsettled, assumed) if n)
        if str(wanted) in texts:
            return RuleResult(rule, True, f"{text} matched {value!r}", value, unsettled)
        if str(wanted).lower() in (t.lower() for t in texts):
            return RuleResult(
                rule, None, f"{text}: {value!r} differs in case", value, UNSETTLED_CASE
            )
        return RuleResult(rule, False, f"{text} did not match {value!r}", value, unsettled)


def execution_order(policies: Iterable[Policy]) -> list[Policy]:
    """Bypass and Service Auth first, then Allow and Block; each by precedence, then file order."""

    def key(policy: Policy) -> tuple[int, int, int]:
        first = 0 if policy.decision in FIRST_PASS else 1
        precedence = policy.precedence if policy.precedence is not None else 1 << 30
        return (first, precedence, policy.order)

    return sorted(policies, key=key)


def _compare_text(rule: Rule, label: str, wanted: Any, got: str | None) -> RuleResult:
    text = f"{label} {wanted}"
    if got is None:
        return RuleResult(rule, False, f"{text}: the identity has no {label}", compared=None)
    if got == wanted:
        return RuleResult(rule, True, f"{text} matched {got}", compared=got)
    if isinstance(wanted, str) and got.lower() == wanted.lower():
        return RuleResult(rule, None, f"{text}: {got} differs in case", got, UNSETTLED_CASE)
    return RuleResult(rule, False, f"{text} did not match {got}", compared=got)


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _first(results: Sequence[RuleResult], matched: bool | None) -> RuleResult | None:
    return next((r for r in results if r.matched is matched), None)


def _labelled(result: RuleResult, kind: str) -> RuleResult:
    return RuleResult(
        result.rule, result.matched, f"{kind} {result.text}", result.compared, result.unsettled
    )


def _as_policy(group: AccessGroup) -> Policy:
    return Policy(group.name, "allow", group.include, group.require, group.exclude, id=group.id)


def _unsettled(trace: Iterable[PolicyResult]) -> tuple[str, ...]:
    notes = [r.unsettled for p in trace for r in p.results if r.unsettled]
    return tuple(dict.fromkeys(notes))
