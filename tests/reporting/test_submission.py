"""Who writes the annual status (DOMAIN "Annual status"): the coordinator submits it with
the narrative, EKM acknowledges it, due 31 January of the next year (pure)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from kn_contracts.events.reporting import Narrative
from kn_reporting.adapters.status_pdf import status_pdf
from kn_reporting.domain import submission as filing
from kn_reporting.domain.errors import Conflict, Invalid
from kn_reporting.domain.policy import Policy
from kn_reporting.settings import DEJAVU
from kn_servicekit.cause import Cause
from kn_servicekit.errors import AccessDenied
from tests.reporting import example as ex
from tests.reporting.fold import status_of

TEXT = Narrative(worked_on="PRO-data", agreements="Fælles måling", follow_ups="Efterår 2026")
DIGEST = "0" * 64
JAN_20 = dt.date(2026, 1, 20)


def cause(actor: str, today: dt.date = JAN_20) -> Cause:
    return Cause(actor, "http:1", "http:1", today)


def submitted(today: dt.date = JAN_20) -> filing.Filing:
    [event] = filing.submit(
        filing.Filing(), ex.NETWORK, 2025, TEXT, DIGEST, cause("coordinator:aalborg-oest", today)
    )
    return filing.evolve(filing.Filing(), event)


@pytest.mark.parametrize("actor", ["ekm", "coordinator:esbjerg", "auditor"])
def test_only_the_networks_coordinator_submits_its_status(actor: str) -> None:
    with pytest.raises(AccessDenied, match=f"only the coordinator of {ex.NETWORK}") as refused:
        filing.submit(filing.Filing(), ex.NETWORK, 2025, TEXT, DIGEST, cause(actor))
    assert refused.value.rule == "Annual status: the coordinator submits it, EKM acknowledges it"


def test_a_status_is_submitted_once_and_not_for_a_year_not_begun() -> None:
    with pytest.raises(Conflict, match="was submitted on 2026-01-20; it is submitted once"):
        filing.submit(
            submitted(), ex.NETWORK, 2025, TEXT, DIGEST, cause("coordinator:aalborg-oest")
        )
    with pytest.raises(Invalid, match="the year 2027 has not begun"):
        filing.submit(
            filing.Filing(), ex.NETWORK, 2027, TEXT, DIGEST, cause("coordinator:aalborg-oest")
        )


def test_only_ekm_acknowledges_and_only_a_submitted_status_once() -> None:
    with pytest.raises(AccessDenied, match="only EKM acknowledges"):
        filing.acknowledge(submitted(), ex.NETWORK, 2025, None, cause("coordinator:aalborg-oest"))
    with pytest.raises(Invalid, match="is not submitted yet"):
        filing.acknowledge(filing.Filing(), ex.NETWORK, 2025, None, cause("ekm"))
    [ack] = filing.acknowledge(submitted(), ex.NETWORK, 2025, "Tak", cause("ekm"))
    done = filing.evolve(submitted(), ack)
    with pytest.raises(Conflict, match="was acknowledged on 2026-01-20"):
        filing.acknowledge(done, ex.NETWORK, 2025, None, cause("ekm"))


def test_a_status_not_submitted_by_its_due_date_is_overdue() -> None:
    events = [*ex.membership(), *ex.meetings()]
    on_time = status_of(events, today=dt.date(2026, 1, 31))
    assert not on_time.submission.overdue
    late = status_of(events, today=dt.date(2026, 2, 1))
    assert late.submission.overdue
    assert late.flags[-1].dansk == "For sent: ikke indsendt senest 31.01.2026"
    sent_late = status_of(events, today=dt.date(2026, 2, 3), filing=submitted(dt.date(2026, 2, 2)))
    assert (sent_late.submission.overdue, sent_late.submission.submitted_late) == (False, True)
    assert Policy(due_month=3, due_day=1).due(2025) == dt.date(2026, 3, 1)  # a setting


def test_a_status_submitted_after_its_due_date_stays_flagged_as_submitted_late() -> None:
    events = [*ex.membership(), *ex.meetings()]
    on_time = status_of(events, today=dt.date(2026, 3, 1), filing=submitted(dt.date(2026, 1, 31)))
    assert "submitted_late" not in [f.code for f in on_time.flags]
    late = status_of(events, today=dt.date(2026, 3, 1), filing=submitted(dt.date(2026, 2, 2)))
    [flag] = [f for f in late.flags if f.code == "submitted_late"]
    assert (flag.text, flag.dansk) == (
        "submitted late: on 2026-02-02, due 2026-01-31",
        "Indsendt for sent: den 02.02.2026, frist 31.01.2026",
    )
    pages = PdfReader(io.BytesIO(status_pdf(late, DEJAVU))).pages
    text = "".join(page.extract_text() for page in pages)
    assert "Status: indsendt 02.02.2026 (for sent; frist 31.01.2026)." in text
    assert "Indsendt for sent: den 02.02.2026, frist 31.01.2026" in text


def test_the_status_shows_when_its_figures_changed_since_they_were_submitted() -> None:
    events = [*ex.membership(), *ex.meetings()]
    pinned = status_of(events).figures_sha256
    [event] = filing.submit(
        filing.Filing(), ex.NETWORK, 2025, TEXT, pinned, cause("coordinator:aalborg-oest")
    )
    sent = filing.evolve(filing.Filing(), event)
    assert not status_of(events, filing=sent).submission.figures_changed_since_submitted
    later = [*events, ex.left("p-18", dt.date(2025, 12, 1), "ekm_removal")]
    assert status_of(later, filing=sent).submission.figures_changed_since_submitted
