"""Entry point: `kn-finance` or `python -m kn_finance`."""

from kn_finance import SERVICE
from kn_finance.bootstrap import create_app
from kn_finance.settings import FinanceSettings
from kn_servicekit.serve import serve


def main() -> None:
    """Serve the finance service with settings from the environment."""
    serve(SERVICE, FinanceSettings(), create_app)


if __name__ == "__main__":
    main()
