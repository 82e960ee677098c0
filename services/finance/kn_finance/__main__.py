"""Entry point: `kn-finance` or `python -m kn_finance`."""

import sys

from kn_finance import SERVICE
from kn_finance.bootstrap import READ_MODELS, create_app
from kn_finance.settings import FinanceSettings
from kn_servicekit.serve import command_line


def main() -> None:
    """Serve the finance service (or rebuild a read model) with settings from the environment."""
    sys.exit(command_line(SERVICE, FinanceSettings, create_app, READ_MODELS))


if __name__ == "__main__":
    main()
