"""A network's annual status: the generated figures, their digest, the filing, the flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kn_reporting.domain.figures import Figures
from kn_reporting.domain.flags import Flag, flags
from kn_reporting.domain.policy import Policy
from kn_reporting.domain.submission import Filing, Submission, submission
from kn_rules.canonical import digest


@dataclass(frozen=True)
class AnnualStatus:
    """What the coordinator sends and EKM files for one network and year."""

    generated_on: dt.date
    figures: Figures
    figures_sha256: str  # of the canonical figures: what a submission pins
    flags: tuple[Flag, ...]
    submission: Submission


def annual_status(figures: Figures, filing: Filing, today: dt.date, policy: Policy) -> AnnualStatus:
    """The status of the figures' network and year, with its filing as of `today`."""
    sha = digest(figures)
    filed = submission(filing, figures.year, today, policy, sha)
    return AnnualStatus(today, figures, sha, flags(figures, filed), filed)
