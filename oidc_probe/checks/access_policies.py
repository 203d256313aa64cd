"""Access policy checks (ACC001-ACC003): what Access will do with the identity the IdP gives.

The policies come from ``--policy FILE`` (or ``--cloudflare-app ID``); the evaluation is
:mod:`oidc_probe.access.evaluate`. Checks here read the run context only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oidc_probe.access.derived import custom_of, identity_of, setup_of
from oidc_probe.access.evaluate import (
    ORDER_NOTE,
    UNDETERMINED,
    Decision,
    Evaluator,
    RuleResult,
)
from oidc_probe.access.everyone import EVERYONE_SOURCES, admitting_everyone, login_method_only
from oidc_probe.access.identity import (
    CUSTOM_CLAIM_BUDGET,
    CUSTOM_CLAIM_BUDGET_NOTE,
    AccessIdentity,
)
from oidc_probe.access.setup import AccessSetup
from oidc_probe.checks import hints
from oidc_probe.checks._inputs import claims_or_reason
from oidc_probe.checks.needs import Missing, Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, Status, failed, passed, skipped, warned

NO_POLICIES = "no Access policies given (--policy FILE or --cloudflare-app ID)"
_NOT_EXPECTED = "no Access decision expected (--expect-access or access in --users)"
GROUP_CLAIMS = ("cognito:groups", "groups")
REFS = ("CF-policies", "CF-generic-oidc", "COGNITO-groups", "CF-mfa", "RFC8176")


def access_identity(ctx: RunContext) -> AccessIdentity | str:
    """The identity Access builds from this run's ID token, or why there is none (a SKIP)."""
    claims = claims_or_reason(ctx)
    if isinstance(claims, str):
        return claims
    if ctx.signature is None or ctx.signature.valid is not True:
        # Access verifies the ID token with the keys at certs_url (Cloudflare generic OIDC:
        # "Supported algorithms for verifying generic OIDC tokens"); unverified, it decides nothing.
        return "the ID token signature was not verified, so Access rejects the login (see IDT004)"
    identity = identity_of(ctx)  # computed once per run, shared with the reports
    assert identity is not None  # there are claims
    return identity


def decide(ctx: RunContext) -> tuple[AccessSetup, Decision] | str:
    setup = _policies(ctx)
    if isinstance(setup, str):
        return setup
    identity = access_identity(ctx)
    if isinstance(identity, str):
        return identity
    evaluator = Evaluator(
        identity,
        setup.groups,
        interactive=setup.interactive,
        email_lists=setup.email_lists,
        app_mfa=setup.app.mfa if setup.app is not None else None,
    )
    return setup, evaluator.decide(setup.policies)


def _policies(ctx: RunContext) -> AccessSetup | str:
    setup = setup_of(ctx)
    return NO_POLICIES if setup is None or not setup.policies else setup


def _expected(ctx: RunContext) -> str | Missing:
    expected = ctx.settings.expect_access
    return expected if expected is not None else Missing(_NOT_EXPECTED)


# The Access setup with policies to evaluate.
POLICIES: Need[AccessSetup] = need("Access policies", _policies)
# The access expected (allow, deny...), a string: not built with need(), where a string is the reason.
EXPECTED_ACCESS: Need[str] = Need("expected Access decision", _expected)
# The policies' decision on this run's identity, with the setup that holds them.
DECISION: Need[tuple[AccessSetup, Decision]] = need("Access decision", decide)
# The same, as zero or one decision: when it is missing ACC001 skips it and still warns
# about the policies themselves.
_DECIDED: Need[tuple[tuple[AccessSetup, Decision], ...]] = need(
    "Access decision", lambda ctx: _one(decide(ctx))
).or_else(())


def _one(found: tuple[AccessSetup, Decision] | str) -> tuple[tuple[AccessSetup, Decision]] | str:
    return found if isinstance(found, str) else (found,)


