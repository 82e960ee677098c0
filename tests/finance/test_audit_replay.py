"""The audit (issue 13 item 3): every money figure recomputed from the source facts read
from offset 0, compared with what finance decided and published, and digested."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys

import pytest

from kn_deploy import cli, infra
from kn_deploy.audit import replay
from kn_rules.audit import AsOf
from kn_rules.scheme_files import load_scheme
from kn_servicekit.cause import copenhagen_date
from tests.finance.service import Finance
from tests.finance.story import JUNE, MARCH, recorded, worked_example
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
TODAY = copenhagen_date(dt.datetime.now(dt.UTC))  # the day in Copenhagen, as ce_time is read
SCHEME = load_scheme("fysioterapi")


async def the_year_closed(finance: Finance) -> None:
    await worked_example(finance)
    await finance.publish("meetings", recorded())
    await finance.invoice_until("aalborg-oest", "catering-0312", "approved")
    assert (await finance.post("/v1/fees/2025/close", None)).status_code == 200
    await eventually(finance.payouts, lambda found: len(found) == 4, what="4 payouts")


async def test_the_audit_recomputes_the_worked_example_and_finds_no_difference(
    finance: Finance,
) -> None:
    await the_year_closed(finance)
    found = await replay(finance.box.kafka, AsOf(TODAY), SCHEME, finance.box.prefix, False)
    year = found.figures["networks"]["aalborg-oest"]["2025"]
    assert year["meetings"][MARCH] | {"date": "2025-03-12"} == {
        "date": "2025-03-12",
        "status": "held",
        "list_revision": 1,
        "counted": 14,
        "entitlement": 747_600,
    }
    assert year["meetings"][JUNE]["status"] == "planned"
    invoices = year["invoices"]
    assert (invoices["venue-0312"]["approved"], invoices["venue-0312"]["not_covered"]) == (
        747_600,
        62_400,
    )
    assert (invoices["catering-0312"]["approved"], invoices["catering-0312"]["payable"]) == (0, 0)
    assert invoices["venue-0611"]["status"] == "rejected"
    assert "due_too_soon" in invoices["venue-0611"]["reasons"]
    assert year["pool_paid"] == 747_600
    assert {p: (f["months_paid"], f["amount"]) for p, f in year["fee"].items()} == {
        "p-03": (4, 712_000),
        "p-04": (8, 1_424_000),
    }
    assert year["fee_closed"] is True
    assert found.differences == []
    assert found.left_out == 0
    again = await replay(finance.box.kafka, AsOf(TODAY), SCHEME, finance.box.prefix, False)
    assert (again.digest, again.canonical()) == (found.digest, found.canonical())


async def test_the_audit_in_worker_processes_gives_the_same_bytes_as_in_one(
    finance: Finance,
) -> None:
    await the_year_closed(finance)
    box = finance.box
    one = await replay(box.kafka, AsOf(TODAY), SCHEME, box.prefix, False)
    three = await replay(box.kafka, AsOf(TODAY), SCHEME, box.prefix, False, workers=3)
    assert (three.digest, three.canonical()) == (one.digest, one.canonical())
    assert (three.read, three.left_out, three.repeated) == (one.read, one.left_out, one.repeated)
    assert three.read > 0
    assert three.differences == one.differences == []


async def test_as_of_a_day_gives_the_figures_as_they_stood_then(finance: Finance) -> None:
    await the_year_closed(finance)
    before = await replay(
        finance.box.kafka, AsOf(TODAY - dt.timedelta(days=1)), SCHEME, finance.box.prefix
    )
    assert before.figures["networks"] == {}  # every fact of this test was recorded today
    by_effect = await replay(
        finance.box.kafka,
        AsOf(dt.date(2025, 5, 31), "effective_date"),
        SCHEME,
        finance.box.prefix,
        False,
    )
    year = by_effect.figures["networks"]["aalborg-oest"]["2025"]
    # months paid up to 31 May: Anna January-April, Bo May (he holds the role on the 20th);
    # the 2025 table took effect in January 2026, so no amount yet
    assert {p: (f["months_paid"], f["amount"]) for p, f in year["fee"].items()} == {
        "p-03": (4, None),
        "p-04": (1, None),
    }
    assert year["fee_closed"] is False


async def test_kn_audit_prints_the_canonical_figures_their_digest_and_the_differences(
    finance: Finance,
) -> None:
    await the_year_closed(finance)
    env = {**os.environ, **infra.kafka_env(finance.box.access("auditor"))}
    until, prefix = TODAY.isoformat(), finance.box.prefix
    ran = await asyncio.create_subprocess_exec(
        *[
            sys.executable,
            "-m",
            "kn_deploy.cli",
            "audit",
            "--until",
            until,
            "--prefix",
            prefix,
            "--workers",
            "2",
        ],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(ran.communicate(), timeout=120)
    assert ran.returncode == 0, err.decode()
    figures_line, digest_line, *rest = out.decode().splitlines()
    figures = json.loads(figures_line)
    compact = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert figures_line == compact
    found = await replay(finance.box.kafka, AsOf(TODAY), SCHEME, finance.box.prefix, False)
    assert digest_line == f"sha256 {found.digest}"
    assert rest[-1] == "0 difference(s) from what finance decided and published"
    assert "audit: " in err.decode()  # not a terminal: plain progress lines


def test_kn_audit_says_what_a_wrong_count_of_workers_is(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main(["audit", "--until", "2025-12-31", "--workers", "0"])
    assert refused.value.code == 2
    assert "workers must be 1 to 64, not 0" in capsys.readouterr().err
    monkeypatch.setenv("KN_AUDIT_WORKERS", "two")
    assert cli.main(["audit", "--until", "2025-12-31"]) == 2
    assert "KN_AUDIT_WORKERS: workers must be a whole number, not 'two'" in capsys.readouterr().err
