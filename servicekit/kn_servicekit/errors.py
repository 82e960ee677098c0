"""The one exception hierarchy of the service kit, and the root of every domain's refusals.

    KitError                  infrastructure and plumbing the kit raises
    ├── ConfigurationError
    ├── ConcurrencyError      409 at the HTTP edge; decided again by decide_and_append
    ├── TransientError
    ├── Superseded
    ├── DuplicateEventError
    ├── EventLogBehind
    └── KeyReusedError        422 at the HTTP edge
    DomainError(rule, detail) a command breaks a rule of DOMAIN.md (422 unless mapped)
    └── AccessDenied          403: the actor may not read or act for this network

This module imports nothing, so a pure domain package may import it: a domain's own errors
subclass DomainError, and the HTTP edge answers every one as {"detail", "rule"}.
"""


class KitError(Exception):
    """Base of every error the service kit raises."""


class ConfigurationError(KitError):
    """Settings are missing or malformed; the message says which and how to fix it."""


class ConcurrencyError(KitError):
    """A stream changed since it was read: the expected version no longer holds."""


class TransientError(KitError):
    """Infrastructure is briefly unavailable; retrying later will succeed."""


class Superseded(KitError):
    """A rebuild switched readers to another schema: this runner's schema is no longer live."""


class DuplicateEventError(KitError):
    """Events with these ids were appended before: the command already took effect."""


class EventLogBehind(KitError):
    """The event store is behind what its relay already published (restored from a backup?).

    Publishing would reuse positions that consumers have already seen, and they would skip
    the new events as repeats; the relay refuses until an operator settles it."""


class KeyReusedError(KitError):
    """The idempotency key was used before for a different request."""


class DomainError(Exception):
    """A refusal by a domain rule; `rule` names the rule of DOMAIN.md (None if none applies)."""

    def __init__(self, rule: str | None, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


class AccessDenied(DomainError):
    """The actor may not read or act for the network the command names."""
