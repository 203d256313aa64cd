"""Policies that admit every identity: an Allow or Bypass whose include reaches ``everyone``.

Cloudflare's Everyone selector (``{"everyone": {}}``) matches every user: the Access API
examples give it as the rule that lets anyone log in, the API schema of the rule
(``access_everyone_rule``) describes its empty object as matching all users, and the
policies page uses it as the include of a Block that excepts one user (see
:data:`EVERYONE_SOURCES`). In an Allow policy that has no require rule, the include is
then no restriction at all: whoever signs in through an identity provider the
application accepts gets in (every user of the Cognito pool, including anyone who can
sign themselves up), less any exclude rule. A Bypass policy with it turns Access off for
everyone. A require rule narrows the policy, so a policy with one is not reported here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from oidc_probe.access.policies import DECISION_NAMES, AccessGroup, Policy, Rule

EVERYONE_SOURCES = (
    "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/api-terraform/access-api-examples/",
    "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/",
)
BROAD_DECISIONS = ("allow", "bypass")


@dataclass(frozen=True)
class Everyone:
    """A policy that admits every identity, and how its include reaches ``everyone``."""

    policy: Policy
    path: str  # "include Everyone" or "include Access group 'All' (which includes Everyone)"

    def describe(self) -> str:
        name = DECISION_NAMES.get(self.policy.decision, self.policy.decision)
        who = (
            "Access is not enforced for anyone"
            if self.policy.decision == "bypass"
            else "any identity that signs in through the identity provider gets in (every user "
            "of the Cognito pool, and of any other login method the application allows)"
        )
        if self.path.startswith("an include of only Login Methods"):
            who = (
                "any identity that signs in through that login method gets in (every user of "
                "the Cognito pool, when it is that identity provider)"
            )
        excluded = len(self.policy.exclude)
        but = f", except what its {excluded} exclude rule(s) leave out" if excluded else ""
        return f"{name} policy {self.policy.name!r} has {self.path} and no require rule: {who}{but}"


def admitting_everyone(
    policies: tuple[Policy, ...], groups: Mapping[str, AccessGroup]
) -> Iterator[Everyone]:
    """The Allow and Bypass policies whose include reaches ``everyone`` with no require rule."""
    for policy in policies:
        if policy.decision not in BROAD_DECISIONS or policy.require:
            continue
        path = _everyone_path(policy.include, groups, set())
        if path is not None:
            yield Everyone(policy, f"include {path}")


def login_method_only(policies: tuple[Policy, ...]) -> Iterator[Everyone]:
    """The Allow policies whose include is only Login Methods rules, with no require rule.

    A Login Methods rule "checks the identity provider used at the time of login"
    (Cloudflare's selector table): as the only include, it admits every identity of that
    provider, as Everyone does.
    """
    for policy in policies:
        if policy.decision != "allow" or policy.require or not policy.include:
            continue
        if all(rule.selector == "login_method" for rule in policy.include):
            ids = ", ".join(str(r.params.get("id", "")) for r in policy.include)
            yield Everyone(policy, f"an include of only Login Methods ({ids})")


def _everyone_path(
    include: tuple[Rule, ...], groups: Mapping[str, AccessGroup], seen: set[str]
) -> str | None:
    """How ``include`` reaches ``everyone``: directly, or through an Access group without
    require rules (a group that includes itself is not followed again)."""
    for rule in include:
        if rule.selector == "everyone":
            return "Everyone"
        group_id = str(rule.params.get("id", "")) if rule.selector == "group" else ""
        group = groups.get(group_id)
        if group is None or group.require or group_id in seen:
            continue
        inner = _everyone_path(group.include, groups, seen | {group_id})
        if inner is not None:
            return f"Access group {group.name!r} (which includes {inner})"
    return None
