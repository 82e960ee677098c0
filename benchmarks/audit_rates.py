"""The audit benchmark's rate tables (audit_replay.py): one a year, as index factors on the
first year's amounts, and one year's table revised in the autumn (Pool payouts 8: finance
adjusts what it had paid), with what finance knew of them at any moment."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_rules.rates import RateBook

Message = tuple[dt.datetime, str, str, str, Event]  # ce_time, service, key, subject, event
SCHEME = "fysioterapi"


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment of a day in UTC (9-20 h UTC is the same day in Copenhagen)."""
    return dt.datetime.combine(day, dt.time(hour, minute), dt.UTC)


def _stamp(day: dt.date) -> dict[str, Any]:
    return {"effective_date": day, "actor": "ekm", "causation_id": f"rates-{day}",
            "correlation_id": f"rates-{day}"}  # fmt: skip


def _table(year: int, base: int, revision: int, factor: Decimal | None) -> fi.RateTablePublished:
    amounts = None
    if factor is None:  # the first year: amounts, 450 kr per owner, a fee of 18,000 kr
        pool = (fi.PoolRate(tier="standard", amount=45_000),)
        amounts = fi.RateAmounts(pool=pool, coordinator_fee=1_800_000)
    return fi.RateTablePublished(
        **_stamp(dt.date(year, 1, 1)), scheme=SCHEME, year=year, revision=revision,
        price_level_year=year, amounts=amounts, index_factor=factor,
        index_base_year=None if factor is None else base,
        counted_categories=("member_owner",), basis="person",
    )  # fmt: skip


@dataclass
class RateTimeline:
    """Every table as published (ce_time order), and the books finance had at each moment."""

    published: list[tuple[dt.datetime, fi.RateTablePublished]] = field(default_factory=list)
    _books: dict[int, RateBook] = field(default_factory=dict)

    @classmethod
    def of(cls, first: int, years: int) -> RateTimeline:
        """A table each year, published 2 January; the middle year's revised 1 October."""
        found = cls()
        for year in range(first, first + years):
            factor = None if year == first else Decimal(100 + 2 * (year - first)) / 100
            found.published.append((at(dt.date(year, 1, 2)), _table(year, first, 1, factor)))
            if year == first + years // 2:
                bumped = Decimal(101 + 2 * (year - first)) / 100
                found.published.append((at(dt.date(year, 10, 1)), _table(year, first, 2, bumped)))
        found.published.sort(key=lambda p: p[0])
        return found

    def messages(self) -> list[Message]:
        return [(when, "finance", "rates", f"rates:{SCHEME}", t) for when, t in self.published]

    def revised(self, year: int) -> list[dt.datetime]:
        """When a later revision of the year's table was published."""
        return [when for when, t in self.published if t.year == year and t.revision > 1]

    def book(self, when: dt.datetime) -> RateBook:
        """The tables published up to the moment."""
        count = bisect.bisect_right([p[0] for p in self.published], when)
        if count not in self._books:
            book = RateBook()
            for _, table in self.published[:count]:
                book.apply(table)
            self._books[count] = book
        return self._books[count]
