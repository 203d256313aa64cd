"""ID-token checks, part one (IDT001-IDT004): structure, algorithm, key and signature.

IDT005-IDT012 (the claims every ID token must carry) live in
:mod:`oidc_probe.checks.id_token_claims` and IDT013-IDT017 (nbf, crit, typ, unique
names, lifetime) in :mod:`oidc_probe.checks.id_token_rules`, imported here so that
importing this module registers the whole IDT series. The raw ID token is never quoted in findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oidc_probe.checks import (
    id_token_claims,  # noqa: F401  (registers IDT005-IDT012)
    id_token_rules,  # noqa: F401  (registers IDT013-IDT017)
)
from oidc_probe.checks._inputs import header_alg
from oidc_probe.checks._support import normalised_notes
from oidc_probe.checks.needs import HEADER, ID_TOKEN, SIGNATURE
from oidc_probe.checks.registry import check
from oidc_probe.core.artefacts import DecodedJwt
from oidc_probe.core.context import RunContext, SignatureResult
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, failed, passed, skipped, warned
from oidc_probe.core.settings import ACCESS_ALGORITHMS

# Header parameters that point at key material; the probe, like a safe verifier, ignores them.
KEY_HEADER_PARAMS = ("jku", "x5u", "jwk", "x5c")


def _alg_accepted(alg: Any) -> bool:
    return isinstance(alg, str) and alg in ACCESS_ALGORITHMS


@check(
    "IDT001",
    "id-token-well-formed",
    Stage.ID_TOKEN,
    refs=("RFC7519-7.2", "RFC7515-7.1"),
    needs=(ID_TOKEN,),
)
def id_token_well_formed(ctx: RunContext, token: DecodedJwt) -> Iterator[Outcome]:
    """The ID token is a compact JWS: three base64url segments, a JSON header and a JSON payload.

    Why it matters: Cloudflare Access decodes the ID token to verify it and read the
    user's identity. A token that is not a well-formed signed JWT (an encrypted JWE,
    an opaque string, a truncated value) fails every later step, and Access reports
    only a generic login error.

    How to fix: make the identity provider return a signed, unencrypted JWT as
    ``id_token``. Cognito always does; a token that is not well-formed usually means
    something between the probe and the provider (a proxy, a custom token endpoint)
    rewrote the response, or ID-token encryption is enabled at a non-Cognito provider.

    A claim or header value normalised on arrival (an unpaired UTF-16 surrogate escape
    such as ``\\ud800`` replaced with U+FFFD, as Go's decoder does; JSON nested over 64
    levels kept as its text) is a warning naming where.

    References: RFC 7519 section 7.2 (validating a JWT); RFC 7515 section 7.1 (JWS compact
    serialization).
    """
    segments = token.raw.count(".") + 1
    hint = (
        "the identity provider must return a signed JWT (header.payload.signature, "
        "base64url) as id_token; with Cognito, check that nothing between the probe and the "
        "pool rewrites the token response"
    )
    if segments == 5:
        yield failed(
            "the ID token is encrypted (JWE, five segments); Access expects a signed JWT",
            hint="turn off ID-token encryption for this client at the identity provider",
            expected="3 segments",
            actual="5 segments",
        )
        return
    if segments != 3:
        yield failed(
            f"the ID token has {segments} dot-separated segment(s), not 3",
            hint=hint,
            expected="3 segments",
            actual=f"{segments} segment(s)",
        )
        return
    if token.error is not None or token.header is None or token.claims is None:
        yield failed(
            "the ID token cannot be decoded: "
            + (token.error or "the header or payload is not a JSON object"),
            hint=hint,
            expected="base64url JSON header and payload objects",
        )
        return
    yield passed("the ID token is a compact JWS with a JSON header and payload")
    yield from normalised_notes(token.notes)


@check(
    "IDT002",
    "id-token-alg-accepted",
    Stage.ID_TOKEN,
    refs=("RFC8725-3.1", "RFC8725-3.2", "CF-generic-oidc"),
    needs=(HEADER,),
)
def id_token_alg_accepted(ctx: RunContext, header: dict[str, object]) -> Iterator[Outcome]:
    """The ID token's ``alg`` is one Access accepts: RS256, RS512, PS512, ES256, ES384 or ES512.

    Why it matters: Access verifies ID-token signatures only with these algorithms. An
    unsigned token (``alg: none``) or an HMAC one (``HS256``...) must never be
    accepted: an HS* token verified with the provider's public key as the HMAC secret is
    the classic key-confusion attack, letting anyone forge identities. Header parameters
    that point at keys (``jku``, ``x5u``, ``jwk``, ``x5c``) are ignored: keys come only
    from ``certs_url``.

    How to fix: configure the identity provider to sign ID tokens with an asymmetric
    algorithm Access accepts. Cognito always signs with RS256, so any other value means
    the token did not come from Cognito unchanged.

    References: RFC 8725 sections 3.1 and 3.2 (algorithm verification and appropriate
    algorithms); Cloudflare generic OIDC documentation.
    """
    alg = header.get("alg")
    ignored = [name for name in KEY_HEADER_PARAMS if name in header]
    note = (
        f" (header parameter(s) {', '.join(ignored)} ignored: keys come only from certs_url)"
        if ignored
        else ""
    )
    expected = list(ACCESS_ALGORITHMS)
    if not isinstance(alg, str) or not alg:
        yield failed(
            "the ID token header has no alg" + note,
            hint="the identity provider must name its signing algorithm in the JWS header",
            expected=expected,
            actual=json_type(alg) if alg is None or not isinstance(alg, str) else alg,
        )
        return
    if alg.lower() == "none":
        yield failed(
            "the ID token is unsigned (alg none): anyone could have forged it" + note,
            hint=(
                "never accept unsigned ID tokens; configure the identity provider to sign them "
                "with RS256 (Cognito always does: an unsigned token did not come from Cognito)"
            ),
            expected=expected,
            actual=alg,
        )
        return
    if alg.upper().startswith("HS"):
        yield failed(
            f"the ID token is signed with {alg}, a shared-secret algorithm: verifying it with the "
            "provider's public key as the secret is a key-confusion attack" + note,
            hint=(
                "configure the identity provider to sign ID tokens with an asymmetric algorithm "
                "Access accepts (Cognito uses RS256); an HS* token claiming to be from Cognito "
                "is forged or tampered with"
            ),
            expected=expected,
            actual=alg,
        )
        return
    if alg not in ACCESS_ALGORITHMS:
        yield failed(
            f"the ID token is signed with {alg}, which Cloudflare Access does not accept" + note,
            hint="configure the identity provider to sign ID tokens with one of: "
            + ", ".join(expected),
            expected=expected,
            actual=alg,
        )
        return
    yield passed(f"the ID token is signed with {alg}, which Access accepts" + note, actual=alg)


def _refetch_note(ctx: RunContext) -> str:
    """How the one refetch for an unknown kid went, as a clause for the failure message."""
    if ctx.signature is not None and ctx.signature.refetched:
        return ", even after refetching it"
    refetch = ctx.jwks_refetch
    if refetch is not None and not refetch.ok:
        return f" (the refetch failed: {refetch.describe()})"
    return ""


def _jwks_key_count(ctx: RunContext) -> int | None:
    jwks = ctx.jwks
    keys = jwks.get("keys") if jwks is not None else None
    if isinstance(keys, list):
        return len(keys)
    if ctx.signature is not None and ctx.signature.known_kids:
        return len(ctx.signature.known_kids)
    return None


@check(
    "IDT003",
    "id-token-kid-known",
    Stage.ID_TOKEN,
    refs=("RFC7515-4.1.4", "OIDCC-10.1.1", "COGNITO-verify-jwt"),
    needs=(SIGNATURE,),
)
def id_token_kid_known(ctx: RunContext, signature: SignatureResult) -> Iterator[Outcome]:
    """The ID token header's ``kid`` names a key in the JWKS at ``certs_url`` (after one refetch).

    Why it matters: Access picks the verification key by ``kid`` from the key set at
    ``certs_url``. A ``kid`` that is not there means the token was signed by a key Access
    does not have (another pool, another region, or keys rotated without publishing).
    Without a ``kid``, a verifier can only guess when the set holds several keys.

    How to fix: point ``certs_url`` at the JWKS of the user pool that issues the tokens:
    ``https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json`` with the
    pool's own region and id. Other providers must publish the signing key before using
    it and put its ``kid`` in every token header.

    References: RFC 7515 section 4.1.4 (kid); OpenID Connect Core 1.0 section 10.1.1
    (rotation of asymmetric signing keys); AWS: verifying a JSON web token.
    """
    known = list(signature.known_kids)
    after = " after refetching certs_url" if signature.refetched else ""
    kid = signature.kid
    if kid is not None:
        if signature.key_found is True and len(signature.same_kid) > 1:
            sharing = len(signature.same_kid)
            yield warned(
                f"kid '{kid}' names {sharing} keys in the JWKS{after}: the set is ambiguous, and "
                "verifiers may pick different keys (the probe uses the first, never tries the "
                "others until one verifies)",
                hint=(
                    "publish each key under its own kid (RFC 7517 4.5); remove the stale or "
                    "foreign key that shares the signing key's kid"
                ),
                expected="one key per kid",
                actual=f"{sharing} keys with kid {kid}",
            )
        elif signature.key_found is True:
            yield passed(f"kid '{kid}' is in the JWKS{after}", actual=kid)
        elif signature.key_found is False:
            yield failed(
                f"kid '{kid}' is not in the JWKS at certs_url{_refetch_note(ctx)}",
                hint=(
                    "certs_url must be the JWKS of the pool that issues the tokens: check the "
                    "region and pool id in certs_url, and that the provider publishes its "
                    "signing key before using it"
                ),
                expected=known,
                actual=kid,
            )
        else:
            yield skipped(f"the key was not looked up: {signature.reason or 'no key selection'}")
        return
    count = _jwks_key_count(ctx)
    if count is None:
        yield skipped("no usable JWKS to look the key up in (see JWK001)")
    elif count == 0:
        yield skipped("the JWKS holds no keys (see JWK001)")
    elif count == 1 and signature.key_found is False:
        yield failed(
            f"the ID token header has no kid and the JWKS's only key cannot verify it: "
            f"{signature.reason}",
            hint=(
                "certs_url must hold the key that signs the tokens, of the type the token's "
                "alg needs (RSA for RS*/PS*, EC for ES*)"
            ),
            expected=f"a key for {signature.alg}",
            actual=signature.reason,
        )
    elif count == 1:
        yield passed(
            "the ID token header has no kid; the JWKS holds exactly one key, which is used"
        )
    else:
        yield warned(
            f"the ID token header has no kid and the JWKS holds {count} keys: a verifier cannot "
            "tell which key signed it, and Access may fail to verify it",
            hint=(
                "configure the identity provider to put the signing key's kid in every token "
                "header (Cognito always does)"
            ),
            expected="a kid in the header",
            actual="no kid",
        )


@check(
    "IDT004",
    "id-token-signature-valid",
    Stage.ID_TOKEN,
    refs=("OIDCC-3.1.3.7", "RFC7515-5.2", "COGNITO-verify-jwt"),
    needs=(SIGNATURE,),
)
def id_token_signature_valid(ctx: RunContext, signature: SignatureResult) -> Iterator[Outcome]:
    """The ID token's signature verifies with a ``certs_url`` key, by an algorithm Access accepts.

    Why it matters: Access rejects an ID token whose signature does not verify, and the
    user sees a generic login failure. A bad signature means the token was altered in
    transit or signed by a key that ``certs_url`` does not publish.

    How to fix: make sure ``certs_url`` is the JWKS of the issuing pool (same region and
    pool id as the issuer), and that nothing between the provider and Access modifies
    tokens. A token whose algorithm Access does not accept never passes here (see IDT002);
    nor does one whose header declares ``crit`` or ``b64`` (not verified at all, see
    IDT014) or whose key may not verify its algorithm (not tried, see IDT018). When the
    ``kid`` names several keys, the first decides and the finding says which of them
    verify: the probe never tries keys until one does. Without a ``kid`` the probe uses
    the only key of the token's type; with several, it does not guess and this check
    fails (the signature was not verified; IDT003 says why).

    A key the ``kid`` names that no verifier can use (an RSA exponent outside 3..n-1
    or even, an even or oversized modulus, a point off its curve, an unsupported
    curve) fails here, naming the key and the reason; so does a token over the 1 MiB
    cap, naming its size. A run whose ID-token signature was not verified never
    passes: when no other check explains why, this check fails with the reason.

    References: OpenID Connect Core 1.0 section 3.1.3.7 (ID token validation, step 6);
    RFC 7515 section 5.2 (JWS validation); AWS: verifying a JSON web token.
    """
    alg = header_alg(ctx)
    accepted = _alg_accepted(alg)
    where = f" with key '{signature.kid}'" if signature.kid else ""
    ambiguity = _same_kid_note(signature)
    if signature.valid is False:
        detail = f": {signature.reason}" if signature.reason else ""
        yield failed(
            f"the ID token signature does not verify{where}{detail}{ambiguity}",
            hint=(
                "the token was altered after signing or signed by a key certs_url does not "
                "publish: check certs_url names the issuing pool, and that no proxy rewrites tokens"
            ),
            expected="a valid signature",
            actual="invalid signature",
        )
    elif not accepted:
        shown = alg if isinstance(alg, str) else json_type(alg)
        yield skipped(
            f"the signature is not judged: alg {shown} is not one Access accepts (see IDT002)"
        )
    elif signature.kid is None and signature.key_found is False:
        yield failed(
            f"the ID token signature was not verified: {signature.reason}; a verifier cannot "
            "tell which key to use, and the probe does not guess",
            hint=(
                "configure the identity provider to put the signing key's kid in every token "
                "header (OpenID Connect Core 10.1 requires it when the set holds several keys; "
                "Cognito always does)"
            ),
            expected="a kid naming the signing key",
            actual=signature.reason,
        )
    elif signature.key_unusable:
        yield failed(
            f"the ID token signature cannot be verified: key '{signature.kid}' in the JWKS "
            f"cannot be used: {signature.key_unusable}",
            hint=(
                "the provider publishes a key no verifier can load, so Access cannot verify the "
                "ID tokens it signs: publish the signing key's real public members (n and e, or "
                "crv, x and y) at certs_url"
            ),
            expected="a public key a verifier can use",
            actual=signature.key_unusable,
        )
    elif signature.valid is True and ambiguity:
        yield warned(
            f"the ID token signature verifies ({alg}{where}){ambiguity}",
            hint="publish each key under its own kid, so every verifier picks the signing key",
            expected="one key per kid",
            actual=list(signature.same_kid),
        )
    elif signature.valid is True:
        yield passed(f"the ID token signature verifies ({alg}{where})", actual=alg)
    elif _explained_elsewhere(ctx, signature):
        yield skipped(
            f"the signature could not be verified: {signature.reason or 'no reason given'}"
        )
    else:
        yield failed(
            f"the ID token signature was not verified: {signature.reason or 'no reason given'}",
            hint=(
                "Access verifies the signature before it reads any claim; the reason above "
                "says what stopped the verification"
            ),
            expected="a verified signature",
            actual=signature.reason or "not verified",
        )


def _explained_elsewhere(ctx: RunContext, signature: SignatureResult) -> bool:
    """Whether the check that owns the cause of an unverified signature fails for it:
    IDT001 (the token does not decode), IDT003 (unknown kid), IDT014 (crit or b64),
    IDT018 (the key may not verify the alg), JWK001 (no key set)."""
    token = ctx.id_token
    header = token.header if token is not None else None
    return (
        (token is not None and token.error is not None)
        or bool(signature.key_problems)
        or (signature.kid is not None and signature.key_found is False)
        or (header is not None and ("crit" in header or "b64" in header))
        or ctx.jwks is None
    )


def _same_kid_note(signature: SignatureResult) -> str:
    """Which of several keys sharing the token's kid verify it, as a clause; empty if one key."""
    if len(signature.same_kid) < 2:
        return ""
    count = len(signature.same_kid)
    verifying = [str(n) for n, ok in enumerate(signature.same_kid, 1) if ok]
    which = f"key {', '.join(verifying)} of them verifies it" if verifying else "none verifies it"
    return (
        f"; the kid names {count} keys (the probe judged the first only; {which}): "
        "the set is ambiguous"
    )


