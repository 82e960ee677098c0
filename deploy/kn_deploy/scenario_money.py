"""The demo's money: the worked example's year through the finance service (DOMAIN "Pool
payouts", "Coordinator"), after the story of deploy/kn_deploy/scenario.py.

EKM publishes the rate tables, registers the 12 March invoices and the June one, finance
decides them from the attendance list meetings sent, EKM closes 2025 for the coordinator
fee, and the exports and statements are written to files. Every command carries a fixed
Idempotency-Key, so a second run answers the same and records nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from kn_contracts.money import kroner_text
from kn_deploy.scenario_kit import get_json, until

NETWORK = "aalborg-oest"
COORDINATOR_A = "Ejer Nummer 03"  # the demo's coordinators, p-03 then p-04 (scenario.py)
PAYEES = ("p-03", "p-04")
RATES = (
    (
        "rates-2022",
        {
            "year": 2022,
            "amounts": {
                "pool": [{"tier": "standard", "amount": 50_000}],
                "coordinator_fee": 2_000_000,
            },
        },
    ),
    ("rates-2025", {"year": 2025, "index_factor": "1.068", "index_base_year": 2022}),
)


def _invoice(invoice_id: str, kroner: int, **fields: Any) -> dict[str, Any]:
    return {
        "invoice_id": invoice_id, "network_id": NETWORK, "coordinator_name": COORDINATOR_A,
        "meeting_date": "2025-03-12", "due_date": "2025-04-10", "amount": kroner * 100,
        "payee": {"kind": "danish_account", "reference": "9570-0001234567"},
        "supplier_name": "Fysio Øst Lokaler ApS", "supplier_cvr": "12345678",
        "supplier_invoice_number": f"F-{invoice_id}", "received_date": "2025-03-20",
        "cost_kind": "venue", **fields,
    }  # fmt: skip


INVOICES = (
    _invoice("venue-0312", 8100),
    _invoice("catering-0312", 300, cost_kind="catering", received_date="2025-03-21",
             supplier_name="Kantinen A/S", supplier_cvr="87654321"),
    _invoice("venue-0611", 2000, meeting_date="2025-06-11", received_date="2025-06-01",
             due_date="2025-06-10", coordinator_name="Ejer Nummer 04"),
)  # fmt: skip


class Money:
    """The finance part of the demo, against a running finance service."""

    def __init__(self, finance: str, tokens: dict[str, str], out: Path) -> None:
        self.http = httpx.Client(base_url=finance + "/v1", timeout=10.0)
        self.ekm = {"Authorization": f"Bearer {tokens['ekm']}"}
        self.out = out

    def __enter__(self) -> Money:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def run(self, say: Callable[[str], None]) -> dict[str, Any]:
        """Play the year's money, close it and write the files; return its figures and where
        the files are."""
        figures = self.play(say)
        figures["fees"] = self.close(say)
        figures["files"] = {name: str(path) for name, path in self.files().items()}
        say("files for EKM and the payees: " + ", ".join(figures["files"].values()))
        return figures

    def play(self, say: Callable[[str], None]) -> dict[str, Any]:
        """The rate tables and the worked example's invoices, as finance decides them."""
        for key, table in RATES:
            self._send("/rate-tables", key, table)
        say("EKM published the rate tables: 2022 (500 kr, fee 20,000 kr) and 2025 = 2022 × 1.068")
        for body in INVOICES:
            self._send("/invoices", f"invoice-{body['invoice_id']}", body)
        decided = {body["invoice_id"]: self._decided(body["invoice_id"]) for body in INVOICES}
        venue, catering, june = (decided[i] for i in ("venue-0312", "catering-0312", "venue-0611"))
        say(f"12 March: entitlement 14 × 534 kr = {kroner_text(venue['entitlement'])}; venue "
            f"{venue['amount_text']} approved {venue['approved_text']}, "
            f"{venue['not_covered_text']} not covered; catering {catering['amount_text']} approved "
            f"{catering['approved_text']}")  # fmt: skip
        reasons = "; ".join(r["text"] for r in june["reasons"] if r["code"] == "due_too_soon")
        say(f"the invoice received 1 June is {june['status']}: {reasons}")
        return {
            "venue": (venue["approved"], venue["not_covered"]),
            "catering": (catering["approved"], catering["not_covered"]),
            "june": june["status"],
        }

    def close(self, say: Callable[[str], None]) -> dict[str, str]:
        """EKM closes 2025 for the coordinator fee (Pool payouts 9); the worked example's fees."""
        fee = get_json(self.http, f"/networks/{NETWORK}/fee?year=2025", self.ekm)
        self._send("/fees/2025/close", "close-fee-2025", None)
        fees = {p["person_id"]: (p["months_paid"], p["amount_text"]) for p in fee["payees"]}
        say(f"coordinator fee 2025 (21,360 kr a year), closed by EKM: {fees}")
        return {person: amount for person, (_, amount) in fees.items()}

    def _decided(self, invoice_id: str) -> dict[str, Any]:
        path = f"/networks/{NETWORK}/invoices/{invoice_id}"
        return until(
            lambda: get_json(self.http, path, self.ekm),
            lambda view: view["status"] in ("approved", "rejected"),
        )

    def files(self) -> dict[str, Path]:
        """The payouts as CSV and XLSX, and the worked example's two fee statements."""
        self.out.mkdir(parents=True, exist_ok=True)
        period = "from=2025-01-01&until=2026-12-31"
        wanted = {"csv": ("payouts.csv", "udbetalinger-2025.csv"),
                  "xlsx": ("payouts.xlsx", "udbetalinger-2025.xlsx")}  # fmt: skip
        until(
            lambda: self._fetch(f"/payouts.csv?{period}").count(b"\r\n"), lambda lines: lines >= 5
        )  # header, 2 pool payouts, 2 fees due
        files = {}
        for name, (route, filename) in wanted.items():
            files[name] = self.out / filename
            files[name].write_bytes(self._fetch(f"/{route}?{period}"))
        for person in PAYEES:
            route = f"/networks/{NETWORK}/fee/2025/statement/{person}.pdf"
            files[f"statement-{person}"] = self.out / f"honoraropgoerelse-2025-{person}.pdf"
            files[f"statement-{person}"].write_bytes(self._fetch(route))
        return files

    def _fetch(self, path: str) -> bytes:
        answer = self.http.get(path, headers=self.ekm)
        if answer.status_code >= 400:
            raise RuntimeError(f"GET {path} answered {answer.status_code}: {answer.text}")
        return answer.content

    def _send(self, path: str, key: str, body: Any) -> Any:
        headers = {**self.ekm, "Idempotency-Key": f"demo-{key}"}
        answer = self.http.post(path, json=body, headers=headers)
        if answer.status_code >= 400:
            raise RuntimeError(f"POST {path} answered {answer.status_code}: {answer.text}")
        return answer.json()
