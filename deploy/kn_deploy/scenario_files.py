"""What the demo year leaves for people: each network's key figures and flags in a line, and
the files written from the services (the annual statuses and fee statements as PDFs, an
attendance sheet, the payouts and the national overview as CSV and XLSX)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from kn_contracts.money import kroner_text
from kn_deploy.scenario_closing import SETTLE_WITHIN, Closed
from kn_deploy.scenario_desk import Desk
from kn_deploy.scenario_kit import fetch, get_json, until

SHEET = ("aarhus-nord", "2025-09-10")  # the attendance sheet printed for that meeting


def key_figures(status: dict[str, Any]) -> dict[str, Any]:
    """A network's key figures and flags from its annual status."""
    f, money = status["figures"], status["figures"]["money"]
    return {
        "name": f["network"]["name"],
        "cluster": f["network"]["cluster_name"],
        "members": (f["members"]["on_1_january"], f["members"]["on_31_december"]),
        "joins": len([j for j in f["members"]["joins"] if j["date"] > "2025-01-01"]),
        "leaves": len(f["members"]["leaves"]),
        "meetings_held": f["meeting_count"]["held"],
        "attendance": (f["attendances"], f["possible_attendances"]),
        "mandatory_topic": f["mandatory_topic"]["status"],
        "pool": (money["pool_used"], money["pool_entitlement"]),
        "invoices": {
            s: sum(1 for i in money["invoices"] if i["status"] == s)
            for s in ("approved", "rejected", "waiting")
        },
        "fees": {
            p["person_id"]: (p["name"], p["months"], p["amount"]) for p in money["fee"]["payees"]
        },
        "months_without_coordinator": list(f["coordinators"]["months_without"]),
        "flags": [flag["code"] for flag in status["flags"]],
        "flag_texts": [flag["text"] for flag in status["flags"]],
        "filing": status["submission"]["status"],
        "submitted_on": status["submission"]["submitted_on"],
    }


def describe(network_id: str, k: dict[str, Any]) -> list[str]:
    """The key figures, a few lines."""
    fees = "; ".join(
        f"{name} ({person}) {months} months {kroner_text(amount)}"
        for person, (name, months, amount) in k["fees"].items()
    )
    came, could = k["attendance"]
    topic = {"covered": "covered", "not_planned": "not covered"}.get(k["mandatory_topic"])
    return [
        f"{k['name']} ({network_id}), cluster {k['cluster']}",
        f"  members: {k['members'][0]} on 1 January, {k['members'][1]} on 31 December; "
        f"{k['joins']} joined during the year, {k['leaves']} left",
        f"  meetings: {k['meetings_held']} held (2-4 a year); member attendance {came} of "
        f"{could}; mandatory topic: {topic or k['mandatory_topic']}",
        f"  pool: {kroner_text(k['pool'][0])} used of {kroner_text(k['pool'][1])}; invoices: "
        f"{k['invoices']['approved']} approved, {k['invoices']['rejected']} rejected",
        f"  coordinator fee: {fees}",
        f"  flags: {'; '.join(k['flag_texts']) or 'none'}",
        f"  annual status: {k['filing']} (submitted {k['submitted_on']})",
    ]


def write(desk: Desk, closed: Closed, out: Path) -> dict[str, Path]:
    """Fetch the year's documents from the services into `out`; where each one is."""
    reporting, finance = desk.http["reporting"], desk.http["finance"]
    for folder in ("reporting", "finance", "meetings"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def save(name: str, path: Path, body: bytes) -> None:
        path.write_bytes(body)
        files[name] = path

    for network_id, status in closed.statuses.items():
        route = f"/networks/{network_id}/annual-status/2025.pdf"
        save(
            f"status-{network_id}",
            out / "reporting" / f"aarlig-status-{network_id}-2025.pdf",
            fetch(reporting, route, desk.ekm),
        )
        for payee in status["figures"]["money"]["fee"]["payees"]:
            person = payee["person_id"]
            route = f"/networks/{network_id}/fee/2025/statement/{person}.pdf"
            save(
                f"statement-{network_id}-{person}",
                out / "finance" / f"honoraropgoerelse-2025-{network_id}-{person}.pdf",
                fetch(finance, route, desk.ekm),
            )
    network_id, day = SHEET
    route = f"/networks/{network_id}/meetings/{day}/attendance-sheet.pdf?blank_rows=6"
    save(
        "attendance-sheet",
        out / "meetings" / f"deltagerliste-{network_id}-{day}.pdf",
        fetch(desk.http["meetings"], route, desk.coordinator(network_id)),
    )
    period = f"from=2025-01-01&until={max(closed.today, dt.date(2026, 12, 31)).isoformat()}"
    paid = sum(t["pool_paid"] + t["fee"] for t in closed.audit.figures["totals"].values())
    # finance's export reads its own view of the payouts topic: wait until it has them all
    until(
        lambda: _sum(fetch(finance, f"/payouts.csv?{period}", desk.ekm)),
        lambda total: total == paid,
        within=SETTLE_WITHIN,
    )
    for kind in ("csv", "xlsx"):
        save(
            f"payouts-{kind}",
            out / "finance" / f"udbetalinger-2025.{kind}",
            fetch(finance, f"/payouts.{kind}?{period}", desk.ekm),
        )
    # the filings reach the overview through reporting's own topic, a moment later
    until(
        lambda: get_json(reporting, "/overview/2025", desk.ekm),
        lambda o: _filed(o, set(closed.statuses)),
        within=SETTLE_WITHIN,
    )
    for kind in ("csv", "xlsx"):
        save(
            f"overview-{kind}",
            out / "reporting" / f"oversigt-2025.{kind}",
            fetch(reporting, f"/overview/2025.{kind}", desk.ekm),
        )
    return files


def _sum(body: bytes) -> int:
    """The payouts' total in øre (Danish kroner with a decimal comma)."""
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    return sum(int(row["Beløb (kr)"].replace(",", "").replace(".", "")) for row in rows)


def _filed(overview: dict[str, Any], networks: set[str]) -> bool:
    rows = [n for c in overview["clusters"] for n in c["networks"] if n["network_id"] in networks]
    return len(rows) == len(networks) and all(n["annual_status"] == "acknowledged" for n in rows)