@check(
    "IDT018",
    "id-token-key-fits-alg",
    Stage.ID_TOKEN,
    refs=("RFC8725-3.1", "RFC7517-4.2", "RFC7517-4.3", "RFC7517-4.4"),
    needs=(SIGNATURE,),
)
def id_token_key_fits_alg(ctx: RunContext, signature: SignatureResult) -> Iterator[Outcome]:
    """The JWKS key the token's ``kid`` selects may verify its ``alg``: type, use, key_ops, alg.

    What it checks: the selected key's ``kty`` (and curve) suits the token's ``alg``
    (RSA for RS*/PS*, EC P-256/P-384/P-521 for ES256/384/512); its ``use``, when
    present, is ``sig``; its ``key_ops``, when present, include ``verify``; its ``alg``,
    when present, is the token's. A key that does not fit is not tried.

    Why it matters: RFC 8725 3.1 requires each key to be used with exactly one
    algorithm; an encryption key, or a key published for another algorithm, must not
    verify ID tokens. Verifiers that honour these members reject the token and the
    login fails, with an error that looks like a bad signature.

    Access: unknown whether Access honours ``use``, ``key_ops`` and the key's ``alg``;
    the spec's verdict is kept.

    How to fix: publish the signing key with ``use: sig`` (or no ``use``), ``alg``
    equal to the signing algorithm (Cognito: RS256), and no ``key_ops`` or ones that
    include ``verify``; sign with the algorithm the key is for.

    References: RFC 8725 section 3.1; RFC 7517 sections 4.2 (use), 4.3 (key_ops) and
    4.4 (alg).
    """
    if signature.key_problems:
        yield failed(
            f"the key{' ' + repr(signature.kid) if signature.kid else ''} may not verify "
            f"{signature.alg} tokens: {'; '.join(signature.key_problems)}",
            hint=(
                "publish the signing key with use sig, the signing alg, and key_ops (if any) "
                "including verify; an encryption key must not share the signing key's kid"
            ),
            expected=f"a signing key for {signature.alg}",
            actual=list(signature.key_problems),
        )
        return
    if signature.key_found is not True or signature.valid is None:
        yield skipped(f"no key was selected: {signature.reason or 'no key selection'}")
        return
    yield passed(f"the selected key fits {signature.alg}")
