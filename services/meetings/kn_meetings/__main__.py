"""Entry point: `kn-meetings` or `python -m kn_meetings`."""

import sys

from kn_meetings import SERVICE
from kn_meetings.bootstrap import READ_MODELS, create_app
from kn_meetings.settings import MeetingsSettings
from kn_servicekit.serve import command_line


def main() -> None:
    """Serve the meetings service (or rebuild a read model) with settings from the environment."""
    sys.exit(command_line(SERVICE, MeetingsSettings, create_app, READ_MODELS))


if __name__ == "__main__":
    main()
