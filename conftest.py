"""Repository-wide pytest configuration: the real-infrastructure fixtures."""

pytest_plugins = ["kn_deploy.pytest_plugin"]
