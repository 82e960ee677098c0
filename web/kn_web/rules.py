"""DOMAIN's rules in Danish, so a refusal names the rule a person broke in their language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kn_web.services import NAMES, ServiceError

AREAS = {"Membership": "Medlemskab", "Coordinator": "Koordinator", "Meetings": "Møder",
         "Pool payouts": "Aktivitetspuljen", "Annual status": "Årlig status"}  # fmt: skip
RULES = {
    ("Membership", 1): "Hver ydernummerejer hører til netop ét netværk.",
    ("Membership", 2): "En indlejer kommer i netværket hos kollegerne på klinikken.",
    ("Membership", 3): "Køberen af en klinik kommer i sælgerens netværk fra salgsdagen.",
    ("Membership", 4): "En ejer af en helt ny klinik venter, til EKM tildeler et netværk.",
    ("Membership", 5): "Et netværk hører til én sundhedsklynge.",
    ("Membership", 6): "Ansatte uden ydernummer er ikke medlemmer.",
    ("Membership", 7): "Regionens indberetninger skal passe med registret; EKM retter i "
    "hånden, altid med en begrundelse.",
    ("Membership", 9): "Datoer gælder fra og med første dag og til (ikke med) sidste.",
    ("Membership", 10): "En person er medlem af ét netværk ad gangen.",
    ("Membership", 11): "Den der stopper på et delt ydernummer, går ud af netværket den dag.",
    ("Membership", 12): "Svaret for en dato er det samme, uanset rækkefølgen af indberetninger.",
    ("Coordinator", 1): "En koordinator handler kun for sit eget netværk.",
    ("Coordinator", 3): "En måned tæller for den, der har rollen på månedens sidste dag.",
    ("Coordinator", 6): "Rollen ophører, når medlemskabet af netværket ophører.",
    ("Coordinator", 7): "En koordinatorhandling må ikke ligge før netværkets seneste; EKM "
    "retter historikken fra en dato med en begrundelse.",
    ("Coordinator", 8): "Et CPR-nummer indtastes eller sendes aldrig her.",
    ("Coordinator", 9): "Netværket vælger, EKM registrerer: en koordinators indberetning "
    "gælder, når EKM bekræfter den.",
    ("Meetings", 1): "En mødeplan dækker et eller to kalenderår; kun et planlagt møde kan "
    "flyttes, aflyses eller meldes afholdt, og først på mødedagen.",
    ("Meetings", 2): "Der er ét obligatorisk emne om året, som EKM fastsætter.",
    ("Meetings", 3): "Deltagerlisten føres ved et afholdt møde; hver person står der én gang, "
    "og en lukket liste rettes, den redigeres aldrig.",
    ("Meetings", 4): "Dagsordenen er punkter med minutter, der passer i mødet.",
    ("Meetings", 6): "Netværket holder 2–4 møder om året.",
    ("Meetings", 7): "Et afholdt mødes emner rettes med en begrundelse, indtil årets status "
    "er indsendt.",
    ("Meetings", 8): "Et emne kan følge op på et tidligere møde i netværket.",
    ("Pool payouts", 4): "En faktura skal nævne netværk, koordinator og mødedato, have "
    "mindst 14 dages betalingsfrist og en gyldig betalingsmodtager.",
    ("Pool payouts", 5): "Årets takster skal være udgivet, før der kan regnes med dem.",
    ("Pool payouts", 7): "Hver faktura kontrolleres; EKM kan tilsidesætte en afgørelse, "
    "altid med en begrundelse (og et beløb, hvor intet møde sætter rammen).",
    ("Pool payouts", 8): "Det udbetalte ændres aldrig; en ændring bliver en regulering.",
    ("Pool payouts", 9): "EKM lukker i januar det forrige år for koordinatorhonoraret.",
    ("Annual status", None): "Koordinatoren indsender årets status én gang; EKM kvitterer.",
}
_RULE = re.compile(r"^(Membership|Coordinator|Meetings|Pool payouts|Annual status)\s*(\d+)?")


@dataclass(frozen=True)
class Refusal:
    """What a page says when a service refuses: the rule in Danish, then its own words."""

    title: str
    rule: str | None
    text: str
    detail: str


def rule_text(rule: str | None) -> tuple[str | None, str]:
    """('Møder, regel 1', the rule in Danish) for a rule the services name."""
    found = _RULE.match(rule or "")
    if found is None:
        return None, ""
    area, number = found.group(1), int(found.group(2)) if found.group(2) else None
    name = AREAS[area] + (f", regel {number}" if number else "")
    return name, RULES.get((area, number), "")


def refusal(error: ServiceError) -> Refusal:
    """A service's refusal as a person can act on it."""
    service = NAMES.get(error.service, error.service)
    name, text = rule_text(error.rule)
    if error.status == 401:
        return Refusal("Din adgangsnøgle kendes ikke", None, f"{service.capitalize()} kender "
                       "ikke din adgangsnøgle. Log ud og ind igen med den nøgle, EKM har "
                       "givet dig.", error.detail)  # fmt: skip
    if error.status == 403 and name is None:
        text = "Din rolle må ikke dette. Log ind med den nøgle, der hører til opgaven."
        return Refusal("Det må din rolle ikke", None, text, error.detail)
    if error.status == 404:
        return Refusal("Findes ikke", name, text or "Det, du bad om, findes ikke.", error.detail)
    if error.status >= 500:
        return Refusal(f"{service.capitalize()} svarer ikke", None, "Prøv igen om lidt; "
                       "bliver det ved, så kontakt driften.", error.detail)  # fmt: skip
    title = {409: "Det passer ikke med det, der allerede er registreret"}.get(
        error.status, "Det kan ikke lade sig gøre"
    )
    if name is None and not text:
        text = "Ret det, der står herunder, og prøv igen."
    return Refusal(title, name, text, error.detail)
