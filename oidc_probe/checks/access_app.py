"""Access application checks (ACC004-ACC005): the application object and Cloudflare's tester.

Both read what ``--cloudflare-app`` (and ``--cloudflare-policy-test``) fetched from
Cloudflare's API into the run settings; see docs/access-application.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from oidc_probe.access.application import AccessApp
from oidc_probe.access.derived import setup_of
from oidc_probe.access.evaluate import UNDETERMINED, Decision
from oidc_probe.access.identity import AccessIdentity
from oidc_probe.access.setup import AccessSetup
from oidc_probe.checks import hints
from oidc_probe.checks.access_policies import DECISION, access_identity
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, failed, passed, skipped, warned

NO_APP = "no Access application read (--cloudflare-app ID)"
NO_TESTER = "Cloudflare's policy tester was not asked (--cloudflare-policy-test)"


def _app(ctx: RunContext) -> tuple[AccessSetup, AccessApp] | str:
    setup = setup_of(ctx)
    app = setup.app if setup is not None else None
    if setup is None or app is None:
        return NO_APP
    return setup, app


def _policy_test(ctx: RunContext) -> Mapping[str, str] | str:
    setup = setup_of(ctx)
    if setup is None or setup.tester is None:
        return NO_TESTER
    if setup.tester_status != "complete":
        return f"Cloudflare's policy test did not complete (status {setup.tester_status!r})"
    return setup.tester


# The Access application read with --cloudflare-app, and the setup it came with.
ACCESS_APP: Need[tuple[AccessSetup, AccessApp]] = need("Access application", _app)
# The complete answers of Cloudflare's policy tester (email -> access).
POLICY_TEST: Need[Mapping[str, str]] = need("Cloudflare policy test", _policy_test)


@check(
    "ACC004",
    "access-app-allows-idp",
    Stage.ACCESS,
    refs=("CF-api-access-apps", "CF-generic-oidc"),
    needs=(ACCESS_APP,),
)
def access_app_allows_idp(
    ctx: RunContext, found: tuple[AccessSetup, AccessApp]
) -> Iterator[Outcome]:
    """The Access application lets users log in through the identity provider probed.

    The application object (``--cloudflare-app``, read from ``GET /{accounts|zones}/{id}/
    access/apps/{app}``) lists in ``allowed_idps`` "the identity providers your users can
    select when connecting to this application", which "defaults to all IdPs configured in
    your account" when empty (cloudflare-python ``SelfHostedApplication``). The identity
    provider probed is ``--cloudflare-idp`` (or ``--idp-id``).

    Why it matters: when the Cognito identity provider is not among ``allowed_idps``,
    Access never offers it for this application, so nobody can log in through it, whatever
    the policies say; the policy decisions of ACC001 then never apply.

    How to fix: in Cloudflare, add the identity provider to the application's login
    methods (Access > Applications > the application > Login methods), or point the probe
    at the identity provider the application uses.

    References: Cloudflare API: Access applications; Cloudflare generic OIDC.
    """
    setup, app = found
    actual = {"allowed_idps": list(app.allowed_idps), "application": app.as_json()}
    if not app.allowed_idps:
        yield passed(
            f"application {app.name!r} allows every identity provider of the account "
            "(allowed_idps is empty)",
            actual=actual,
        )
        return
    if setup.idp_id is None:
        yield warned(
            f"application {app.name!r} allows only {', '.join(app.allowed_idps)}; the probed "
            "identity provider's Cloudflare id is unknown",
            hint="give --cloudflare-idp (or --idp-id) so the probe can tell whether this "
            "identity provider is allowed",
            actual=actual,
        )
        return
    if setup.idp_id in app.allowed_idps:
        yield passed(
            f"application {app.name!r} allows identity provider {setup.idp_id}",
            expected=setup.idp_id,
            actual=actual,
        )
        return
    yield failed(
        f"application {app.name!r} does not allow identity provider {setup.idp_id}: nobody "
        "can log in to it through this provider",
        hint="add the identity provider to the application's login methods in Cloudflare "
        "(allowed_idps), or probe the identity provider the application uses",
        subject=setup.idp_id,
        expected=f"{setup.idp_id} in allowed_idps",
        actual=actual,
    )


TESTER_ACCESS = {"approved": "allow", "blocked": "deny"}


@check(
    "ACC005",
    "access-policy-tester-agrees",
    Stage.ACCESS,
    refs=("CF-policy-tester", "CF-policies"),
    needs=(POLICY_TEST, DECISION),
)
def access_policy_tester_agrees(
    ctx: RunContext, tester: Mapping[str, str], found: tuple[AccessSetup, Decision]
) -> Iterator[Outcome]:
    """Cloudflare's own policy tester gives this user the decision the probe gives.

    With ``--cloudflare-policy-test`` the probe runs Cloudflare's policy tester on the
    application's policies through the API (``POST /accounts/{id}/access/policy-tests``,
    then the test's users with ``status`` "approved" or "blocked"; cloudflare-python
    ``policy_test_*`` and ``policy_tests/user_list_response`` types) and puts its answer
    for the user (matched by email) beside ACC001's decision. The tester judges only users
    who "have logged into the App Launcher or any other Access application at some point",
    with "the user's identity from their most recent Access login attempt" (Cloudflare:
    Manage Access policies, "Test your policies").

    Why it matters: the probe models Access; the tester is Access. A disagreement means
    the model and Cloudflare read a rule differently (a case-sensitivity question, a
    claim the last real login carried and this one does not, a rule the probe cannot
    judge), and the probe's verdict cannot be trusted for this user until it is
    explained.

    How to fix: compare the identity of the user's last Access login (the tester's) with
    this login's (ACC001's evidence); a user whose Cognito groups or attributes changed
    since then is judged on the old values by the tester. Otherwise report the rule to
    oidc-probe.

    References: Cloudflare: Manage Access policies (Test your policies); Cloudflare:
    Access policies.
    """
    _, decision = found
    email = decision_email(ctx)
    theirs = tester.get(email.lower()) if email else None
    if theirs is None:
        yield skipped(
            f"Cloudflare's policy tester does not know {email or 'this user'}: it judges only "
            "users who logged in to Access before"
        )
        return
    expected = TESTER_ACCESS.get(theirs, theirs)
    actual = {"probe": decision.access, "cloudflare": theirs, "decision": decision.describe()}
    if decision.access == expected:
        yield passed(
            f"Cloudflare's policy tester agrees: {theirs} ({decision.access})",
            expected=expected,
            actual=actual,
        )
    elif decision.access == UNDETERMINED:
        yield warned(
            f"Cloudflare's policy tester says {theirs} for the user's last login; the probe's "
            "decision depends on the request",
            hint=hints.ACCESS_TESTER,
            expected=expected,
            actual=actual,
        )
    else:
        yield failed(
            f"Cloudflare's policy tester says {theirs}, the probe says {decision.access}",
            hint=hints.ACCESS_TESTER,
            expected=expected,
            actual=actual,
        )


def decision_email(ctx: RunContext) -> str | None:
    identity = access_identity(ctx)
    return identity.email if isinstance(identity, AccessIdentity) else None
