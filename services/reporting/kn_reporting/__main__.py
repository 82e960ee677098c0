"""Entry point: `kn-reporting` or `python -m kn_reporting`."""

from kn_reporting import SERVICE
from kn_reporting.bootstrap import create_app
from kn_reporting.settings import ReportingSettings
from kn_servicekit.serve import serve


def main() -> None:
    """Serve the reporting service with settings from the environment."""
    serve(SERVICE, ReportingSettings(), create_app)


if __name__ == "__main__":
    main()
