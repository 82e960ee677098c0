"""A service starts without the libraries it needs only for documents: fpdf2 and openpyxl
cost 0.3-0.4 s of CPU to import, and the suite starts dozens of service processes."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOCUMENT_LIBRARIES = ("fpdf", "openpyxl")


@pytest.mark.parametrize("service", ["membership", "meetings", "finance", "reporting"])
def test_a_service_imports_its_pdf_and_spreadsheet_libraries_only_when_it_writes_one(
    service: str,
) -> None:
    probe = (
        f"import sys, kn_{service}.__main__; "
        f"print(sorted(m for m in {DOCUMENT_LIBRARIES!r} if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "module", ["kn_servicekit.settings", "kn_servicekit.runner", "kn_servicekit.relay"]
)
def test_a_worker_reads_its_settings_and_runs_projections_without_importing_fastapi(
    module: str,
) -> None:
    """Rebuild, audit and crash-test workers are processes without HTTP: FastAPI costs
    about 0.2 s of CPU each start (kn_servicekit.actors is apart from auth for this)."""
    probe = f"import sys, {module}; print('fastapi' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "False"
