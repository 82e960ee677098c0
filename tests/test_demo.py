"""`make demo`'s year 2025 (the worked example and two more networks): `kn demo
--keep-running` plays it through the four real service processes on Kafka and PostgreSQL
and leaves them running for a newcomer to look around; each network's figures and flags,
the files and the audit digest beside reporting's come from a second play against the
running system, which records nothing and gives the same digest."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from kn_deploy.demo import TOKEN_KEYS, play_year
from kn_deploy.infra import kafka_env
from kn_deploy.layout import REPO_ROOT
from kn_deploy.scenario_closing import settled
from kn_deploy.scenario_desk import PERSON_KEY
from kn_deploy.scenario_year import WORKED_EXAMPLE, Expected
from kn_deploy.tokens import signing_key
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.kn_cli import clean_env, create_schemas, kn
from tests.support.private_infra import free_port

SERVICES = ("membership", "meetings", "finance", "reporting")
# end-to-end: services started and a long story played twice; on a slow 2-core machine
# under the suite's other workers, it comes near the default 120 s
pytestmark = pytest.mark.timeout(300)


def _text(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.infra
def test_the_demo_plays_the_year_of_three_networks_to_one_digest_and_again(
    tmp_path: Path,
    kafka_admin: KafkaAccess,
    test_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache, prefix, tag = tmp_path / "cache", f"demo{uuid.uuid4().hex[:8]}.", uuid.uuid4().hex[:8]
    env = clean_env(**kafka_env(kafka_admin), KN_CACHE_DIR=str(cache), KN_TOPIC_PREFIX=prefix)
    schemas = {service: f"demo_{service}_{tag}" for service in SERVICES}
    asyncio.run(create_schemas(test_database_url, schemas.values()))
    for service, schema in schemas.items():
        env[f"KN_{service.upper()}_DATABASE_URL"] = f"{test_database_url}?search_path={schema}"
        env[f"KN_{service.upper()}_HTTP_PORT"] = str(free_port())
    env["KN_WEB_HTTP_PORT"] = str(free_port())
    urls = {s: f"http://127.0.0.1:{env[f'KN_{s.upper()}_HTTP_PORT']}" for s in SERVICES}
    web = f"http://127.0.0.1:{env['KN_WEB_HTTP_PORT']}"
    demo = kn(REPO_ROOT, env, "demo", "--keep-running")
    try:
        assert demo.returncode == 0, demo.stderr + demo.stdout
        told = demo.stdout
        assert "is rejected: due 2025-06-10 is 9 days after receipt" in told
        assert "months served {'p-03': 4, 'p-04': 8}" in told
        audit = re.search(
            r"sha256 ([0-9a-f]{64}), 0 differences from finance, (\d+) events read", told
        )
        assert audit, told
        assert f"sha256 {audit.group(1)} (the same)" in told  # reporting serves the digest

        # left running for a newcomer: the APIs, an EKM and a coordinator token, the web app
        token = re.search(r"EKM token: +(\S+)", told)
        assert token, told
        assert f"{urls['membership']}/docs" in told
        members = httpx.get(
            f"{urls['membership']}/v1/networks/aalborg-oest/members",
            params={"on": "2025-03-12"},
            headers={"Authorization": f"Bearer {token.group(1)}"},
        )
        assert members.status_code == 200
        assert len(members.json()["members"]) == 18
        # the coordinator today signs in with their own token (issue 16 item 4)
        person = re.search(r"coordinator p-04 \(aalborg-oest\): +(\S+)", told)
        assert person, told
        mine = httpx.get(
            f"{urls['membership']}/v1/networks/aalborg-oest/members",
            params={"on": "2025-03-12"},
            headers={"Authorization": f"Bearer {person.group(1)}"},
        )
        assert mine.status_code == 200, mine.text
        assert f"{web}/log-ind" in told  # the web app runs in front of the services
        assert httpx.get(f"{web}/log-ind").status_code == 200

        # the same year played again against the running system records nothing
        monkeypatch.setenv("KN_CACHE_DIR", str(cache))
        monkeypatch.setenv("KN_TOPIC_PREFIX", prefix)
        kept = json.loads((cache / "demo" / "tokens.json").read_text())
        tokens = {key: kept[key] for key in TOKEN_KEYS} | {PERSON_KEY: signing_key().decode()}
        retold: list[str] = []
        again = play_year(urls, kafka_admin, tokens, tmp_path / "again", retold.append)
    finally:
        down = kn(REPO_ROOT, env, "infra", "down")
    assert "membership service" in down.stdout, down.stdout
    for stopped in (urls["membership"], web):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{stopped}/health", timeout=2.0)

    assert again["digest"] == audit.group(1)
    assert again["events_read"] == int(audit.group(2))  # the rerun recorded no fact
    assert again["served_digest"] == again["digest"]
    printed = f"sha256 {again['digest']}, 0 differences from finance"
    assert any(printed in line for line in retold)
    assert again["worked_example"]["members"] == 18
    assert again["worked_example"]["attendance"] == {"member_owner": 14, "employee": 2}
    assert again["worked_example"]["money"] == {  # approved, not covered (øre)
        "venue": (747_600, 62_400), "catering": (0, 30_000), "june": "rejected",
    }  # fmt: skip
    n = again["networks"]
    assert (n["aalborg-oest"]["members"], n["aalborg-oest"]["pool"]) == ((18, 18), (747_600,) * 2)
    assert n["aalborg-oest"]["fees"] == {
        "p-03": ("Ejer Nummer 03", 4, 712_000), "p-04": ("Ejer Nummer 04", 8, 1_424_000),
    }  # fmt: skip
    late = ["submitted_late"]  # the demo files 2025's statuses today, after 31 January 2026
    assert n["aalborg-oest"]["flags"] == ["too_few_meetings", "mandatory_topic_missing", *late]
    vest, nord = n["aalborg-vest"], n["aarhus-nord"]
    assert (vest["members"], vest["joins"], vest["leaves"]) == ((20, 21), 2, 1)  # renter, sale
    assert (vest["meetings_held"], vest["pool"]) == (3, (2_064_200, 2_349_600))
    assert vest["invoices"] == {"approved": 4, "rejected": 1, "waiting": 0}
    assert vest["fees"] == {"av-01": ("Bjarne Holm", 6, 1_068_000),
                            "av-05": ("Freja Nielsen", 4, 712_000)}  # fmt: skip
    assert (vest["flags"], vest["months_without_coordinator"]) == (
        ["months_without_coordinator", *late], [7, 8],
    )  # fmt: skip
    assert (nord["members"], nord["meetings_held"]) == ((20, 21), 3)
    assert nord["pool"] == (1_734_200, 2_349_600)  # raised by the correction and the late join
    assert nord["fees"] == {"an-01": ("Karin Sørensen", 9, 1_602_000),
                            "an-02": ("Lars Bech", 3, 534_000)}  # fmt: skip
    assert (nord["flags"], nord["mandatory_topic"]) == (late, "covered")
    assert {k["filing"] for k in n.values()} == {"acknowledged"}

    files = again["files"]
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
