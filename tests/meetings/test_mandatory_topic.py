"""The mandatory topic of a year: EKM publishes it, a meeting covers it, the year shows it."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from kn_contracts.events.meetings import MeetingTopicsChanged
from kn_contracts.events.reporting import AnnualStatusSubmitted, Narrative
from kn_meetings import handlers
from kn_meetings.domain.commands import (
    CancelMeeting,
    ChangeTopics,
    MarkHeld,
    PublishMandatoryTopic,
)
from kn_meetings.domain.errors import Conflict, Forbidden, Invalid
from kn_servicekit.memstore import InMemoryEventStore
from tests.meetings.fakes import (
    NETWORK,
    NO_STATUS,
    SCHEME,
    TODAY,
    FakeStatuses,
    cause,
    planned,
)
from tests.meetings.service import AALBORG, Running
from tests.support.waiting import eventually

EXPECTATIONS = PublishMandatoryTopic(
    2025, "forventninger-2025", "Hvordan arbejder vi i vores netværk"
)


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore()


async def coverage(store: InMemoryEventStore) -> tuple[str, tuple[str, ...]]:
    view = await handlers.year_of_network(store, NETWORK, 2025, SCHEME, TODAY)
    return view.mandatory_topic.status, view.flags


async def test_only_ekm_publishes_the_mandatory_topic(store: InMemoryEventStore) -> None:
    with pytest.raises(Forbidden, match="only EKM publishes the mandatory topic"):
        await handlers.publish_mandatory_topic(store, EXPECTATIONS, cause(), SCHEME)


async def test_a_year_has_one_mandatory_topic(store: InMemoryEventStore) -> None:
    await handlers.publish_mandatory_topic(store, EXPECTATIONS, cause("ekm"), SCHEME)
    other = PublishMandatoryTopic(2025, "smerte", "Smertevurdering")
    with pytest.raises(Conflict, match="the mandatory topic of 2025 is already forventninger"):
        await handlers.publish_mandatory_topic(store, other, cause("ekm"), SCHEME)


async def test_mandatory_topics_start_in_2025(store: InMemoryEventStore) -> None:
    early = PublishMandatoryTopic(2024, "tidligt", "For tidligt")
    with pytest.raises(Invalid, match="mandatory topics start in 2025, not 2024"):
        await handlers.publish_mandatory_topic(store, early, cause("ekm"), SCHEME)


async def test_a_meeting_can_only_cover_the_published_mandatory_topic(
    store: InMemoryEventStore,
) -> None:
    with pytest.raises(Invalid, match="EKM has not published a mandatory topic for 2025"):
        await planned(store, dt.date(2025, 3, 12), mandatory_topic_id="forventninger-2025")
    await handlers.publish_mandatory_topic(store, EXPECTATIONS, cause("ekm"), SCHEME)
    with pytest.raises(Invalid, match=r"is forventninger-2025 .*, not smerte"):
        await planned(store, dt.date(2025, 3, 12), mandatory_topic_id="smerte")


async def test_the_year_shows_the_mandatory_topic_covered_once_its_meeting_is_held(
    store: InMemoryEventStore,
) -> None:
    await handlers.publish_mandatory_topic(store, EXPECTATIONS, cause("ekm"), SCHEME)
    march, _ = await planned(store, dt.date(2025, 3, 12), dt.date(2025, 9, 3))
    assert await coverage(store) == (
        "not_planned",
        ("Meetings 2: no meeting in 2025 covers the mandatory topic forventninger-2025 "
         "(Hvordan arbejder vi i vores netværk)",),
    )  # fmt: skip
    cmd = ChangeTopics(NETWORK, march, ("Forventninger",), "forventninger-2025")
    await handlers.change_topics(store, NO_STATUS, cmd, cause())
    assert await coverage(store) == ("planned", ())
    await handlers.hold(store, MarkHeld(NETWORK, march), cause())
    assert await coverage(store) == ("covered", ())


async def test_a_year_without_a_published_topic_says_so(store: InMemoryEventStore) -> None:
    await planned(store, dt.date(2025, 3, 12), dt.date(2025, 9, 3))
    assert await coverage(store) == ("not_published", ())


async def test_a_held_meetings_topics_are_corrected_with_a_reason_so_a_forgotten_tag_is_mended(
    store: InMemoryEventStore,
) -> None:
    await handlers.publish_mandatory_topic(store, EXPECTATIONS, cause("ekm"), SCHEME)
    march, _ = await planned(store, dt.date(2025, 3, 12), dt.date(2025, 9, 3))
    await handlers.hold(store, MarkHeld(NETWORK, march), cause())
    untagged = ChangeTopics(NETWORK, march, ("Forventninger",), "forventninger-2025")
    with pytest.raises(Invalid, match="meeting 2025-03-12 was held; correct its topics with a "
                       "reason") as refused:  # fmt: skip
        await handlers.change_topics(store, NO_STATUS, untagged, cause())
    assert refused.value.rule == "Meetings 7: a held meeting's topics are corrected with a reason"
    mended = ChangeTopics(NETWORK, march, ("Forventninger",), "forventninger-2025",
                          reason="Vi glemte at markere årets obligatoriske emne")  # fmt: skip
    await handlers.change_topics(store, NO_STATUS, mended, cause())
    assert await coverage(store) == ("covered", ())
    changed = store.all_events()[-1].event
    assert isinstance(changed, MeetingTopicsChanged)
    assert changed.reason == "Vi glemte at markere årets obligatoriske emne"


async def test_a_held_meetings_topics_stay_once_the_years_annual_status_is_submitted(
    store: InMemoryEventStore,
) -> None:
    [march] = await planned(store, dt.date(2025, 3, 12))
    await handlers.hold(store, MarkHeld(NETWORK, march), cause())
    cmd = ChangeTopics(NETWORK, march, ("Forventninger",), reason="For sent")
    submitted = FakeStatuses((NETWORK, 2025))
    with pytest.raises(Conflict, match="the annual status of 2025 is submitted; the topics of "
                       "meeting 2025-03-12 can no longer be corrected") as refused:  # fmt: skip
        await handlers.change_topics(store, submitted, cmd, cause())
    assert refused.value.rule == "Meetings 7: a held meeting's topics are corrected with a reason"
    await handlers.change_topics(store, FakeStatuses((NETWORK, 2024)), cmd, cause())


async def test_a_cancelled_meetings_topics_cannot_change(store: InMemoryEventStore) -> None:
    [march] = await planned(store, dt.date(2025, 3, 12))
    await handlers.cancel(store, CancelMeeting(NETWORK, march, "Sne"), cause())
    cmd = ChangeTopics(NETWORK, march, ("Forventninger",), reason="Alligevel")
    with pytest.raises(Conflict, match="meeting 2025-03-12 is cancelled; its topics cannot"):
        await handlers.change_topics(store, NO_STATUS, cmd, cause())


@pytest.mark.infra
async def test_once_reporting_has_the_years_annual_status_a_held_meetings_topics_stay(
    service: Running,
) -> None:
    march = {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}
    planned_ = await service.client.post("/v1/networks/aalborg-oest/plan", headers=AALBORG,
                                         json={"years": [2025], "meetings": [march]})  # fmt: skip
    assert planned_.status_code == 201, planned_.text
    meeting = "/v1/networks/aalborg-oest/meetings/2025-03-12"
    assert (await service.client.post(f"{meeting}/held", headers=AALBORG)).status_code == 200
    body = {"topics": ["Rammer og aftaler"], "reason": "Emnet manglede"}
    mended = await service.client.put(f"{meeting}/topics", json=body, headers=AALBORG)
    assert mended.status_code == 200, mended.text

    await service.publish_reporting(AnnualStatusSubmitted(
        effective_date=dt.date(2026, 1, 20), actor="coordinator:aalborg-oest", causation_id="s",
        correlation_id="s", network_id="aalborg-oest", year=2025, figures_sha256="0" * 64,
        narrative=Narrative(worked_on="Rammer", agreements="Møder", follow_ups="Smerte"),
    ))  # fmt: skip

    async def again() -> httpx.Response:
        return await service.client.put(f"{meeting}/topics", json=body, headers=AALBORG)

    refused = await eventually(again, lambda r: r.status_code == 409,
                               what="the submitted status in meetings' view")  # fmt: skip
    assert refused.json()["rule"].startswith("Meetings 7: a held meeting's topics are corrected")
    assert "the annual status of 2025 is submitted" in refused.json()["detail"]
