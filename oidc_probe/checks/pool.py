"""Pool checks (AWS001-AWS014; AWS015 is in ``pool_issuer``): the user pool's configuration as the AWS API describes it.

They judge ``ctx.pool_audit``, filled by ``oidc-probe audit`` or ``check --aws``; without
it they are skipped, saying so. A field the API did not return is reported as unknown
(SKIP or INFO), never as a pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oidc_probe.checks._claims import access_claims
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, Status, failed, info, passed, skipped, warned
from oidc_probe.core.pool import AUDIT_NOT_RUN, PoolAudit, is_user_attribute

NOT_RUN = AUDIT_NOT_RUN
ACCESS_CALLBACK = "https://{}.cloudflareaccess.com/cdn-cgi/access/callback"
_REFS_CLIENT = ("COGNITO-app-client", "CF-cognito")
# What a check needs described, in order, and the check that reports it missing.
_DESCRIBED = (
    ("DescribeUserPool", "user pool", "AWS001"),
    ("DescribeUserPoolClient", "app client", "AWS002"),
)


def audit_or_reason(
    ctx: RunContext, *, client: bool = False, users: bool = False
) -> PoolAudit | str:
    """The audit with a described pool, or why there is none (for a SKIP).

    With ``client`` the app client must be described too; with ``users`` at least one
    user (``--username``) must have been asked about.
    """
    audit = ctx.pool_audit
    if audit is None:
        return NOT_RUN
    for action, what, see in _DESCRIBED if client else _DESCRIBED[:1]:
        failure = audit.failure(action)
        if failure is not None:
            return (
                f"the {what} was not found (see {see})" if failure.not_found else failure.describe()
            )
    if client and audit.client is None:
        return "the app client was not described"
    if users and not audit.users:
        return "no username given (--username)"
    return audit


def _audit(ctx: RunContext) -> PoolAudit | str:
    return NOT_RUN if ctx.pool_audit is None else ctx.pool_audit


# The pool audit, whatever AWS answered.
AUDIT: Need[PoolAudit] = need("pool audit", _audit)
# The audit with the user pool described.
POOL: Need[PoolAudit] = need("described user pool", audit_or_reason)
# The audit with the user pool and the app client described.
POOL_CLIENT: Need[PoolAudit] = need(
    "described app client", lambda ctx: audit_or_reason(ctx, client=True)
)
# The audit with the user pool described and at least one user asked about.
POOL_USERS: Need[PoolAudit] = need("described users", lambda ctx: audit_or_reason(ctx, users=True))


def _client_list(audit: PoolAudit, key: str) -> list[Any]:
    """A list field of the described app client (empty when absent)."""
    return list((audit.client or {}).get(key) or [])


def attribute_claims(ctx: RunContext) -> tuple[str, ...]:
    """The claims Access needs that are user pool attributes (email, name, custom:*, ...)."""
    return tuple(name for name in access_claims(ctx.config) if is_user_attribute(name))


@check(
    "AWS001", "pool-found", Stage.POOL, refs=("COGNITO-user-pools", "COGNITO-iam"), needs=(AUDIT,)
)
def pool_found(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The user pool named in ``certs_url`` exists (DescribeUserPool).

    Why it matters: ``certs_url`` names the pool whose keys Access trusts; a pool that does
    not exist in that region (a typo, a deleted pool, the wrong AWS account) can sign no
    token Access accepts.

    How to fix: copy the pool id from the Cognito console (User pools > the pool > Overview)
    into ``certs_url``: ``https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/
    jwks.json``, and use credentials of the account that owns the pool.

    References: AWS: user pools; AWS: IAM permissions for Cognito.
    """
    failure = audit.failure("DescribeUserPool")
    if failure is None:
        name = (audit.pool or {}).get("Name", "")
        yield passed(f"user pool {audit.pool_id} ({name}) found in {audit.region}")
    elif failure.not_found:
        yield failed(
            f"user pool {audit.pool_id} does not exist in {audit.region} for these credentials",
            hint="check the pool id in certs_url and that the credentials belong to the pool's "
            "AWS account",
            subject=audit.pool_id,
            expected="an existing user pool",
            actual=failure.code,
        )
    else:
        yield skipped(failure.describe())


