"""The vocabulary of a run: stages, statuses, outcomes and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any


class Status(StrEnum):
    """The result of one check for one subject."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"
    SKIP = "skip"


class Stage(Enum):
    """Pipeline stages in run order; checks are grouped by the stage whose artefacts they judge."""

    CONFIG = ("config", "Configuration")
    POOL = ("pool", "Pool configuration (AWS API)")
    DISCOVERY = ("discovery", "Discovery document")
    JWKS = ("jwks", "Signing keys (JWKS)")
    AUTHORIZE = ("authorize", "Authorization and login")
    TOKEN = ("token", "Token exchange")
    ID_TOKEN = ("id_token", "ID token")
    CLAIMS = ("claims", "Claims Access will see")
    ACCESS = ("access", "What Access will do")
    USERINFO = ("userinfo", "Userinfo endpoint")
    # Judged only by `verify-access`, never by a probe run (see checks.catalogue.probe_checks).
    ACCESS_JWT = ("access_jwt", "Access application token")

    def __init__(self, key: str, title: str) -> None:
        self.key = key
        self.title = title

    @property
    def order(self) -> int:
        return list(Stage).index(self)


@dataclass(frozen=True)
class Outcome:
    """What a check function yields: a status for one subject, with evidence.

    ``FAIL`` means "the condition is not met"; the runner turns it into the check's
    registered severity (``WARN`` for advisory checks).
    """

    status: Status
    message: str
    hint: str = ""
    subject: str = ""
    expected: Any = None
    actual: Any = None


def passed(message: str, *, subject: str = "", expected: Any = None, actual: Any = None) -> Outcome:
    return Outcome(Status.PASS, message, subject=subject, expected=expected, actual=actual)


def failed(
    message: str,
    *,
    hint: str = "",
    subject: str = "",
    expected: Any = None,
    actual: Any = None,
) -> Outcome:
    return Outcome(Status.FAIL, message, hint, subject, expected, actual)


def warned(
    message: str,
    *,
    hint: str = "",
    subject: str = "",
    expected: Any = None,
    actual: Any = None,
) -> Outcome:
    return Outcome(Status.WARN, message, hint, subject, expected, actual)


def info(message: str, *, hint: str = "", subject: str = "", actual: Any = None) -> Outcome:
    return Outcome(Status.INFO, message, hint, subject, actual=actual)


def skipped(reason: str, *, subject: str = "") -> Outcome:
    return Outcome(Status.SKIP, reason, subject=subject)


@dataclass(frozen=True)
class Finding:
    """One outcome of one registered check, as reports show it."""

    check_id: str
    slug: str
    stage: Stage
    status: Status
    message: str
    hint: str = ""
    subject: str = ""
    refs: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    # The user of a multi-user run this finding is about; empty for run-wide checks.
    user: str = ""
    # The reason from the baseline file when this failure or warning is accepted; empty if not.
    accepted: str = ""

    def evolve(self, **changes: Any) -> Finding:
        """A copy with ``changes`` (field names): ``dataclasses.replace``, cheaper.

        ``replace`` re-validates every field and ``__init__`` of a frozen dataclass sets each
        through ``object.__setattr__``; a many-user run or a many-token ``verify`` makes
        tens of thousands of findings and copies.
        """
        copied = object.__new__(Finding)
        copied.__dict__.update(self.__dict__, **changes)
        return copied

    def for_user(self, user: str) -> Finding:
        """This finding about ``user``."""
        return self.evolve(user=user)

    @property
    def failing(self) -> bool:
        """A failure not accepted by the baseline."""
        return self.status is Status.FAIL and not self.accepted
