"""The effect of a pre token generation Lambda trigger, described per app client in the pool file.

The pool file holds what the Lambda would return, in the shape of the Lambda's response
(AWS, "Pre token generation Lambda trigger",
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html)::

    "pre_token_generation": {
      "lambda_version": "V1_0",
      "claimsOverrideDetails": {
        "claimsToAddOrOverride": {"groups": "admins,staff"},
        "claimsToSuppress": ["custom:department"],
        "groupOverrideDetails": {"groupsToOverride": ["a"], "iamRolesToOverride": ["arn:..."],
                                 "preferredRole": "arn:..."}}}

    "pre_token_generation": {
      "lambda_version": "V2_0",
      "claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"groups": ["a", "b"]},
                              "claimsToSuppress": []},
        "accessTokenGeneration": {"claimsToAddOrOverride": {}, "claimsToSuppress": [],
                                  "scopesToAdd": [], "scopesToSuppress": []},
        "groupOverrideDetails": {...}}}

What the emulator models from that page:

- V1_0 (the "basic features" event) changes the ID token only, and its
  ``claimsToAddOrOverride`` values are strings; the pool file refuses other types.
- V2_0 and V3_0 change the ID and the access token; values may be strings, numbers,
  booleans, arrays or JSON objects. (V3_0 adds machine-to-machine tokens, which the
  emulator does not issue.) ``scopesToAdd``/``scopesToSuppress`` change the access
  token's ``scope``.
- Some claims cannot be changed. The 2023 text of the page (github.com/awsdocs/
  amazon-cognito-developer-guide, doc_source/user-pool-lambda-pre-token-generation.md)
  lists acr, amr, aud, at_hash, auth_time, azp, cognito:username, exp, iat, identities,
  iss, jti, nbf, nonce, origin_jti, sub and token_use; the group and role claims change
  through ``groupOverrideDetails`` ("For group-related claims, use groupOverrideDetails
  instead"). The emulator also refuses the access token's client_id, scope, username and
  version (UNCERTAIN: the current V2/V3 list was not retrievable).
- ``groupOverrideDetails`` "replaces the cognito:groups claim in access tokens and ID
  tokens" (V1 too); ``iamRolesToOverride`` and ``preferredRole`` replace cognito:roles and
  cognito:preferred_role in the ID token.
- "If your function both suppresses and replaces a claim value, then Amazon Cognito
  suppresses the claim."

UNCERTAIN: whether Cognito refuses or drops a V1 claim literally named ``groups`` (the
emulator emits it, as a string); whether an empty ``groupsToOverride`` removes
``cognito:groups`` (the emulator removes it, as Cognito leaves the claim out for users in
no group). V2/V3 value types (strings, numbers, booleans, arrays, JSON) come from the
translated pages; the English text was not retrievable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

VERSIONS = frozenset({"V1_0", "V2_0", "V3_0"})
PROTECTED_CLAIMS = frozenset(
    {
        "acr",
        "amr",
        "aud",
        "auth_time",
        "azp",
        "exp",
        "iat",
        "identities",
        "iss",
        "sub",
        "token_use",
        "nonce",
        "at_hash",
        "cognito:username",
        "event_id",
        "jti",
        "nbf",
        "origin_jti",
        "client_id",
        "scope",
        "username",
        "version",
        "cognito:groups",
        "cognito:roles",
        "cognito:preferred_role",
    }
)


class _Fail(Protocol):
    def __call__(self, message: str) -> NoReturn: ...


@dataclass(frozen=True)
class TokenEdit:
    """What a pre-token-generation trigger changes in a token's claims."""

    add_or_override: dict[str, Any] = field(default_factory=dict)
    suppress: tuple[str, ...] = ()
    scopes_to_add: tuple[str, ...] = ()
    scopes_to_suppress: tuple[str, ...] = ()

    def apply(self, claims: dict[str, Any]) -> None:
        claims.update(self.add_or_override)
        for name in self.suppress:
            claims.pop(name, None)


@dataclass(frozen=True)
class GroupOverride:
    """A pre-token-generation trigger's override of the groups in the tokens."""

    groups: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None
    preferred_role: str | None = None


