"""Payouts on kn.finance.payouts: corrections adjust, ids are deterministic, EKM's exports
and the payee's statement hold the figures (DOMAIN Pool payouts 8, 9; Coordinator 2-8)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import uuid

import openpyxl  # type: ignore[import-untyped]
import pytest
from pypdf import PdfReader

from kn_contracts.events.payouts import PayoutAdjusted, PoolPayoutApproved
from kn_contracts.topics import FINANCE_PAYOUTS
from kn_deploy.kcat import kcat_env, kcat_options
from kn_deploy.principals import EKM_FINANCE
from tests.finance.service import AALBORG, Finance
from tests.finance.story import corrected, recorded, worked_example
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra


async def approved(finance: Finance) -> None:
    await worked_example(finance)
    await finance.publish("meetings", recorded())
    await finance.invoice_until("aalborg-oest", "catering-0312", "approved")


async def test_a_corrected_list_after_payout_publishes_the_difference(finance: Finance) -> None:
    await approved(finance)
    await finance.publish("meetings", corrected(owners=16))
    await eventually(
        lambda: finance.get("/v1/networks/aalborg-oest/invoices/catering-0312"),
        lambda view: view["list_revision"] == 2,
        what="catering on revision 2",
    )
    payouts = await eventually(finance.payouts, lambda found: len(found) == 4, what="4 payouts")
    adjusted = {e.invoice_id: e.amount for e in payouts if isinstance(e, PayoutAdjusted)}
    assert adjusted == {"venue-0312": 62_400, "catering-0312": 30_000}  # 16 × 534 = 8,544.00
    totals: dict[str, int] = {}
    for event in payouts:
        assert isinstance(event, PoolPayoutApproved | PayoutAdjusted)
        totals[event.thing] = totals.get(event.thing, 0) + event.amount
    assert totals == {
        "pool:aalborg-oest:venue-0312": 810_000,
        "pool:aalborg-oest:catering-0312": 30_000,
    }


async def test_a_payouts_ce_id_is_a_uuid5_of_its_kind_thing_and_revision_read_by_kcat(
    finance: Finance,
) -> None:
    assert shutil.which("kcat"), "kcat is missing: `make test` installs Debian's kcat package"
    await approved(finance)
    topic = finance.box.topic(FINANCE_PAYOUTS.name)
    await eventually(finance.payouts, lambda found: len(found) == 2, what="two payouts")
    ekm = finance.box.access(EKM_FINANCE)  # as EKM's finance system reads them
    kcat = await asyncio.create_subprocess_exec(
        "kcat",
        "-C",
        "-b",
        ekm.bootstrap,
        *kcat_options(ekm),
        "-t",
        topic,
        "-e",
        "-q",
        "-J",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=kcat_env(),
    )
    out, errors = await kcat.communicate()
    assert kcat.returncode == 0, errors.decode()
    messages = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    ids = {}
    for message in messages:
        headers = dict(zip(message["headers"][::2], message["headers"][1::2], strict=True))
        ids[json.loads(message["payload"])["invoice_id"]] = headers["ce_id"]
        assert message["key"] == "aalborg-oest"
    cause = "kn:PoolPayoutApproved:pool:aalborg-oest:venue-0312:1#1"
    assert ids["venue-0312"] == str(uuid.uuid5(uuid.NAMESPACE_URL, cause))


async def test_ekm_exports_the_periods_payouts_as_csv_and_xlsx(finance: Finance) -> None:
    await approved(finance)
    assert (await finance.post("/v1/fees/2025/close", None)).status_code == 200
    period = {"from": "2025-01-01", "until": "2026-12-31"}

    async def rows() -> list[dict[str, str]]:
        answer = await finance.http.get(
            "/v1/payouts.csv", params=period, headers={"Authorization": "Bearer t-auditor"}
        )
        assert answer.status_code == 200, answer.text
        return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))

    found = await eventually(rows, lambda r: len(r) == 4, what="4 rows in the CSV")
    amounts = sorted((r["Type"], r["Faktura-id"] or r["Person-id"], r["Beløb (kr)"]) for r in found)
    assert amounts == [
        ("Koordinatorhonorar", "p-03", "7120,00"),
        ("Koordinatorhonorar", "p-04", "14240,00"),
        ("Puljeudbetaling", "catering-0312", "0,00"),
        ("Puljeudbetaling", "venue-0312", "7476,00"),
    ]
    venue = next(r for r in found if r["Faktura-id"] == "venue-0312")
    assert (
        venue["Møde-id"],
        venue["Deltagerliste-revision"],
        venue["Taksttabel-år"],
        venue["Taksttabel-revision"],
        venue["Indekseret på"],
        venue["Betalingsmodtager"],
    ) == ("2025-03-12", "1", "2025", "1", "2022 rev. 1", "danish_account 9570-0001234567")
    answer = await finance.http.get(
        "/v1/payouts.xlsx", params=period, headers={"Authorization": "Bearer t-ekm"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    header, *cells = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Udbetalings-id"
    at = header.index("Beløb (kr)")
    kroner = {row[4] or row[5]: row[at] for row in cells}
    assert kroner == {"venue-0312": 7476.0, "catering-0312": 0.0, "p-03": 7120.0, "p-04": 14240.0}


async def test_each_payee_gets_a_danish_fee_statement(finance: Finance) -> None:
    await approved(finance)
    assert (await finance.post("/v1/fees/2025/close", None)).status_code == 200
    answer = await finance.http.get(
        "/v1/networks/aalborg-oest/fee/2025/statement/p-03.pdf",
        headers=AALBORG,
    )
    assert answer.status_code == 200, answer.text
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    for expected in (
        "Opgørelse af koordinatorhonorar 2025",
        "Aalborg Øst",
        "Anna Andersen",
        "7.120,00 kr",
        "21.360,00 kr",
        "A-indkomst",
        "NemKonto",
        "20. maj 2025",
    ):
        assert expected in text, expected