@check("AWS002", "app-client-found", Stage.POOL, refs=_REFS_CLIENT, needs=(POOL,))
def app_client_found(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The config's ``client_id`` is an app client of that pool (DescribeUserPoolClient).

    Why it matters: Access sends ``client_id`` in the authorization request; Cognito
    answers an unknown client with an error page and the login never starts.

    How to fix: copy the client id from the pool's App clients page into ``client_id``.

    References: AWS: app clients; Cloudflare: Amazon Cognito.
    """
    failure = audit.failure("DescribeUserPoolClient")
    if failure is None and audit.client is not None:
        name = audit.client.get("ClientName", "")
        yield passed(f"app client {audit.client_id} ({name}) found in the pool")
    elif failure is not None and failure.not_found:
        yield failed(
            f"the pool has no app client {audit.client_id or '(none given)'}",
            hint="copy the app client id from the pool's App clients page into client_id",
            subject=audit.client_id,
            expected="an app client of the pool",
            actual=failure.code,
        )
    else:
        yield skipped(failure.describe() if failure else "the app client was not described")


@check("AWS003", "client-has-secret", Stage.POOL, refs=_REFS_CLIENT, needs=(POOL_CLIENT,))
def client_has_secret(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The app client has a client secret (Access is a confidential client).

    Why it matters: Access authenticates to the token endpoint with the client secret. A
    public client (no secret) makes that exchange fail, and Cognito cannot add a secret to
    an existing client.

    How to fix: create a new app client with "Generate client secret" (a confidential,
    "traditional web application" client) and use its id and secret in Cloudflare.

    References: AWS: app clients; Cloudflare: Amazon Cognito.
    """
    if audit.client_secret is None:
        yield failed(
            "the app client has no client secret; Access needs a confidential client",
            hint="create a new app client with a client secret (it cannot be added later)",
            expected="a client secret",
            actual="none",
        )
    else:
        yield passed("the app client has a client secret")


@check(
    "AWS004",
    "code-flow-enabled",
    Stage.POOL,
    refs=(*_REFS_CLIENT, "COGNITO-authorize-endpoint"),
    needs=(POOL_CLIENT,),
)
def code_flow_enabled(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The app client allows the ``code`` grant and has OAuth turned on for the user pool.

    Why it matters: Access runs the authorization-code flow. Without ``code`` in
    AllowedOAuthFlows, or with AllowedOAuthFlowsUserPoolClient off, Cognito refuses the
    authorization request (``unauthorized_client``).

    How to fix: App client > Login pages > OAuth 2.0 grant types: select "Authorization code
    grant"; the hosted UI / managed login must be configured for the client.

    References: AWS: app clients; Cloudflare: Amazon Cognito; AWS: authorize endpoint.
    """
    client = audit.client or {}
    flows = list(client.get("AllowedOAuthFlows") or [])
    enabled = bool(client.get("AllowedOAuthFlowsUserPoolClient"))
    if "code" in flows and enabled:
        yield passed("the app client allows the authorization-code grant")
        return
    problems = []
    if "code" not in flows:
        problems.append(f"AllowedOAuthFlows is {flows or '(empty)'}, without 'code'")
    if not enabled:
        problems.append("AllowedOAuthFlowsUserPoolClient is off")
    yield failed(
        "; ".join(problems),
        hint="select the 'Authorization code grant' OAuth 2.0 grant type on the app client",
        expected={"AllowedOAuthFlows": "contains code", "AllowedOAuthFlowsUserPoolClient": True},
        actual={"AllowedOAuthFlows": flows, "AllowedOAuthFlowsUserPoolClient": enabled},
    )


@check(
    "AWS005",
    "scopes-allowed",
    Stage.POOL,
    refs=(*_REFS_CLIENT, "COGNITO-scopes"),
    needs=(POOL_CLIENT,),
)
def scopes_allowed(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """Every configured scope is in the app client's AllowedOAuthScopes, ``openid`` among them.

    Why it matters: Cognito refuses an authorization request with a scope the client does
    not allow (``invalid_scope``), and without ``openid`` it issues no ID token at all.

    How to fix: App client > Login pages > OpenID Connect scopes: select each scope of the
    Cloudflare config (at least ``openid``; ``email`` and ``profile`` for the claims), or
    remove the scope from the config.

    References: AWS: app clients; Cloudflare: Amazon Cognito; AWS: scopes.
    """
    allowed = _client_list(audit, "AllowedOAuthScopes")
    for scope in dict.fromkeys(("openid", *ctx.config.scopes)):
        if scope in allowed:
            yield passed(f"the app client allows '{scope}'", subject=scope)
        else:
            why = "; without it Cognito issues no ID token" if scope == "openid" else ""
            yield failed(
                f"the app client does not allow the '{scope}' scope{why}",
                hint=f"allow '{scope}' on the app client (OpenID Connect scopes), or remove it "
                "from the Cloudflare config's scopes",
                subject=scope,
                expected="in AllowedOAuthScopes",
                actual=allowed,
            )


@check(
    "AWS006",
    "probe-redirect-registered",
    Stage.POOL,
    refs=_REFS_CLIENT,
    severity=Status.WARN,
    needs=(POOL_CLIENT,),
)
def probe_redirect_registered(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The probe's redirect URI is one of the app client's CallbackURLs.

    Why it matters: ``oidc-probe check`` logs in with this redirect URI; Cognito refuses
    any that is not registered (``redirect_mismatch``), so the full check cannot run. It
    does not affect Access itself (see AWS007), hence a warning.

    How to fix: add the redirect URI (default ``http://localhost:8765/callback``) to the app
    client's allowed callback URLs, or pass ``--redirect-uri`` with one that is registered.

    References: AWS: app clients; Cloudflare: Amazon Cognito.
    """
    callbacks = _client_list(audit, "CallbackURLs")
    uri = ctx.settings.redirect_uri
    if uri in callbacks:
        yield passed(f"{uri} is a registered callback URL", subject=uri)
    else:
        yield failed(
            f"the probe's redirect URI {uri} is not a registered callback URL",
            hint=f"add {uri} to the app client's allowed callback URLs, or pass --redirect-uri",
            subject=uri,
            expected="in CallbackURLs",
            actual=callbacks,
        )


@check("AWS007", "access-callback-registered", Stage.POOL, refs=_REFS_CLIENT, needs=(POOL_CLIENT,))
def access_callback_registered(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """Access's callback URL (``https://<team>.cloudflareaccess.com/...``) is a CallbackURL.

    The URL is ``https://<team>.cloudflareaccess.com/cdn-cgi/access/callback``.

    Why it matters: Access sends its own callback as the redirect URI; if it is not
    registered, Cognito shows ``redirect_mismatch`` and no one can log in through Access.
    With ``--team-name`` the exact URL is checked; without it the check lists the Access
    callbacks found and warns when there is none.

    How to fix: add ``https://<your team name>.cloudflareaccess.com/cdn-cgi/access/callback``
    to the app client's allowed callback URLs (the team name is in Zero Trust > Settings).

    References: AWS: app clients; Cloudflare: Amazon Cognito.
    """
    callbacks = _client_list(audit, "CallbackURLs")
    if audit.team_name:
        wanted = ACCESS_CALLBACK.format(audit.team_name)
        if wanted in callbacks:
            yield passed(f"Access's callback {wanted} is registered", subject=audit.team_name)
        else:
            yield failed(
                f"Access's callback {wanted} is not a registered callback URL",
                hint=f"add {wanted} to the app client's allowed callback URLs",
                subject=audit.team_name,
                expected=wanted,
                actual=callbacks,
            )
        return
    found = [url for url in callbacks if ".cloudflareaccess.com/" in url]
    if found:
        yield info(
            f"Access callback(s) registered: {', '.join(found)} (pass --team-name to check yours)",
            actual=found,
        )
    else:
        yield warned(
            "no *.cloudflareaccess.com callback URL is registered: Access cannot log in",
            hint="add https://<team name>.cloudflareaccess.com/cdn-cgi/access/callback to the app "
            "client's allowed callback URLs (pass --team-name to check the exact URL)",
            expected="an Access callback",
            actual=callbacks,
        )


@check("AWS008", "identity-provider-enabled", Stage.POOL, refs=_REFS_CLIENT, needs=(POOL_CLIENT,))
def identity_provider_enabled(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The app client has an identity provider (COGNITO or a federated one) to sign users in.

    Why it matters: with no entry in SupportedIdentityProviders the login page offers no way
    to sign in, and Cognito answers the authorization request with an error.

    How to fix: App client > Login pages > Identity providers: select "Cognito user pool"
    (and/or the federated provider your users sign in with).

    References: AWS: app clients; Cloudflare: Amazon Cognito.
    """
    providers = _client_list(audit, "SupportedIdentityProviders")
    if providers:
        yield passed(f"users sign in through {', '.join(providers)}", actual=providers)
    else:
        yield failed(
            "the app client has no identity provider (SupportedIdentityProviders is empty)",
            hint="select 'Cognito user pool' (COGNITO) or a federated provider on the app client",
            expected="COGNITO or a federated provider",
            actual=providers,
        )


# The claims Access needs that are user attributes (AWS009 judges each).
_ATTRIBUTES: Need[tuple[str, ...]] = need(
    "attribute claims",
    lambda ctx: attribute_claims(ctx) or "no claim Access needs is a user attribute",
)


@check(
    "AWS009",
    "claim-attribute-readable",
    Stage.POOL,
    refs=(*_REFS_CLIENT, "COGNITO-attributes"),
    needs=(POOL_CLIENT.about_each(lambda ctx: attribute_claims(ctx) or ("claims",)), _ATTRIBUTES),
)
def claim_attribute_readable(
    ctx: RunContext, audit: PoolAudit, names: tuple[str, ...]
) -> Iterator[Outcome]:
    """Each attribute claim Access needs is readable by the app client and in the schema.

    One finding per claim that is a user attribute (``email``, ``name``, ``custom:*``, ...);
    a ``custom:*`` attribute must also be defined in the pool's schema.

    Why it matters: Cognito puts an attribute in the ID token only if the app client may
    read it (ReadAttributes; empty means every attribute). A ``custom:`` attribute that the
    schema does not define never appears. The token then silently lacks the claim and
    Access policies that rely on it deny.

    How to fix: App client > Attribute permissions: allow reading the attribute; for a
    missing ``custom:`` attribute, add it to the pool (Sign-up > Custom attributes) or fix
    the spelling in the Cloudflare config's claims.

    References: AWS: app clients; Cloudflare: Amazon Cognito; AWS: user pool attributes.
    """
    schema = audit.schema_names
    for name in names:
        if name.startswith("custom:") and name not in schema:
            customs = sorted(n for n in schema if n.startswith("custom:"))
            yield failed(
                f"the pool's schema defines no attribute '{name}'",
                hint=f"add the custom attribute to the pool or fix the name (the pool has: "
                f"{', '.join(customs) or 'no custom attributes'})",
                subject=name,
                expected="defined in the schema",
                actual=customs,
            )
        elif not audit.readable(name):
            yield failed(
                f"the app client's ReadAttributes do not include {name}",
                hint=f"give the app client read permission for {name} (App client > Attribute "
                "permissions)",
                subject=name,
                expected="readable",
                actual=list(audit.read_attributes),
            )
        else:
            how = "every attribute" if not audit.read_attributes else "it"
            yield passed(f"the app client can read {how}: {name}", subject=name)


@check(
    "AWS010",
    "domain-serves-pool",
    Stage.POOL,
    refs=("COGNITO-hosted-ui", "CF-cognito"),
    needs=(POOL,),
)
def domain_serves_pool(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """The domain of ``auth_url`` belongs to this pool, and which login it serves.

    Why it matters: ``auth_url`` must be the pool's own domain (prefix domain
    ``<prefix>.auth.<region>.amazoncognito.com`` or its custom domain). A domain of another
    pool logs users into that pool, with tokens ``certs_url`` cannot verify. The finding
    also says whether the domain serves the classic hosted UI or managed login (whose page
    needs JavaScript: use ``--login headless-browser``).

    How to fix: use the domain shown on the pool's Domain page in ``auth_url`` and
    ``token_url``, or create a domain for the pool.

    References: AWS: hosted UI and managed login; Cloudflare: Amazon Cognito.
    """
    name = audit.domain_name
    if name is None:
        yield skipped("auth_url is on a loopback host (an emulator), not a Cognito domain")
        return
    failure = audit.failure("DescribeUserPoolDomain")
    if failure is not None:
        yield skipped(failure.describe(), subject=name)
        return
    owner = (audit.domain or {}).get("UserPoolId")
    if not owner:
        yield failed(
            f"no user pool has the domain {name}",
            hint="use the domain on the pool's Domain page in auth_url and token_url",
            subject=name,
            expected=audit.pool_id,
            actual="no such domain",
        )
    elif owner != audit.pool_id:
        yield failed(
            f"the domain {name} belongs to pool {owner}, not to {audit.pool_id} (certs_url)",
            hint="use this pool's domain in auth_url and token_url, or its pool id in certs_url",
            subject=name,
            expected=audit.pool_id,
            actual=owner,
        )
    else:
        version = (audit.domain or {}).get("ManagedLoginVersion")
        if version == 2:
            yield Outcome(
                Status.PASS,
                f"the domain {name} serves this pool with managed login",
                hint="managed login pages need JavaScript: use --login headless-browser",
                subject=name,
            )
        elif version == 1:
            yield passed(
                f"the domain {name} serves this pool with the classic hosted UI", subject=name
            )
        else:
            yield passed(
                f"the domain {name} serves this pool (the API did not say which login it serves)",
                subject=name,
            )


@check(
    "AWS011",
    "pre-token-trigger",
    Stage.POOL,
    refs=("COGNITO-pre-token", "COGNITO-id-token"),
    needs=(POOL,),
)
def pre_token_trigger(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """Whether a pre token generation Lambda trigger runs, and its version (INFO when it does).

    Why it matters: the Lambda can add, change or suppress any claim of the ID token, so
    the token may differ from what the pool's attributes and groups predict. Knowing it
    runs explains claims the other checks cannot.

    How to fix: nothing by itself. When a claim is missing or wrong, look at the Lambda's
    code (V1_0 sees only ID-token claims; V2_0 and V3_0 also the access token).

    References: AWS: pre token generation trigger; AWS: the ID token.
    """
    trigger = audit.pre_token_trigger
    if trigger is None:
        yield passed("no pre token generation trigger: the claims come from the pool as it is")
    else:
        version, arn = trigger
        yield info(
            f"a pre token generation Lambda ({version}) runs: claims may be added, changed or "
            "suppressed there",
            actual={"version": version, "lambda": arn},
        )


@check("AWS012", "user-can-sign-in", Stage.POOL, refs=("COGNITO-users",), needs=(POOL_USERS,))
def user_can_sign_in(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """With ``--username``: the user exists, is enabled and CONFIRMED.

    Why it matters: a user who does not exist, is disabled, or is not confirmed (for example
    FORCE_CHANGE_PASSWORD after an admin created them) cannot complete the login Access
    sends them to.

    How to fix: create the user, enable them, or complete the confirmation (the user signs
    in once and sets a password, or an administrator confirms them).

    References: AWS: managing users.
    """
    for facts in audit.users.values():
        name = facts.username
        if facts.user is None:
            failure = facts.failures[0] if facts.failures else None
            if failure is not None and not failure.not_found:
                yield skipped(failure.describe(), subject=name)
                continue
            yield failed(
                f"{name} does not exist in the pool",
                hint="check the username (or email alias) or create the user",
                subject=name,
                expected="an existing user",
                actual="not found",
            )
            continue
        enabled = bool(facts.user.get("Enabled", True))
        status = str(facts.user.get("UserStatus", ""))
        problems = ([] if enabled else ["is disabled"]) + (
            [] if status == "CONFIRMED" else [f"has status {status or 'unknown'}"]
        )
        if problems:
            yield failed(
                f"{name} {' and '.join(problems)}",
                hint="enable the user and complete the confirmation (a new user must sign in "
                "once and set a password: FORCE_CHANGE_PASSWORD)",
                subject=name,
                expected={"Enabled": True, "UserStatus": "CONFIRMED"},
                actual={"Enabled": enabled, "UserStatus": status},
            )
        else:
            yield passed(f"{name} is enabled and CONFIRMED", subject=name)


@check("AWS013", "user-has-email", Stage.POOL, refs=("COGNITO-attributes",), needs=(POOL_USERS,))
def user_has_email(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """With ``--username``: the user has an email address (a warning when it is unverified).

    Why it matters: Access identifies users by email; a user without one fails the login,
    and an unverified address may not belong to the person signing in.

    How to fix: set the user's email attribute and verify it.

    References: AWS: user pool attributes.
    """
    for facts in audit.users.values():
        if facts.user is None:
            yield skipped(f"{facts.username} was not read (see AWS012)", subject=facts.username)
            continue
        attributes = facts.attributes
        email = attributes.get("email")
        if not email:
            yield failed(
                f"{facts.username} has no email address",
                hint="set the user's email attribute (Access identifies users by email)",
                subject=facts.username,
                expected="an email address",
                actual="none",
            )
        elif attributes.get("email_verified", "").lower() != "true":
            yield warned(
                f"{facts.username} has the email {email}, not verified",
                hint="verify the user's email (verification code, or mark it verified as an "
                "administrator once confirmed)",
                subject=facts.username,
                expected="email_verified true",
                actual=attributes.get("email_verified", "unset"),
            )
        else:
            yield passed(f"{facts.username} has the verified email {email}", subject=facts.username)


@check(
    "AWS014",
    "user-attributes-set",
    Stage.POOL,
    refs=("COGNITO-attributes", "CF-generic-oidc"),
    needs=(POOL_USERS,),
)
def user_attributes_set(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """With ``--username``: the user has a value for each attribute claim, and their groups.

    With ``cognito:groups`` among the configured claims the user must be in at least one
    group; otherwise the groups are listed.

    Why it matters: Cognito leaves an unset attribute out of the ID token, and leaves
    ``cognito:groups`` out for a user in no group; Access policies that read them deny.

    How to fix: set the attribute for the user (AdminUpdateUserAttributes or the console),
    or add the user to a group.

    References: AWS: user pool attributes; Cloudflare generic OIDC (custom claims).
    """
    pool_groups = list(audit.groups or ())
    wants_groups = "cognito:groups" in ctx.config.claims
    names = [n for n in attribute_claims(ctx) if n != ctx.config.email_claim_name]
    for facts in audit.users.values():
        who = facts.username
        if facts.user is None:
            yield skipped(f"{who} was not read (see AWS012)", subject=who)
            continue
        attributes = facts.attributes
        for name in names:
            if attributes.get(name):
                yield passed(f"{who} has a value for {name}", subject=f"{who} {name}")
            else:
                yield failed(
                    f"{who} has no value for {name}",
                    hint=f"set {name} for {who}; Cognito leaves unset attributes out of the token",
                    subject=f"{who} {name}",
                    expected="a value",
                    actual="unset",
                )
        if facts.groups is None:
            failure = facts.failures[0] if facts.failures else None
            yield skipped(failure.describe() if failure else "groups not read", subject=who)
        elif facts.groups:
            yield passed(f"{who} is in {', '.join(facts.groups)}", subject=f"{who} groups")
        elif wants_groups:
            yield failed(
                f"{who} is in no group; the pool has groups {', '.join(pool_groups) or '(none)'}",
                hint="add the user to a group: Cognito leaves cognito:groups out for users in "
                "no group",
                subject=f"{who} groups",
                expected="at least one group",
                actual=[],
            )
        else:
            yield info(f"{who} is in no group", subject=f"{who} groups")
