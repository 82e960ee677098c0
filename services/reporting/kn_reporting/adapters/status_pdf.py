"""The annual status as the PDF in Danish a coordinator sends and EKM files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kn_reporting.adapters import danish as da
from kn_reporting.adapters.document import Document
from kn_reporting.adapters.money_pdf import money_part
from kn_reporting.domain.figures import MeetingReport
from kn_reporting.domain.members import Change, Person
from kn_reporting.domain.status import AnnualStatus


def status_pdf(status: AnnualStatus, font: Path) -> bytes:
    """The whole status: network, flags, coordinator, members, meetings, money, narrative."""
    f = status.figures
    n = f.network
    doc = Document(f"Årlig status {f.year} – {n.name}", font)
    doc.title(f"Årlig status {f.year}")
    doc.text(f"Kvalitetsnetværk: {n.name} ({n.network_id})\nSundhedsklynge: {n.cluster_name}", 11)
    s = status.submission
    late = f" (for sent; frist {da.date(s.due)})" if s.submitted_late else ""
    filed = {
        "not_submitted": f"ikke indsendt (frist {da.date(s.due)})",
        "submitted": f"indsendt {da.date(s.submitted_on)}{late}",
        "acknowledged": f"indsendt {da.date(s.submitted_on)}{late}, kvitteret af EKM "
        f"{da.date(s.acknowledged_on)}",
    }[s.status]
    doc.text(f"Status: {filed}. Dannet {da.date(status.generated_on)} ud fra systemets log.", 9)
    doc.text(f"Tallenes fingeraftryk (SHA-256): {status.figures_sha256}", 7)

    doc.heading("Bemærkninger")
    doc.bullets([flag.dansk for flag in status.flags] or ["Ingen bemærkninger."])

    doc.heading("Koordinator")
    c = f.coordinators
    doc.table(
        ("Fra", "Til og med", "Koordinator(er)", "Honorar til", "Ændring"),
        [
            (
                da.date(sp.start),
                _last_day(sp.until),
                _names(sp.holders) or "(ingen)",
                sp.payee.name if sp.payee else "",
                da.CHANGES.get(sp.change, sp.change) + (f": {sp.note}" if sp.note else ""),
            )
            for sp in c.spells
        ],
        (24, 24, 60, 34, 38),
    )
    months = [f"{m.name}: {m.served} måned(er), honorar for {m.paid}" for m in c.months]
    doc.text("Måneder som koordinator i året: " + ("; ".join(months) or "ingen"))

    doc.heading("Medlemmer")
    ms = f.members
    doc.text(
        f"Medlemmer 1. januar {f.year}: {ms.on_1_january}    "
        f"Medlemmer 31. december {f.year}: {ms.on_31_december}"
    )
    _changes(doc, "Indmeldt i året", ms.joins, da.JOIN_REASONS)
    _changes(doc, "Udmeldt i året", ms.leaves, da.LEAVE_REASONS)

    doc.heading("Møder")
    count, topic = f.meeting_count, f.mandatory_topic
    doc.text(
        f"Afholdte møder: {count.held} (aftalen: {count.minimum}–{count.maximum} om året)."
        f" Planlagte eller afholdte: {count.planned_or_held}."
    )
    title = f"{topic.title}: " if topic.title else ""
    doc.text(f"Årets obligatoriske emne: {title}{da.COVERAGE[topic.status]}.")
    for meeting in f.meetings:
        _meeting(doc, meeting)
    doc.subheading(f"Medlemmer uden fremmøde i året ({len(f.members_at_no_meeting)})")
    doc.text(_names(f.members_at_no_meeting) or "Ingen.")

    doc.heading("Økonomi")
    money_part(doc, f.money)

    doc.heading("Koordinatorens beretning")
    if s.narrative is None:
        doc.text("Koordinatoren har ikke indsendt beretningen endnu.")
    else:
        for label, text in (
            ("Hvad netværket har arbejdet med", s.narrative.worked_on),
            ("Aftaler", s.narrative.agreements),
            ("Opfølgning", s.narrative.follow_ups),
        ):
            doc.subheading(label)
            doc.text(text)
    return doc.output()


def _meeting(doc: Document, m: MeetingReport) -> None:
    doc.subheading(f"{da.date(m.date)} · {m.place} · {da.MEETING_STATUS[m.status]}")
    lines = [
        f"Emner: {', '.join(m.topics) or '(ingen angivet)'}",
        f"Årets obligatoriske emne: {da.yes(m.covers_mandatory_topic)}",
    ]
    a = m.attendance
    if a is not None:
        lines.append(
            f"Deltagerliste (revision {m.list_revision}): {a.member_owner} medlemmer "
            f"(ejere), {a.other_network_owner} ejere fra andre netværk, "
            f"{a.employee} ansatte, {a.guest} gæster"
        )
        lines.append(
            f"Fraværende medlemmer ({len(m.absent)} af {m.members_on_date}): "
            + (_names(m.absent) or "ingen")
        )
    elif m.status == "held":
        lines.append("Deltagerlisten er ikke sendt til EKM.")
    doc.text("\n".join(lines))


def _changes(
    doc: Document, title: str, changes: tuple[Change, ...], reasons: dict[str, str]
) -> None:
    doc.subheading(f"{title} ({len(changes)})")
    if not changes:
        doc.text("Ingen.")
        return
    doc.table(
        ("Dato", "Navn", "Klinik", "Ydernr.", "Årsag"),
        [
            (
                da.date(c.date),
                c.name,
                c.clinic_name,
                c.ydernummer,
                reasons.get(c.reason, c.reason) + (f" ({c.note})" if c.note else ""),
            )
            for c in changes
        ],
        (22, 44, 46, 22, 46),
    )


def _names(people: tuple[Person, ...]) -> str:
    return ", ".join(p.name for p in people)


def _last_day(until: dt.date | None) -> str:
    """A spell's last day: the day before the next one begins (open: still running)."""
    return "–" if until is None else da.date(until - dt.timedelta(days=1))
