"""Danish for the pages: dates ('12. marts 2025'), kroner ('7.476,00 kr.') and the words
the services answer with (statuses, categories, reasons)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kn_contracts.danish import INVOICE_REASON as INVOICE_REASON  # the pages say it so
from kn_contracts.danish import WEEKDAYS, date_text
from kn_contracts.money import kroner_text

MEETING_STATUS = {"planned": "Planlagt", "held": "Afholdt", "cancelled": "Aflyst"}
INVOICE_STATUS = {"approved": "Godkendt", "rejected": "Afvist", "waiting": "Afventer",
                  "received": "Modtaget"}  # fmt: skip
CATEGORY = {"member_owner": "Medlem (ydernummerejer)", "other_network_owner":
            "Ejer fra et andet netværk", "employee": "Ansat", "guest": "Gæst"}  # fmt: skip
COST_KIND = {"venue": "Lokale", "catering": "Forplejning", "speaker": "Ekstern oplægsholder"}
ROLE = {"owner": "Ejer", "renter": "Indlejer"}
CHANGE = {
    "CoordinatorElected": "Valgt",
    "CoordinatorRoleShared": "Rollen delt",
    "CoordinatorChanged": "Ny koordinator",
    "CoordinatorSteppedDown": "Trådt tilbage",
    "CoordinatorSpellsRestated": "Rettet af EKM",
}
ACT = {"elect": "Valg", "change": "Ny koordinator", "share": "Delt rolle",
       "step_down": "Træder tilbage"}  # fmt: skip
REQUEST_STATUS = {"pending": "venter på EKM", "confirmed": "bekræftet af EKM",
                  "rejected": "afvist af EKM"}  # fmt: skip
JOIN_LEAVE = {
    "region_feed": "Regionens indberetning",
    "sale": "Klinik solgt",
    "ekm_assignment": "Tildelt af EKM",
    "ekm_move": "Flyttet af EKM",
    "ydernummer_closed": "Ydernummer lukket",
    "ydernummer_unshared": "Stoppet på delt ydernummer",
    "ekm_removal": "Fjernet af EKM",
    "ekm_holding_ended": "Ydernummer afsluttet af EKM",
}
REGION_CHANGE = {
    "YdernummerOpened": "Nyt ydernummer",
    "YdernummerShared": "Delt ydernummer",
    "YdernummerUnshared": "Stopper på delt ydernummer",
    "ClinicTakenOver": "Klinik overtaget",
    "YdernummerClosed": "Ydernummer lukket",
}
FEE_STATUS = {"preview": "Foreløbigt (året er ikke lukket)", "closed": "Lukket",
              "due": "Lukket: til udbetaling", "not_available": "Ikke tilgængeligt"}  # fmt: skip
FILING = {"not_submitted": "Ikke indsendt", "submitted": "Indsendt",
          "acknowledged": "Kvitteret af EKM"}  # fmt: skip


COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def today() -> dt.date:
    """Today in Copenhagen, where the meetings are held (the server may run on UTC)."""
    return dt.datetime.now(COPENHAGEN).date()


def day(value: str | dt.date | None) -> str:
    """'12. marts 2025' from an ISO date (or a date); '–' for none."""
    if value is None or value == "":
        return "–"
    found = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return date_text(found)


def weekday(value: str | dt.date) -> str:
    found = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return WEEKDAYS[found.weekday()]


def clock(value: str | None) -> str:
    """'17:00' from '17:00:00'."""
    return (value or "")[:5] or "–"


def kroner(amount: int | None) -> str:
    """'7.476,00 kr.' from øre; '–' for none."""
    return "–" if amount is None else kroner_text(int(amount)) + "."


def word(table: dict[str, str], key: str | None) -> str:
    """The Danish word for a code the services answer with, or the code itself."""
    if key is None:
        return "–"
    return table.get(key, key)


def ore(text: str) -> int:
    """Øre from what a person types as kroner: '7.476,00', '7476', '7476.5' (ValueError if not)."""
    cleaned = text.strip().removesuffix("kr.").removesuffix("kr").strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    whole, _, part = cleaned.partition(".")
    if not whole.lstrip("-").isdigit() or (part and (not part.isdigit() or len(part) > 2)):
        raise ValueError(f"'{text}' er ikke et beløb i kroner (skriv fx 7.476,00)")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((part or "0").ljust(2, "0")))