@dataclass(frozen=True)
class PreTokenGeneration:
    """The pre-token-generation trigger of the emulated pool (Cognito's Lambda trigger, modelled)."""

    version: str
    id_token: TokenEdit = field(default_factory=TokenEdit)
    access_token: TokenEdit | None = None
    groups: GroupOverride = field(default_factory=GroupOverride)


def parse_trigger(raw: Any, where: str, fail: _Fail) -> PreTokenGeneration:
    if not isinstance(raw, dict):
        fail(f"{where} must be a JSON object")
    version = raw.get("lambda_version")
    if version not in VERSIONS:
        fail(f"{where}.lambda_version must be one of {sorted(VERSIONS)}")
    if version == "V1_0":
        details = _obj(raw.get("claimsOverrideDetails", {}), f"{where}.claimsOverrideDetails", fail)
        return PreTokenGeneration(
            version=version,
            id_token=_edit(details, f"{where}.claimsOverrideDetails", fail, strings_only=True),
            groups=_groups(details, f"{where}.claimsOverrideDetails", fail),
        )
    key = "claimsAndScopeOverrideDetails"
    details = _obj(raw.get(key, {}), f"{where}.{key}", fail)
    id_raw = _obj(details.get("idTokenGeneration", {}), f"{where}.{key}.idTokenGeneration", fail)
    access_where = f"{where}.{key}.accessTokenGeneration"
    access_raw = _obj(details.get("accessTokenGeneration", {}), access_where, fail)
    return PreTokenGeneration(
        version=version,
        id_token=_edit(id_raw, f"{where}.{key}.idTokenGeneration", fail, strings_only=False),
        access_token=_edit(access_raw, access_where, fail, strings_only=False, scopes=True),
        groups=_groups(details, f"{where}.{key}", fail),
    )


def _obj(value: Any, where: str, fail: _Fail) -> dict[str, Any]:
    if not isinstance(value, dict):
        fail(f"{where} must be a JSON object")
    return value


def _strings(raw: dict[str, Any], key: str, where: str, fail: _Fail) -> tuple[str, ...] | None:
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(f"{where}.{key} must be an array of strings")
    return tuple(value)


def _edit(
    raw: dict[str, Any], where: str, fail: _Fail, *, strings_only: bool, scopes: bool = False
) -> TokenEdit:
    claims = _obj(raw.get("claimsToAddOrOverride", {}), f"{where}.claimsToAddOrOverride", fail)
    for name, value in claims.items():
        if name in PROTECTED_CLAIMS:
            fail(f"{where}.claimsToAddOrOverride: Cognito does not let a Lambda change {name!r}")
        if strings_only and not isinstance(value, str):
            fail(
                f"{where}.claimsToAddOrOverride.{name}: a V1_0 trigger returns string values "
                "only (use lambda_version V2_0 for arrays and JSON)"
            )
    suppress = _strings(raw, "claimsToSuppress", where, fail) or ()
    for name in suppress:
        if name in PROTECTED_CLAIMS:
            fail(f"{where}.claimsToSuppress: Cognito does not let a Lambda suppress {name!r}")
    return TokenEdit(
        add_or_override=dict(claims),
        suppress=suppress,
        scopes_to_add=(_strings(raw, "scopesToAdd", where, fail) or ()) if scopes else (),
        scopes_to_suppress=(_strings(raw, "scopesToSuppress", where, fail) or ()) if scopes else (),
    )


def _groups(details: dict[str, Any], where: str, fail: _Fail) -> GroupOverride:
    raw = _obj(details.get("groupOverrideDetails", {}), f"{where}.groupOverrideDetails", fail)
    preferred = raw.get("preferredRole")
    if preferred is not None and not isinstance(preferred, str):
        fail(f"{where}.groupOverrideDetails.preferredRole must be a string")
    sub = f"{where}.groupOverrideDetails"
    return GroupOverride(
        groups=_strings(raw, "groupsToOverride", sub, fail),
        roles=_strings(raw, "iamRolesToOverride", sub, fail),
        preferred_role=preferred,
    )
