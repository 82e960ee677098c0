"""The one exception of the contracts package."""


class ContractError(Exception):
    """A message does not satisfy its contract; the message says what is wrong."""
