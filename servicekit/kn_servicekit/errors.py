"""The one exception hierarchy of the service kit."""


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
