"""`make demo`'s year 2025 (the worked example and two more networks) through the four real
service processes on Kafka and PostgreSQL: each network's figures and flags, the files, the
audit digest printed beside reporting's, and a rerun that records nothing and prints the
same digest."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from kn_deploy.demo import play_year
from kn_deploy.scenario_closing import settled
from kn_deploy.scenario_year import WORKED_EXAMPLE, Expected
from kn_deploy.services import ServiceProcess
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.demo_services import TOKENS, services_fixture

SERVICES = ("membership", "meetings", "finance", "reporting")
# end-to-end: services started and a long story played; on a slow 2-core machine under the
# suite's other workers, setup and call together come near the default 120 s
pytestmark = pytest.mark.timeout(300)


services = services_fixture(SERVICES, first_port=18300)


def _text(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.infra
def test_the_demo_plays_the_year_of_three_networks_to_one_digest_and_again(
    services: dict[str, ServiceProcess], kafka_admin: KafkaAccess, tmp_path: Path
) -> None:
    urls = {name: process.url for name, process in services.items()}
    told: list[str] = []
    year = play_year(urls, kafka_admin, TOKENS, tmp_path / "demo", told.append)
    retold: list[str] = []
    again = play_year(urls, kafka_admin, TOKENS, tmp_path / "again", retold.append)

    assert year["worked_example"]["members"] == 18
    assert year["worked_example"]["attendance"] == {"member_owner": 14, "employee": 2}
    assert year["worked_example"]["money"] == {  # approved, not covered (øre)
        "venue": (747_600, 62_400), "catering": (0, 30_000), "june": "rejected",
    }  # fmt: skip
    assert any("is rejected: due 2025-06-10 is 9 days after receipt" in line for line in told)
    assert any("months served {'p-03': 4, 'p-04': 8}" in line for line in told)
    n = year["networks"]
    assert (n["aalborg-oest"]["members"], n["aalborg-oest"]["pool"]) == ((18, 18), (747_600,) * 2)
    assert n["aalborg-oest"]["fees"] == {
        "p-03": ("Ejer Nummer 03", 4, 712_000), "p-04": ("Ejer Nummer 04", 8, 1_424_000),
    }  # fmt: skip
    assert n["aalborg-oest"]["flags"] == ["too_few_meetings", "mandatory_topic_missing"]
    vest, nord = n["aalborg-vest"], n["aarhus-nord"]
    assert (vest["members"], vest["joins"], vest["leaves"]) == ((20, 21), 2, 1)  # renter, sale
    assert (vest["meetings_held"], vest["pool"]) == (3, (2_064_200, 2_349_600))
    assert vest["invoices"] == {"approved": 4, "rejected": 1, "waiting": 0}
    assert vest["fees"] == {"av-01": ("Bjarne Holm", 6, 1_068_000),
                            "av-05": ("Freja Nielsen", 4, 712_000)}  # fmt: skip
    assert (vest["flags"], vest["months_without_coordinator"]) == (
        ["months_without_coordinator"], [7, 8],
    )  # fmt: skip
    assert (nord["members"], nord["meetings_held"]) == ((20, 21), 3)
    assert nord["pool"] == (1_734_200, 2_349_600)  # raised by the correction and the late join
    assert nord["fees"] == {"an-01": ("Karin Sørensen", 9, 1_602_000),
                            "an-02": ("Lars Bech", 3, 534_000)}  # fmt: skip
    assert (nord["flags"], nord["mandatory_topic"]) == ([], "covered")
    assert {k["filing"] for k in n.values()} == {"acknowledged"}

    printed = f"sha256 {year['digest']}, 0 differences from finance"
    assert any(printed in line for line in told)
    assert any(f"sha256 {year['digest']} (the same)" in line for line in told)
    assert year["served_digest"] == year["digest"]
    assert again["digest"] == year["digest"]
    assert any(printed in line for line in retold)
    assert again["events_read"] == year["events_read"]  # the rerun recorded no fact
    assert again["networks"] == year["networks"]

    files = year["files"]
    assert "Ingen koordinator i 2 måned(er): juli, august" in _text(files["status-aalborg-vest"])
    assert "10.680,00 kr" in _text(files["statement-aalborg-vest-av-01"])
    assert "Cecilie Lauridsen" in _text(files["attendance-sheet"])
    overview = Path(files["overview-csv"]).read_text("utf-8-sig")
    rows = {r["Netværk"]: r for r in csv.DictReader(io.StringIO(overview), delimiter=";")}
    assert rows["Aarhus Nord"]["Puljeforbrug (kr)"] == "17342,00"
    assert rows["Aalborg Øst"]["Medlemmer 31. december"] == "skjult: færre end 5 klinikker"
    payouts = Path(files["payouts-csv"]).read_text("utf-8-sig")
    worked = [r for r in csv.DictReader(io.StringIO(payouts), delimiter=";")
              if r["Netværk"] == "aalborg-oest"]  # fmt: skip
    assert sorted((r["Type"], r["Beløb (kr)"]) for r in worked) == [
        ("Koordinatorhonorar", "14240,00"), ("Koordinatorhonorar", "7120,00"),
        ("Puljeudbetaling", "0,00"), ("Puljeudbetaling", "7476,00"),
    ]  # fmt: skip
    assert Path(files["payouts-xlsx"]).stat().st_size > 1000


def test_the_demo_waits_while_finance_differs_or_a_network_has_not_reached_its_year() -> None:
    fee = {"p-03": {"amount": 712_000}, "p-04": {"amount": 1_424_000}}
    done = {"meetings_held": 1, "pool_paid": 747_600, "fee": fee, "fee_closed": True}
    expected: dict[str, Expected] = {"aalborg-oest": WORKED_EXAMPLE}
    assert settled({"networks": {"aalborg-oest": {"2025": done}}}, [], expected)
    differing = [{"thing": "fee:aalborg-oest:2025:p-03", "what": "fee published"}]
    assert not settled({"networks": {"aalborg-oest": {"2025": done}}}, differing, expected)
    not_closed = {**done, "fee_closed": False}
    assert not settled({"networks": {"aalborg-oest": {"2025": not_closed}}}, [], expected)
    assert not settled({"networks": {}}, [], expected)
