"""The event base every contract extends."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.cpr import CprNumberRefused, cpr_in

CE_TYPE_PREFIX = "dk.kvalitetsnet"


class Event(BaseModel):
    """A fact that happened. Frozen; carries its business date and who caused it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    owner: ClassVar[str]
    version: ClassVar[int] = 1
    # Set on an older version's class (e.g. MemberJoinedV1) so both share one name.
    type_name: ClassVar[str | None] = None

    effective_date: dt.date = Field(
        description="The business date it takes effect (ISO date, Europe/Copenhagen)."
    )
    actor: str = Field(
        min_length=1,
        description="Who caused it: ekm, region, auditor, coordinator:<network id> or a system.",
    )
    causation_id: str = Field(
        min_length=1, description="Id of the command or upstream event that caused it."
    )
    correlation_id: str = Field(
        min_length=1, description="Id shared by everything one original request caused."
    )

    def __init__(self, /, **data: Any) -> None:
        """No string of an event made here holds a CPR-shaped number, whatever its field
        (Coordinator 8): the one guard every field gets, so a new one cannot forget it. An
        event decoded from a message is checked by the catalog (kn_contracts.catalog), at
        the cost of one look at the raw JSON when it holds nothing digit-shaped."""
        super().__init__(**data)
        found = cpr_in(self)
        if found is not None:
            raise CprNumberRefused(found)

    @classmethod
    def event_name(cls) -> str:
        """The name without version, e.g. MemberJoined."""
        return cls.type_name or cls.__name__

    @classmethod
    def ce_type(cls) -> str:
        """The CloudEvents type, carrying the schema version."""
        return f"{CE_TYPE_PREFIX}.{cls.owner}.{cls.event_name()}.v{cls.version}"
