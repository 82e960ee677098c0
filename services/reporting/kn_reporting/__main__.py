"""Entry point: `kn-reporting` or `python -m kn_reporting`."""

import sys

from kn_reporting import SERVICE
from kn_reporting.bootstrap import READ_MODELS, create_app
from kn_reporting.settings import ReportingSettings
from kn_servicekit.serve import command_line


def main() -> None:
    """Serve the reporting service (or rebuild a read model) with settings from the environment."""
    sys.exit(command_line(SERVICE, ReportingSettings, create_app, READ_MODELS))


if __name__ == "__main__":
    main()
