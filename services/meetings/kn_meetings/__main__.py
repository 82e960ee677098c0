"""Entry point: `kn-meetings` or `python -m kn_meetings`."""

from kn_meetings import SERVICE
from kn_meetings.bootstrap import create_app
from kn_meetings.settings import MeetingsSettings
from kn_servicekit.serve import serve


def main() -> None:
    """Serve the meetings service with settings from the environment."""
    serve(SERVICE, MeetingsSettings(), create_app)


if __name__ == "__main__":
    main()
