"""A network's annual status: the generated figures, their digest, the filing, the flags."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from kn_reporting.domain.figures import Figures
from kn_reporting.domain.flags import Flag, flags
from kn_reporting.domain.policy import Policy
from kn_reporting.domain.submission import Filing, Submission, submission
from kn_rules.canonical import digest, plain


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
    sha = figures_digest(figures)
    filed = submission(filing, figures.year, today, policy, sha)
    return AnnualStatus(today, figures, sha, flags(figures, filed), filed)


def figures_digest(figures: Figures) -> str:
    """The SHA-256 a submission pins: of the canonical figures without persons' names."""
    return digest(nameless(plain(figures)))


PERSONAL = ("name", "note")  # of a person: sealed in the events, so no figure


def nameless(value: Any) -> Any:
    """The canonical figures without persons' names, in an order that does not follow them:
    a name is no figure, and an erased person's reads "[slettet]" (issue 15), so the digest
    a submission pins stays the same after an erasure and after a rebuild."""
    if isinstance(value, dict):
        named = "person_id" in value
        return {k: nameless(v) for k, v in value.items() if not (named and k in PERSONAL)}
    if isinstance(value, list):
        items = [nameless(v) for v in value]
        if items and all(isinstance(v, dict) and "person_id" in v for v in items):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True, default=str))
        return items
    return value
