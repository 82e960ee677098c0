"""The test run's own checks: every log line a test or a process it started writes is read by
the log watch."""

from __future__ import annotations

import pytest

from tests.support.log_watch import LogWatch, persons_and_tokens

_WATCH = LogWatch(*persons_and_tokens())


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the marks into node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With workers (`pytest -n N --dist loadgroup`, as `make test` runs), a module's tests
    stay together, and the browser tests all go to one worker: they share one system of
    processes on fixed ports (tests/web/conftest.py)."""
    for item in items:
        path = item.path.as_posix()
        group = "web" if "/tests/web/" in path else path
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _WATCH.read(report.nodeid, "\n".join((report.capstderr, report.capstdout, report.caplog)))


def _read_process_logs(config: pytest.Config) -> None:
    """The log files of the processes the tests started (services, the web app, `kn demo`'s
    services), which pytest never captures: each lies in a test's temporary folder, under
    the run's base folder (xdist's workers have theirs inside the controller's)."""
    if hasattr(config, "workerinput"):
        return  # a worker: the controller reads its folders after it
    factory = getattr(config, "_tmp_path_factory", None)  # pytest's, behind tmp_path
    if factory is None:
        return
    _WATCH.read_files(factory.getbasetemp())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _read_process_logs(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"log watch: {_WATCH.lines} log lines read, {len(_WATCH.names)} persons' names "
            f"and {len(_WATCH.tokens)} tokens looked for, {len(_WATCH.found)} found"
        )
        for found in _WATCH.found[:20]:
            reporter.write_line(f"log watch: {found}")
    if _WATCH.found and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