def evidence(decision: Decision) -> dict[str, Any]:
    """The decision as report evidence: outcome, policy, the deciding rule and what it compared."""
    result = decision.policy
    body: dict[str, Any] = {"decision": decision.outcome, "access": decision.access}
    if result is not None:
        body["policy"] = result.policy.name
        if result.deciding is not None:
            body["rule"] = result.deciding.text
            body["compared"] = result.deciding.compared
    body["evaluated"] = [
        f"{p.policy.name}: {_verdict(p.matched)}"
        + (f" ({p.deciding.text})" if p.deciding is not None else "")
        for p in decision.trace
    ]
    if decision.after:
        body["after"] = list(decision.after)
    if result is not None and result.policy.session_duration:
        body["session_duration"] = result.policy.session_duration
    if decision.branches:
        body["branches"] = list(decision.branches)
    if decision.not_evaluated:
        body["not_evaluated"] = list(decision.not_evaluated)
    if decision.assumed:
        body["assumed"] = decision.assumed
    if len(decision.trace) > 1:
        body["order"] = ORDER_NOTE
    if decision.unsettled:
        body["unsettled"] = list(decision.unsettled)
    return body


def decision_hint(ctx: RunContext, decision: Decision, fallback: str = "") -> str:
    """Why the user is denied, when a group rule or an unconfigured claim explains it.

    ``fallback`` stands in when nothing specific explains the decision; the notes on
    what no source settles (UNSETTLED, ASSUMED) always follow.
    """
    parts: list[str] = []
    if decision.access == "deny":
        claims = ctx.id_token_claims or {}
        for result in _oidc_results(decision):
            name = str(result.rule.params.get("claim_name", ""))
            if name in GROUP_CLAIMS and name not in claims and hints.ACCESS_NO_GROUPS not in parts:
                parts.append(hints.ACCESS_NO_GROUPS)
            elif name in claims and name not in ctx.config.claims:
                parts.append(f"{name}: {hints.ACCESS_CLAIM_NOT_CONFIGURED}")
    if decision.outcome == UNDETERMINED:
        parts.append(
            hints.ACCESS_UNDETERMINED if decision.depends_on_request else hints.ACCESS_UNKNOWN_DATA
        )
    if any(
        r.rule.selector == "auth_method" and r.matched is False and r.compared is None
        for p in decision.trace
        for r in p.results
    ):
        parts.append(hints.ACCESS_NO_AMR)
    if not parts and fallback:
        parts.append(fallback)
    parts += list(decision.unsettled)
    if decision.assumed:
        parts.append(decision.assumed)
    return "; ".join(dict.fromkeys(parts))


def _oidc_results(decision: Decision) -> Iterator[RuleResult]:
    for policy in decision.trace:
        for result in policy.results:
            if result.rule.selector == "oidc" and result.matched is False:
                yield result


def _verdict(matched: bool | None) -> str:
    return {True: "matched", False: "no match", None: "depends on the request"}[matched]


