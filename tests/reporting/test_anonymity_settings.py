"""The anonymity policy's numbers are settings that may be stricter, never looser (DOMAIN
"Annual status": no figure drawn from fewer than 5 clinics)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kn_reporting.settings import ReportingSettings


@pytest.mark.parametrize("name", ["ANONYMITY_MIN_CLINICS", "QUARTILE_MIN_NETWORKS"])
def test_a_setting_below_the_policys_5_is_refused_at_start(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"KN_REPORTING_{name}", "4")
    with pytest.raises(ValidationError, match="greater than or equal to 5"):
        ReportingSettings()
    monkeypatch.setenv(f"KN_REPORTING_{name}", "6")
    assert getattr(ReportingSettings(), name.lower()) == 6
