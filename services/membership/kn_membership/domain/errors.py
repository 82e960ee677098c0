"""The membership domain's errors; each names the rule of DOMAIN.md it enforces."""


class MembershipError(Exception):
    """Base of every membership domain error."""

    rule: str | None = None

    def __init__(self, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule


class RuleBroken(MembershipError):
    """The command or feed message breaks a membership rule (HTTP 422)."""


class NotFound(MembershipError):
    """A network, cluster, person or ydernummer the command names does not exist (HTTP 404)."""


class AlreadyExists(MembershipError):
    """The thing to create exists already (HTTP 409)."""
