"""Meetings decides from its own view of the coordinator history (issue 16 item 4): EKM's
confirmed acts reach it on membership's topic, and the same token acts, then is refused."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from kn_contracts.events.membership import CoordinatorSteppedDown
from tests.meetings.service import Running
from tests.support.persons import as_person, elected, today
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

PLAN = "/v1/networks/vejle/years/2025"  # a network the fixture appoints nobody for


async def test_a_person_acts_once_the_confirmation_reaches_meetings_and_not_after_stepping_down(
    service: Running,
) -> None:
    """Coordinator 9: from EKM's confirmed act until the step-down, in meetings' own view."""
    dora = as_person("p-dora")  # issued before the role, never issued again
    before = await service.client.get(PLAN, headers=dora)
    assert before.status_code == 403
    assert "EKM has not confirmed it yet" in before.json()["detail"]
    await service.publish_membership(elected("vejle", "p-dora", dt.date(2025, 1, 1)))
    await eventually(
        lambda: service.client.get(PLAN, headers=dora),
        lambda answer: answer.status_code != 403,
        what="p-dora reading the plan once meetings has the confirmed act",
    )
    stepped = CoordinatorSteppedDown(
        effective_date=today(), actor="ekm", causation_id="s", correlation_id="s",
        network_id="vejle", person_id="p-dora", payee_person_id=None, holders=(),
    )  # fmt: skip
    await service.publish_membership(stepped)

    def refused(answer: httpx.Response) -> bool:
        return answer.status_code == 403 and "the role ended that day" in answer.text

    after = await eventually(
        lambda: service.client.get(PLAN, headers=dora), refused, what="p-dora refused"
    )
    assert after.json()["rule"] == "Coordinator 9"
    assert f"until {today().isoformat()}" in after.json()["detail"]
