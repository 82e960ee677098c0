"""Entry point: `kn-membership` or `python -m kn_membership`."""

import sys

from kn_membership import SERVICE
from kn_membership.bootstrap import create_app
from kn_membership.settings import MembershipSettings
from kn_servicekit.serve import command_line


def main() -> None:
    """Serve the membership service (or rebuild a read model) with settings from the environment."""
    sys.exit(command_line(SERVICE, MembershipSettings, create_app, {}))


if __name__ == "__main__":
    main()
