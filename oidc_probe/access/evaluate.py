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

from oidc_probe.access.policies import DECISION_NAMES, AccessGroup, Policy, Rule
from oidc_probe.access.rules import (
    IDENTITY_SELECTORS,
    MAX_GROUP_DEPTH,
    NON_INTERACTIVE_SELECTORS,
    REQUEST_SELECTORS,
    PolicyResult,
    RuleJudge,
    RuleResult,
    _labelled,
)

__all__ = [
    "NO_MATCH",
    "UNDETERMINED",
    "Decision",
    "Evaluator",
    "PolicyResult",
    "RuleResult",
    "execution_order",
]

UNDETERMINED = "undetermined"
NO_MATCH = "no_match"
FIRST_PASS = ("bypass", "non_identity")
INTERACTIVE_ASSUMPTION = (
    "ASSUMED: an interactive login (a browser with no service token, no client certificate "
    "and no linked-app token), so those rules do not match and Service Auth policies do not "
    "admit the user (--any-request drops this assumption)"
)
POLICIES_PAGE = "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/"
MFA_PAGE = (
    "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/mfa-requirements/"
)
MAX_BRANCH_RULES = 10  # 2**10 outcomes at most; past that the first unknown rule decides

UNSETTLED_SERVICE_AUTH = (
    "UNSETTLED: Cloudflare does not say what a Service Auth match means for a user's login "
    "(it admits service tokens and mTLS); counted as deny"
)
ORDER_NOTE = (
    "'top to bottom' is read as ascending precedence (inferred from the precedence field: "
    "'The order of execution for this policy')"
)


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
class Evaluator(RuleJudge):
    """Decides what the policies do for one identity (see the module docstring).

    ``app_mfa`` is the application's independent-MFA setting, if any.
    """

    app_mfa: str | None = None
    # Groups left unexamined by the depth cap (their outcome is then a branch).
    _cut: set[str] = field(default_factory=set, repr=False, compare=False)

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
                judged = self.rule(rule)
                if str(rule.params.get("id", "")) in self._cut and rule.selector == "group":
                    judged = RuleResult(rule, None, self._atom_text(rule))
                text = _labelled(judged, kind or "include")
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
        memo: dict[str, bool] = {}  # each group judged once per assignment
        for index, policy in enumerate(active):
            if self._match(policy, assign, set(), memo):
                return index
        return None

    def _match(
        self,
        holder: Policy | AccessGroup,
        assign: Mapping[str, bool],
        visiting: set[str],
        memo: dict[str, bool],
    ) -> bool:
        def value(rule: Rule) -> bool:
            if rule.selector == "group":
                group_id = str(rule.params.get("id", ""))
                group = self.groups.get(group_id)
                if group is None or group_id in visiting or len(visiting) >= MAX_GROUP_DEPTH:
                    return assign[_key(rule)]
                if group_id not in memo:
                    memo[group_id] = self._match(group, assign, visiting | {group_id}, memo)
                return memo[group_id]
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
        done: set[str] | None = None,
    ) -> str:
        """Add the rules of ``holder`` that cannot be judged from the identity to ``atoms``;
        return the list (include, require, exclude) of ``holder`` that reaches ``find``.
        ``done`` holds the groups already walked (each walked once, nesting capped)."""
        done = set() if done is None else done
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
                    if group is None or group_id in visiting:
                        atoms.setdefault(_key(rule), rule)
                    elif len(visiting) >= MAX_GROUP_DEPTH:
                        self._cut.add(group_id)
                        atoms.setdefault(_key(rule), rule)
                    elif group_id not in done:  # a group seen before has its rules in atoms
                        done.add(group_id)
                        self._collect(group, atoms, visiting | {group_id}, done=done)
                elif self.rule(rule).matched is None:
                    atoms.setdefault(_key(rule), rule)
                if find and not before and find in atoms and not found:
                    found = kind
        return found

    def _identity_selectors(
        self, holder: Policy | AccessGroup, visiting: set[str], done: set[str] | None = None
    ) -> list[str]:
        done = set() if done is None else done
        found: list[str] = []
        for rule in (*holder.include, *holder.require, *holder.exclude):
            if rule.selector in IDENTITY_SELECTORS and rule.selector not in found:
                found.append(rule.selector)
            group_id = str(rule.params.get("id", "")) if rule.selector == "group" else ""
            group = self.groups.get(group_id)
            if group is not None and group_id not in visiting and group_id not in done:
                if len(visiting) >= MAX_GROUP_DEPTH:
                    continue
                done.add(group_id)
                for inner in self._identity_selectors(group, visiting | {group_id}, done):
                    if inner not in found:
                        found.append(inner)
        return found

    def _atom_text(self, rule: Rule) -> str:
        group_id = str(rule.params.get("id", "")) if rule.selector == "group" else ""
        if group_id in self._cut:
            return f"Access group {group_id}: groups nested deeper than {MAX_GROUP_DEPTH}"
        if rule.selector == "group":
            return self.rule(rule).text
        return f"{rule.describe()} matches"


def execution_order(policies: Iterable[Policy]) -> list[Policy]:
    """Bypass and Service Auth first, then Allow and Block; each by precedence, then file order."""

    def key(policy: Policy) -> tuple[int, int, int]:
        first = 0 if policy.decision in FIRST_PASS else 1
        precedence = policy.precedence if policy.precedence is not None else 1 << 30
        return (first, precedence, policy.order)

    return sorted(policies, key=key)


def _unsettled(trace: Iterable[PolicyResult]) -> tuple[str, ...]:
    notes = [r.unsettled for p in trace for r in p.results if r.unsettled]
    return tuple(dict.fromkeys(notes))
