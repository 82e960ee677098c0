"""The membership domain's errors; each names the rule of DOMAIN.md it enforces."""

from kn_servicekit.errors import DomainError


class MembershipError(DomainError):
    """Base of every membership domain error: (rule, detail)."""


class RuleBroken(MembershipError):
    """The command or feed message breaks a membership rule (HTTP 422)."""


class NotFound(MembershipError):
    """A network, cluster, person or ydernummer the command names does not exist (HTTP 404)."""


class AlreadyExists(MembershipError):
    """The thing to create exists already (HTTP 409)."""