@check(
    "ACC001",
    "access-policy-decision",
    Stage.ACCESS,
    refs=REFS,
    severity=Status.WARN,
    needs=(_DECIDED,),
)
def access_policy_decision(
    ctx: RunContext, decided: tuple[tuple[AccessSetup, Decision], ...]
) -> Iterator[Outcome]:
    """The Access policies decide this user's access from the identity alone (the decision shown).

    The identity Access builds for a generic OIDC identity provider (email, the
    ``oidc_fields`` of the configured claims, IdP groups only from a claim named
    ``groups``) is evaluated against the policies given with ``--policy`` (or read with
    ``--cloudflare-app``). A pass reports the decision (allow, deny, bypass,
    non_identity, or no policy matched, which is deny), the policy and the rule that
    decided, and the values it compared. Semantics, from Cloudflare's policy page:
    include rules are OR, require rules AND, exclude rules NOT; Bypass and Service Auth
    policies run first, then Allow and Block by precedence, and the first that matches
    decides; OIDC Claim rules match whole values, array claims split into values. Rules
    that depend on the request (IP, country, device posture, ...) do not stop the
    evaluation: the policies are run over every outcome of those rules, and when every
    outcome gives the user the same access, that is the decision, with the branches named
    ("allow: Bypass policy 'Office' when ip(...) matches, otherwise Allow policy
    'Admins'"); only when outcomes differ is it "undetermined", naming the rule that
    decides. ``check`` assumes an interactive login (no service token, no client
    certificate, no linked-app token: Cloudflare says those rules need the Service Auth
    action, which covers "flows that do not require an identity provider IdP login"), so
    those rules do not match and Service Auth policies do not admit the user; the
    assumption is stated, and ``--any-request`` drops it. A Bypass policy with
    identity-based rules (Cloudflare: "Bypass policies do not support identity-based rule
    types") is reported with a warning and not evaluated. Authentication method rules
    match the ID token's ``amr`` values (Cloudflare: "based on the amr identifier", RFC
    8176; ASSUMED that Access reads the ID token's ``amr`` for generic OIDC); a token
    without ``amr``, which every Cognito user-pool ID token is, matches none. With
    ``--cloudflare-app``, ``email_list`` rules are judged on the Zero Trust list read from
    the API, and an allow by a policy with ``approval_required``,
    ``purpose_justification_required``, ``isolation_required`` or independent MFA (the
    policy's ``mfa_config``, else the application's) reads "allow, after ..." (see
    docs/access-application.md). What no
    Cloudflare page settles (case of emails and claim values, subdomains for "Emails
    ending in", non-string claim values) is marked UNSETTLED in the finding, and such a
    rule counts as unknown. Each Allow or Bypass policy whose include is Everyone
    (directly or through an Access group) with no require rule adds a warning: it lets in
    any identity that signs in through the identity provider (Cloudflare's Access API
    examples give the Everyone rule as "allow anyone to log in").

    Why it matters: "will alice get in, and why not?" is decided by these rules, not by
    the ID token alone. Cloudflare's policy tester answers it per user, but only for users
    who "have logged into the App Launcher or any other Access application at some point"
    (Cloudflare: Manage Access policies, "Test your policies"); this check answers before
    the first login and names the rule. An Include Everyone policy admits
    every user of the Cognito pool, anyone who can sign up among them.

    How to fix: a warning means a rule whose outcome changes the decision depends on the
    request (IP, country, device posture, ...) or on data not given (an Access group or
    list): Access decides when the user connects. Give ``--access-groups`` for group
    rules. A deny names the rule: fix the user's attributes or groups in Cognito, or the
    policy. For Include Everyone, name who may get in (an email domain, an Access group,
    an OIDC Claim rule on ``cognito:groups``) or add a require rule. For MFA with
    Cognito, use Cloudflare's independent MFA rather than an Authentication method rule.

    References: Cloudflare: Access policies; Cloudflare generic OIDC; AWS: user pool groups;
    Cloudflare: Enforce MFA; RFC 8176.
    """
    for setup, decision in decided:
        message = decision.describe()
        hint = decision_hint(ctx, decision)
        actual = {**evidence(decision), "policies_from": setup.source}
        if hints.ACCESS_NO_GROUPS in hint:
            message += " (the user is in no Cognito group, so cognito:groups is absent)"
        if decision.outcome == UNDETERMINED:
            yield failed(message, hint=hint, actual=actual)
        else:
            yield Outcome(Status.PASS, message, hint, actual=actual)
        for note in decision.not_evaluated:
            yield warned(
                note,
                hint=hints.ACCESS_BYPASS_IDENTITY,
                expected="Bypass policies with non-identity rules only (IP, country, ...)",
                actual={"policies_from": setup.source},
            )
    yield from _admitting_everyone(ctx)


def _admitting_everyone(ctx: RunContext) -> Iterator[Outcome]:
    """A warning for each Allow or Bypass policy that Include Everyone leaves unrestricted."""
    setup = setup_of(ctx)
    if setup is None:
        return
    signup = _self_sign_up(ctx)
    broad_ones = [
        *admitting_everyone(setup.policies, setup.groups),
        *login_method_only(setup.policies),
    ]
    for broad in broad_ones:
        yield warned(
            broad.describe() + signup,
            hint=hints.ACCESS_EVERYONE,
            subject=broad.policy.name,
            expected="an include that names who may get in, or a require rule",
            actual={"policy": broad.policy.name, "rule": broad.path, "sources": EVERYONE_SOURCES},
        )


@check(
    "ACC002",
    "access-expectation-met",
    Stage.ACCESS,
    refs=REFS,
    needs=(EXPECTED_ACCESS, DECISION),
)
def access_expectation_met(
    ctx: RunContext, expected: str, found: tuple[AccessSetup, Decision]
) -> Iterator[Outcome]:
    """The Access decision for the user is the one expected (``--expect-access`` or ``access``).

    ``--expect-access allow|deny`` (or ``access = "allow"`` for a user of the ``--users``
    file) states what the policies must decide. Allow and Bypass count as allow; Block,
    Service Auth (it admits service tokens and mTLS, not a user login) and "no policy
    matched" as deny. An undetermined decision fails: it cannot confirm the expectation.

    Why it matters: a change in Cognito (a user leaves a group, an attribute is no
    longer readable) or in a policy silently changes who gets in; a CI smoke test with
    the expected decision per test user catches it, naming the rule that decided.

    How to fix: read the deciding rule and the values it compared in the finding; fix
    the user (groups, attributes) in Cognito, the policy, or the expectation.

    References: Cloudflare: Access policies; Cloudflare generic OIDC; AWS: user pool groups.
    """
    _, decision = found
    message = decision.describe()
    if decision.access == expected:
        yield passed(
            f"expected {expected}, got {message}", expected=expected, actual=evidence(decision)
        )
        return
    yield failed(
        f"expected {expected}, got {message}",
        hint=decision_hint(
            ctx,
            decision,
            "the rule named decided: change the user's groups or attributes in Cognito, "
            "the policy, or the expectation",
        ),
        expected=expected,
        actual=evidence(decision),
    )


