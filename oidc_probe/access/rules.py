"""How Access judges one rule, and one policy's include/require/exclude, for an identity.

A rule matches (``True``), does not (``False``) or cannot be judged from the identity
(``None``: it depends on the request, such as the IP or a device, or on data the probe
does not have). Sources: Cloudflare "Access policies" (selectors, identity-based or not,
https://developers.cloudflare.com/cloudflare-one/access-controls/policies/), the generic
OIDC page (OIDC Claim rules, ``oidc_fields``) and "Enforce MFA" (Authentication method).
What no source settles is marked UNSETTLED or ASSUMED in the texts produced here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from oidc_probe.access.identity import AccessIdentity, values_of
from oidc_probe.access.policies import AccessGroup, Policy, Rule

# Selectors judged on the request, not the identity (DOCS-POL "non-identity" selectors, and
# the ones that need data the probe never sees).
MAX_GROUP_DEPTH = 32  # Access groups nested deeper than this are not followed
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
    """Whether one Access policy matched, the rule that decided it, and every rule's result."""

    policy: Policy
    matched: bool | None
    deciding: RuleResult | None  # the rule that settled the match, or the first undecidable one
    results: tuple[RuleResult, ...] = ()


@dataclass(frozen=True)
class RuleJudge:
    """Judges rules and policies for one identity, three-valued (True, False, None).

    ``groups`` are the reusable Access groups known; ``email_lists`` the Zero Trust lists
    read (id -> addresses); ``interactive`` assumes a browser login with no service token,
    client certificate or linked-app token (see :mod:`oidc_probe.access.evaluate`).
    """

    identity: AccessIdentity
    groups: Mapping[str, AccessGroup] = field(default_factory=dict)
    interactive: bool = False
    email_lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Groups being evaluated right now: a group that includes itself is not followed again.
    _visiting: set[str] = field(default_factory=set, repr=False, compare=False)
    # Each group is judged once per identity (a group named by many rules, or diamonds of
    # groups including groups, stay linear), and nesting has a depth cap.
    _judged: dict[str, RuleResult] = field(default_factory=dict, repr=False, compare=False)

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

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _first(results: Sequence[RuleResult], matched: bool | None) -> RuleResult | None:
    return next((r for r in results if r.matched is matched), None)


def _labelled(result: RuleResult, kind: str) -> RuleResult:
    return RuleResult(
        result.rule, result.matched, f"{kind} {result.text}", result.compared, result.unsettled
    )


def _as_policy(group: AccessGroup) -> Policy:
    return Policy(group.name, "allow", group.include, group.require, group.exclude, id=group.id)
