"""Entry point: `kn-membership` or `python -m kn_membership`."""

from kn_membership import SERVICE
from kn_membership.bootstrap import create_app
from kn_membership.settings import MembershipSettings
from kn_servicekit.serve import serve


def main() -> None:
    """Serve the membership service with settings from the environment."""
    serve(SERVICE, MembershipSettings(), create_app)


if __name__ == "__main__":
    main()
