"""Entry point: `kn-web` or `python -m kn_web` (port 8100 unless KN_WEB_HTTP_PORT says)."""

import uvicorn

from kn_web.app import create_app
from kn_web.settings import WebSettings


def main() -> None:
    """Serve the web app with settings from the environment."""
    settings = WebSettings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port)


if __name__ == "__main__":
    main()
