"""What Access's policies decide for an identity, and which rule decided.

Semantics (Cloudflare "Access policies", https://developers.cloudflare.com/cloudflare-one/
access-controls/policies/): include rules are OR, require rules AND, exclude rules NOT;
Bypass and Service Auth policies are evaluated first, top to bottom, then Allow and Block
top to bottom; the first Allow or Block that matches decides; nothing matched is deny.

A rule matches (``True``), does not (``False``) or cannot be judged from the identity
(``None``: it depends on the request, such as the IP or a device, or on data the probe
does not have). The evaluation does not stop at such a rule: it runs the policies over
every outcome of those rules (each matching or not) and, when every outcome gives this
user the same access, that is the decision, with the branches named ("allow: Bypass
'Office' when ip ... matches, otherwise Allow 'Admins'"). Only when outcomes differ is
the decision "undetermined", naming the rule whose outcome decides.

An interactive login (``interactive=True``, what ``check`` runs) carries no service
token, no client certificate and no linked-app token: those rules do not match, and a
Service Auth policy, which Cloudflare describes as enforcing "authentication flows that
do not require an identity provider IdP login, such as service tokens and mutual TLS",
does not admit the user. Bypass policies with identity-based rules, which Cloudflare
says Bypass does not support, are reported and left out of the evaluation.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from oidc_probe.access.identity import AccessIdentity, values_of
from oidc_probe.access.policies import DECISION_NAMES, AccessGroup, Policy, Rule

UNDETERMINED = "undetermined"
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
    "linked_app_token": "a token from a linked application",
    "external_evaluation": "an external evaluation service",
    "user_risk_score": "the user's risk score",
}
# What an interactive login (a browser, no credentials besides the IdP login) never carries.
# Cloudflare's selector table: Service Token, Any Access Service Token and Linked App Token
# "Require the Service Auth action"; Valid Certificate and Common Name need a client
# certificate in the request.
NON_INTERACTIVE_SELECTORS = {
    "service_token": "a service token",
    "any_valid_service_token": "a service token",
    "certificate": "a client certificate",
    "common_name": "a client certificate",
    "linked_app_token": "a linked-app token",
}
INTERACTIVE_ASSUMPTION = (
    "ASSUMED: an interactive login (a browser with no service token, no client certificate "
    "and no linked-app token), so those rules do not match and Service Auth policies do not "
    "admit the user (--any-request drops this assumption)"
)
# Cloudflare's selector table marks these identity-based; Bypass "does not support"
# identity-based rule types (policies page, Bypass warning).
IDENTITY_SELECTORS = (
    "email",
    "email_domain",
    "email_list",
    "external_evaluation",
    "user_risk_score",
    "login_method",
    "auth_method",
    "oidc",
    "saml",
    "azureAD",
    "github-organization",
    "gsuite",
    "okta",
    "auth_context",
)
AMR_ASSUMED = (
    "ASSUMED: Access matches auth_method against the amr values of the ID token (Cloudflare: "
    "the rule is 'based on the amr identifier', RFC 8176, and IdP-based MFA is supported for "
    "generic OIDC; the page does not name the claim it reads)"
)
POLICIES_PAGE = "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/"
MFA_PAGE = (
    "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/mfa-requirements/"
)
MAX_BRANCH_RULES = 10  # 2**10 outcomes at most; past that the first unknown rule decides

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
    """The outcome: a policy decision, ``no_match`` (deny by default) or ``undetermined``.

    ``branches`` names, when request-dependent rules do not change the answer, which
    policy decides in which case ("Bypass 'Office' when ...", "otherwise Allow 'Admins'");
    ``not_evaluated`` lists the Bypass policies left out (identity rules in a Bypass);
    ``assumed`` is the interactive-login assumption when it was made.
    """

    outcome: str
    policy: PolicyResult | None = None
    trace: tuple[PolicyResult, ...] = ()
    unsettled: tuple[str, ...] = field(default=())
    branches: tuple[str, ...] = ()
    not_evaluated: tuple[str, ...] = ()
    assumed: str = ""
    depends_on_request: bool = False
    after: tuple[str, ...] = ()  # what an allow asks first: "admin approval", "independent MFA"

    @property
    def access(self) -> str:
        """``allow``, ``deny`` or ``undetermined``: what a user gets into the app."""
        return access_of(self.outcome)

    def describe(self) -> str:
        text = self._describe()
        if self.after and not self.branches and text.startswith("allow:"):
            text = f"allow, after {' and '.join(self.after)}:" + text[len("allow:") :]
        return (
            f"{text} (assumed: an interactive login, see --any-request)" if self.assumed else text
        )

    def _describe(self) -> str:
        if self.branches:
            return f"{self.access}: {', '.join(self.branches)}"
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


def access_of(outcome: str) -> str:
    if outcome in ("allow", "bypass"):
        return "allow"
    if outcome in ("deny", NO_MATCH, "non_identity"):
        return "deny"  # Service Auth admits service tokens and mTLS, not a user login
    return UNDETERMINED


def _key(rule: Rule) -> str:
    return rule.selector + " " + json.dumps(rule.params, sort_keys=True, default=str)


@dataclass(frozen=True)
class Evaluator:
    """Judges rules for one identity; ``groups`` are the reusable Access groups known.

    ``interactive`` assumes a browser login with no service token, client certificate or
    linked-app token (see the module docstring).
    """

    identity: AccessIdentity
    groups: Mapping[str, AccessGroup] = field(default_factory=dict)
    interactive: bool = False
    email_lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    app_mfa: str | None = None  # the application's independent-MFA setting, if any
    # Groups being evaluated right now: a group that includes itself is not followed again.
    _visiting: set[str] = field(default_factory=set, repr=False, compare=False)

    def decide(self, policies: Sequence[Policy]) -> Decision:
        active: list[Policy] = []
        skipped: list[str] = []
        for policy in execution_order(policies):
            identity_rules = (
                self._identity_selectors(policy, set()) if policy.decision == "bypass" else []
            )
            if identity_rules:
                skipped.append(
                    f"Bypass policy {policy.name!r} uses identity rules "
                    f"({', '.join(identity_rules)}), which Cloudflare says Bypass does not "
                    f"support ({POLICIES_PAGE}#bypass): not evaluated"
                )
                continue
            if self.interactive and policy.decision == "non_identity":
                continue  # Service Auth does not admit an interactive login (assumed)
            active.append(policy)
        trace = tuple(self.policy(p) for p in active)
        notes = _unsettled(trace)
        if not self.interactive and any(p.decision == "non_identity" for p in active):
            notes += (UNSETTLED_SERVICE_AUTH,)
        base = Decision(
            NO_MATCH,
            trace=trace,
            unsettled=notes,
            not_evaluated=tuple(skipped),
            assumed=INTERACTIVE_ASSUMPTION if self.interactive and self._assumes(policies) else "",
        )
        atoms: dict[str, Rule] = {}
        for policy in active:
            self._collect(policy, atoms, set())
        if len(atoms) > MAX_BRANCH_RULES:
            return self._first_unknown(base, active, trace)
        keys = list(atoms)
        outcomes: dict[tuple[bool, ...], int | None] = {}
        for bits in itertools.product((False, True), repeat=len(keys)):
            outcomes[bits] = self._first_match(active, dict(zip(keys, bits, strict=True)))
        accesses = {self._access_at(active, i) for i in outcomes.values()}
        if len(accesses) == 1:
            return self._settled(base, active, trace, keys, atoms, outcomes)
        return self._unsettled_decision(base, active, trace, keys, atoms, outcomes)

    def _after(self, policy: Policy) -> tuple[str, ...]:
        """What an Allow asks first: its flags, and independent MFA from the application
        unless the policy sets its own MFA (Cloudflare: "Policy > Application > Organization")."""
        if policy.decision != "allow":
            return ()
        own = [c for c in policy.conditions if c != "MFA disabled"]
        policy_mfa = any("MFA" in c for c in policy.conditions)
        if self.app_mfa and self.app_mfa != "MFA disabled" and not policy_mfa:
            own.append(f"{self.app_mfa} (application setting)")
        return tuple(own)

    def _assumes(self, policies: Sequence[Policy]) -> bool:
        """Whether the interactive-login assumption changes anything for these policies."""
        seen: set[str] = set()
        pending: list[Policy | AccessGroup] = list(policies)
        while pending:
            holder = pending.pop()
            if isinstance(holder, Policy) and holder.decision == "non_identity":
                return True
            for rule in (*holder.include, *holder.require, *holder.exclude):
                if rule.selector in NON_INTERACTIVE_SELECTORS:
                    return True
                group_id = str(rule.params.get("id", "")) if rule.selector == "group" else ""
                if group_id in self.groups and group_id not in seen:
                    seen.add(group_id)
                    pending.append(self.groups[group_id])
        return False

    def _access_at(self, active: Sequence[Policy], index: int | None) -> str:
        return access_of(NO_MATCH if index is None else active[index].decision)

    def _settled(
        self,
        base: Decision,
        active: Sequence[Policy],
        trace: tuple[PolicyResult, ...],
        keys: list[str],
        atoms: Mapping[str, Rule],
        outcomes: Mapping[tuple[bool, ...], int | None],
    ) -> Decision:
        otherwise = outcomes[tuple(False for _ in keys)]
        deciders = sorted({i for i in outcomes.values() if i is not None})
        outcome = NO_MATCH if otherwise is None else active[otherwise].decision
        primary = None if otherwise is None else trace[otherwise]
        others = [i for i in deciders if i != otherwise]
        after = self._after(active[otherwise]) if otherwise is not None else ()
        if not others:
            return replace(base, outcome=outcome, policy=primary, after=after)
        branches = []
        for i in others:
            mine: dict[str, Rule] = {}
            self._collect(active[i], mine, set())
            when = " and ".join(self._atom_text(atoms[k]) for k in keys if k in mine)
            name = DECISION_NAMES.get(active[i].decision, active[i].decision)
            first = self._after(active[i])
            then = f" (after {' and '.join(first)})" if first else ""
            branches.append(f"{name} policy {active[i].name!r} when {when}{then}")
        if primary is None:
            branches.append("otherwise no policy matched (Access denies by default)")
        else:
            name = DECISION_NAMES.get(primary.policy.decision, primary.policy.decision)
            rule = f" ({primary.deciding.text})" if primary.deciding is not None else ""
            then = f" after {' and '.join(after)}" if after else ""
            branches.append(f"otherwise {name} policy {primary.policy.name!r}{then}{rule}")
        decisions = {NO_MATCH if i is None else active[i].decision for i in outcomes.values()}
        if len(decisions) > 1:
            outcome = access_of(outcome)
        return replace(base, outcome=outcome, policy=primary, branches=tuple(branches), after=after)

    def _unsettled_decision(
        self,
        base: Decision,
        active: Sequence[Policy],
        trace: tuple[PolicyResult, ...],
        keys: list[str],
        atoms: Mapping[str, Rule],
        outcomes: Mapping[tuple[bool, ...], int | None],
    ) -> Decision:
        """The first rule (in execution order) whose outcome changes the access decides."""
        deciding = keys[0]
        for n, key in enumerate(keys):
            flips = (
                self._access_at(active, outcomes[bits])
                != self._access_at(active, outcomes[(*bits[:n], True, *bits[n + 1 :])])
                for bits in outcomes
                if not bits[n]
            )
            if any(flips):
                deciding = key
                break
        rule = atoms[deciding]
        for index, policy in enumerate(active):
            mine: dict[str, Rule] = {}
            kind = self._collect(policy, mine, set(), find=deciding)
            if deciding in mine:
                text = _labelled(self.rule(rule), kind or "include")
                result = PolicyResult(policy, None, text, trace[index].results)
                return replace(
                    base,
                    outcome=UNDETERMINED,
                    policy=result,
                    depends_on_request=rule.selector in REQUEST_SELECTORS,
                )
        return replace(base, outcome=UNDETERMINED)  # pragma: no cover - every atom has a policy

    def _first_unknown(
        self, base: Decision, active: Sequence[Policy], trace: tuple[PolicyResult, ...]
    ) -> Decision:
        """Too many request-dependent rules to try every outcome: stop at the first unknown."""
        for result in trace:
            if result.matched is None:
                request = result.deciding is not None and (
                    result.deciding.rule.selector in REQUEST_SELECTORS
                )
                return replace(
                    base, outcome=UNDETERMINED, policy=result, depends_on_request=request
                )
            if result.matched:
                return replace(
                    base,
                    outcome=result.policy.decision,
                    policy=result,
                    after=self._after(result.policy),
                )
        return base

    def _first_match(self, active: Sequence[Policy], assign: Mapping[str, bool]) -> int | None:
        for index, policy in enumerate(active):
            if self._match(policy, assign, set()):
                return index
        return None

    def _match(
        self, holder: Policy | AccessGroup, assign: Mapping[str, bool], visiting: set[str]
    ) -> bool:
        def value(rule: Rule) -> bool:
            if rule.selector == "group":
                group_id = str(rule.params.get("id", ""))
                group = self.groups.get(group_id)
                if group is None or group_id in visiting:
                    return assign[_key(rule)]
                return self._match(group, assign, visiting | {group_id})
            matched = self.rule(rule).matched
            return assign[_key(rule)] if matched is None else matched

        if any(value(r) for r in holder.exclude):
            return False
        if not all(value(r) for r in holder.require):
            return False
        return any(value(r) for r in holder.include)

    def _collect(
        self,
        holder: Policy | AccessGroup,
        atoms: dict[str, Rule],
        visiting: set[str],
        find: str = "",
    ) -> str:
        """Add the rules of ``holder`` that cannot be judged from the identity to ``atoms``;
        return the list (include, require, exclude) of ``holder`` that reaches ``find``."""
        found = ""
        for kind, rules in (
            ("include", holder.include),
            ("require", holder.require),
            ("exclude", holder.exclude),
        ):
            for rule in rules:
                before = find in atoms
                if rule.selector == "group":
                    group_id = str(rule.params.get("id", ""))
                    group = self.groups.get(group_id)
                    if group is not None and group_id not in visiting:
                        self._collect(group, atoms, visiting | {group_id})
                    else:
                        atoms.setdefault(_key(rule), rule)
                elif self.rule(rule).matched is None:
                    atoms.setdefault(_key(rule), rule)
                if find and not before and find in atoms and not found:
                    found = kind
        return found

    def _identity_selectors(self, holder: Policy | AccessGroup, visiting: set[str]) -> list[str]:
        found: list[str] = []
        for rule in (*holder.include, *holder.require, *holder.exclude):
            if rule.selector in IDENTITY_SELECTORS and rule.selector not in found:
                found.append(rule.selector)
            group_id = str(rule.params.get("id", "")) if rule.selector == "group" else ""
            group = self.groups.get(group_id)
            if group is not None and group_id not in visiting:
                for inner in self._identity_selectors(group, visiting | {group_id}):
                    if inner not in found:
                        found.append(inner)
        return found

    def _atom_text(self, rule: Rule) -> str:
        if rule.selector == "group":
            return self.rule(rule).text
        return f"{rule.describe()} matches"

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
            list_id = str(params.get("id", ""))
            values = self.email_lists.get(list_id)
            if values is None:
                return RuleResult(
                    rule, None, f"email_list {list_id}: the list's addresses are not known"
                )
            return self._email_list(rule, list_id, values)
        if selector == "auth_method":
            return self._auth_method(rule, str(params.get("auth_method", "")))
        if self.interactive and selector in NON_INTERACTIVE_SELECTORS:
            return RuleResult(
                rule,
                False,
                f"{rule.describe()} needs {NON_INTERACTIVE_SELECTORS[selector]}, which an "
                "interactive login does not carry (assumed)",
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
        if selector in ("warp", "gateway"):
            return RuleResult(
                rule,
                None,
                f"{selector!r} is not an Access rule key: WARP and Gateway checks are device "
                "posture rules (device_posture with the posture check's id); not evaluated",
            )
        return RuleResult(rule, None, f"unknown selector {selector!r}: not evaluated")

    def _email_list(self, rule: Rule, list_id: str, values: tuple[str, ...]) -> RuleResult:
        email = self.identity.email
        text = f"email_list {list_id} ({len(values)} addresses)"
        if email is None:
            return RuleResult(rule, False, f"{text}: the identity has no email", compared=None)
        if email in values:
            return RuleResult(rule, True, f"{text} holds {email}", compared=email)
        if email.lower() in (v.lower() for v in values):
            return RuleResult(rule, None, f"{text}: {email} differs in case", email, UNSETTLED_CASE)
        return RuleResult(rule, False, f"{text} does not hold {email}", compared=email)

    def _auth_method(self, rule: Rule, wanted: str) -> RuleResult:
        """``auth_method`` against the ID token's ``amr`` values (RFC 8176).

        Cloudflare: the Authentication method rule allows access "based on the amr
        identifier" (access-api-examples/authentication-method) and IdP-based MFA is
        available for generic OIDC (mfa-requirements); that Access reads the ``amr`` of the
        ID token for a generic OIDC provider is the reading of those pages (AMR_ASSUMED).
        """
        amr = self.identity.claims.get("amr")
        text = f"auth_method {wanted}"
        if amr is None:
            return RuleResult(
                rule,
                False,
                f"{text}: the ID token has no amr claim, so no authentication method matches",
                compared=None,
                unsettled=AMR_ASSUMED,
            )
        values = [v if isinstance(v, str) else _json_text(v) for v in values_of(amr)]
        verb = "matched" if wanted in values else "did not match"
        return RuleResult(rule, wanted in values, f"{text} {verb} amr {values}", amr, AMR_ASSUMED)

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
        self._visiting.add(group_id)
        try:
            inner = self.policy(group)
        finally:
            self._visiting.discard(group_id)
        detail = f" ({inner.deciding.text})" if inner.deciding is not None else ""
        verb = {True: "matched", False: "did not match", None: "cannot be judged"}[inner.matched]
        unsettled = next((r.unsettled for r in inner.results if r.unsettled), "")
        return RuleResult(
            rule,
            inner.matched,
            f"Access group {group.name!r} {verb}{detail}",
            compared=inner.deciding.compared if inner.deciding else None,
            unsettled=unsettled,
        )

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
