"""Danish words for the codes the figures carry, and Danish dates and amounts."""

from __future__ import annotations

import datetime as dt

from kn_contracts.money import kroner_text

JOIN_REASONS = {
    "region_feed": "indberettet af regionen",
    "sale": "køb af klinik",
    "ekm_assignment": "tildelt af EKM",
    "ekm_move": "flyttet af EKM",
}
LEAVE_REASONS = {
    "sale": "salg af klinik",
    "ydernummer_closed": "ydernummer lukket",
    "ydernummer_unshared": "deler ikke længere ydernummer",
    "ekm_removal": "udmeldt af EKM",
    "ekm_move": "flyttet af EKM",
    "ekm_holding_ended": "ydernummer afsluttet af EKM",
}
CHANGES = {
    "CoordinatorElected": "valgt",
    "CoordinatorChanged": "skiftet",
    "CoordinatorRoleShared": "delt",
    "CoordinatorSteppedDown": "trådt tilbage",
    "CoordinatorSpellsRestated": "rettet af EKM",
}
MEETING_STATUS = {"planned": "planlagt", "held": "afholdt", "cancelled": "aflyst"}
INVOICE_STATUS = {"waiting": "afventer", "approved": "godkendt", "rejected": "afvist"}
COVERAGE = {
    "not_published": "EKM har ikke udmeldt et obligatorisk emne",
    "not_planned": "ikke dækket og ikke planlagt",
    "planned": "planlagt, ikke dækket endnu",
    "covered": "dækket",
}
FILING = {"not_submitted": "Ikke indsendt", "submitted": "Indsendt", "acknowledged": "Kvitteret"}
FEE_STATUS = {
    "due": "opgjort (året er lukket)",
    "preview": "foreløbigt (året er ikke lukket endnu)",
    "not_available": "endnu ikke tilgængeligt",
}


def date(day: dt.date | None) -> str:
    """Danish short date, e.g. 12.03.2025."""
    return "" if day is None else f"{day:%d.%m.%Y}"


def kr(amount: int | None) -> str:
    return "" if amount is None else kroner_text(amount)


def yes(value: bool) -> str:
    return "ja" if value else "nej"
