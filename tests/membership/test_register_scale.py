"""The register's cost does not grow with its history (DOMAIN Membership 8)."""

from __future__ import annotations

import datetime as dt

from kn_membership import handlers
from kn_membership.domain import feed, views
from kn_membership.domain.register import fold
from kn_servicekit.memstore import InMemoryEventStore
from tests.membership.facts import REGION, Book, closed, opened

JAN_1, MARCH_1 = dt.date(2025, 1, 1), dt.date(2025, 3, 1)


async def test_a_decision_folds_only_the_events_recorded_since_the_last_one() -> None:
    book = Book()
    for n in range(50):
        book.founded_clinic(f"klinik-{n}", f"{100000 + n}", f"p-{n}", f"Ejer {n}")
    store = InMemoryEventStore()
    await store.append("register", 0, book.events)
    cache = handlers.register_cache()
    await handlers.register(store, cache)
    history = cache.events_folded
    assert history == len(book.events)
    renter = opened("200001", "p-lejer", "Lene Lejer", "klinik-7", MARCH_1, role="renter")
    recorded = await handlers.handle(store, feed.decision(renter, REGION), cache=cache)
    assert [type(e).__name__ for e in recorded] == ["MemberJoined"]
    closing = feed.decision(closed("100003", MARCH_1), REGION)
    await handlers.handle(store, closing, cache=cache)
    # the second decision read the first one's event, nothing of the history again
    assert cache.events_folded == history + 1
    register = await handlers.register(store, cache)
    assert cache.events_folded == history + 2
    assert [m.name for m in views.members_on(register, "aalborg-oest", MARCH_1)][:3] == [
        "Ejer 0", "Ejer 1", "Ejer 10",
    ]  # fmt: skip


def test_the_indexed_register_answers_as_a_scan_of_every_holding_would() -> None:
    book = Book()
    for n in range(4):
        book.founded_clinic(f"klinik-{n}", f"{100000 + n}", f"p-{n}", f"Ejer {n}")
    for n in range(4, 12):
        book.feed(
            opened(f"{100000 + n}", f"p-{n}", f"Lejer {n}", f"klinik-{n % 4}", JAN_1, "renter")
        )
    book.feed(closed("100005", MARCH_1))
    register = fold(book.events)
    for on in (JAN_1, MARCH_1):
        for yn in ("100005", "100006", "999999"):
            scanned = [h for h in register.holdings if h.ydernummer == yn and h.active(on)]
            assert views.holders(register, yn, on) == scanned
        for n in range(12):
            person, yn = f"p-{n}", f"{100000 + n}"
            scanned_stints = [
                s for s in register.stints if (s.person_id, s.ydernummer) == (person, yn)
            ]
            assert register.stints_of(person, yn) == scanned_stints
