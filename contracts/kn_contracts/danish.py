"""How dates read in Danish in documents and reasons (beside money.kroner_text for amounts)."""

from __future__ import annotations

import datetime as dt

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")  # fmt: skip
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

# An invoice's reasons (kn_contracts.events.finance.Reason.code) as the web pages and the
# annual status say them; a code not here is shown by its text
INVOICE_REASON = {
    "due_too_soon": "Betalingsfristen er under 14 dage efter modtagelsen",
    "payee_not_accepted": "Betalingsmodtager er ikke en dansk konto, et gironummer eller NemKonto",
    "payee_reference": "Kontooplysningerne har ikke den rigtige form",
    "duplicate": "Samme fakturanummer fra samme leverandør er modtaget før",
    "possible_duplicate": "Samme fakturanummer er modtaget før til samme mødedag eller "
    "betalingsmodtager fra en leverandør med et andet navn eller CVR, beløbet kan være et "
    "andet (fx en rykker): EKM afgør, om det er en kopi",
    "no_rate_table": "Der er endnu ingen takster for året",
    "tier_unknown": "Årets takster har ikke den sats, fakturaen nævner",
    "network_missing": "Fakturaen nævner intet netværk",
    "network_unknown": "Netværket kendes ikke",
    "meeting_date_missing": "Fakturaen nævner ingen mødedato",
    "no_meeting": "Netværket har intet møde den dag",
    "meeting_ambiguous": "Netværket har flere møder den dag: EKM angiver, hvilket møde "
    "fakturaen gælder",
    "meeting_other_year": "Mødet er flyttet til et andet år end fakturaens dato: registrér "
    "fakturaen igen med mødets dato",
    "meeting_cancelled": "Mødet blev aflyst",
    "meeting_not_held": "Mødet er ikke afholdt endnu",
    "no_attendance_list": "Mødets deltagerliste er ikke sendt endnu",
    "coordinator_missing": "Fakturaen nævner ingen koordinator",
    "coordinator_not_holder": "Den nævnte koordinator var ikke koordinator på mødedagen",
    "override_needs_amount": "EKM's godkendelse skal nævne et beløb",
}


def rule_text(rule: str) -> str:
    """A DOMAIN rule as a Danish document names it: 'Pool payouts 7' is 'Aktivitetspuljen,
    regel 7'; another is left as it is."""
    head, _, number = rule.rpartition(" ")
    return f"Aktivitetspuljen, regel {number}" if head == "Pool payouts" else rule


def date_text(day: dt.date) -> str:
    """A date in Danish, e.g. '10. juni 2025'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