@check(
    "ACC003",
    "policy-claims-in-access-token",
    Stage.ACCESS,
    refs=("CF-custom-trimming", "CF-access-jwt", "CF-policies"),
    severity=Status.WARN,
    needs=(POLICIES,),
)
def policy_claims_in_access_token(ctx: RunContext, setup: AccessSetup) -> Iterator[Outcome]:
    """The claims the policies match on survive the trimming of the Access token's ``custom``.

    Access copies the configured claims into the ``custom`` claim of the application
    token it gives the protected application, and past an internal size budget drops
    claims from the end of the configured list first (Cloudflare docs pull request
    31700). This check takes the claims named by the policies' OIDC Claim rules and
    says whether the trimmed ``custom`` claim still carries them for this user.

    Why it matters: policies are judged on the full identity (get-identity always has
    every claim), but an application that repeats the decision from the token (a role
    check on ``custom["cognito:groups"]``) sees nothing for that user, without any
    error. Whether policy evaluation itself ever uses the trimmed claims is UNSETTLED.
    The budget is approximate, derived from the 4 KB cookie limit (see CLM006).

    How to fix: put the claims the policies use first in the Cloudflare claims list,
    remove claims nobody reads, or reduce the user's groups.

    References: Cloudflare docs PR 31700; Cloudflare: application token; Cloudflare:
    Access policies.
    """
    names = _policy_claims(setup)
    if not names:
        yield skipped("the policies have no OIDC Claim rule")
        return
    claims = claims_or_reason(ctx)
    if isinstance(claims, str):
        yield skipped(claims)
        return
    custom = custom_of(ctx)
    assert custom is not None  # there are claims
    dropped = [n for n in names if n in custom.dropped]
    limit = f"about {CUSTOM_CLAIM_BUDGET} bytes"
    actual = {"size": custom.size, "dropped": list(custom.dropped)}
    if not dropped:
        yield passed(
            f"the claims the policies use ({', '.join(names)}) stay in the token's custom claim "
            f"({custom.size} bytes, budget {limit})",
            expected=f"<= {limit}",
            actual=actual,
        )
        return
    yield failed(
        f"the policies match on {', '.join(dropped)}, which Access trims from its token's "
        f"custom claim for this user ({custom.size} bytes, budget {limit})",
        hint=(
            "list the claims the policies use first in the Cloudflare claims list, or reduce "
            f"the user's groups; {CUSTOM_CLAIM_BUDGET_NOTE}"
        ),
        expected=f"<= {limit}",
        actual=actual,
    )


SIGN_UP_SOURCE = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
    "API_AdminCreateUserConfigType.html"
)


def _self_sign_up(ctx: RunContext) -> str:
    """With ``--aws``: the pool lets users sign themselves up (AWS: AllowAdminCreateUserOnly
    "Set to False if users can sign themselves up via an app"), so an unrestricted include
    admits anyone who can create an account."""
    audit = ctx.pool_audit
    pool = audit.pool if audit is not None else None
    config = pool.get("AdminCreateUserConfig") if isinstance(pool, dict) else None
    if isinstance(config, dict) and config.get("AllowAdminCreateUserOnly") is False:
        return (
            "; the Cognito pool lets users sign themselves up (AllowAdminCreateUserOnly is "
            f"false, {SIGN_UP_SOURCE}), so this admits anyone who can create an account"
        )
    return ""


def _policy_claims(setup: AccessSetup) -> list[str]:
    names: list[str] = []
    rules = [r for p in setup.policies for r in (*p.include, *p.require, *p.exclude)]
    rules += [r for g in setup.groups.values() for r in (*g.include, *g.require, *g.exclude)]
    for rule in rules:
        name = rule.params.get("claim_name") if rule.selector == "oidc" else None
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names
