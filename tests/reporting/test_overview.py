"""The national overview over HTTP, on real Kafka and PostgreSQL: EKM and auditors per
cluster and network, a coordinator beside quartiles of the others, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tests.reporting import example as ex
from tests.reporting.networks import CLUSTERS, network
from tests.reporting.service import AALBORG, AUDITOR, EKM, ESBJERG, Reporting
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

OTHERS = [
    ("vest", "Aalborg Vest", "aalborg", 6, 10),
    ("syd", "Aalborg Syd", "aalborg", 5, 12),
    ("hjerting", "Hjerting", "esbjerg", 5, 8),
    ("ribe", "Ribe", "esbjerg", 7, 16),
    ("vejle", "Vejle", "esbjerg", 6, 14),
    ("fanoe", "Fanø", "esbjerg", 4, 9),
]


async def overview(service: Reporting, headers: dict[str, str]) -> Any:
    answer = await service.client.get("/v1/overview/2025", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def published(service: Reporting) -> Any:
    await service.publish(
        [
            *ex.membership(),
            *ex.meetings(),
            *ex.finance(),
            *CLUSTERS,
            *(
                e
                for nid, name, cluster, clinics, members in OTHERS
                for e in network(nid, name, cluster, clinics=clinics, members=members)
            ),
        ]
    )
    return await eventually(
        lambda: overview(service, EKM),
        lambda o: (
            sum(len(c["networks"]) for c in o["clusters"]) == 7
            and o["national"]["meetings_held"] == 11
            and o["national"]["pool_used"] == 747600
        ),
        what="seven networks",
    )


def statuses(seen: Any) -> dict[str, str]:
    return {r["network_id"]: r["annual_status"] for c in seen["clusters"] for r in c["networks"]}


async def test_ekm_and_auditors_see_every_network_that_may_be_shown(service: Reporting) -> None:
    seen = await published(service)
    assert [c["name"] for c in seen["clusters"]] == ["Aalborg", "Esbjerg"]
    rows = {r["network_id"]: r for c in seen["clusters"] for r in c["networks"]}
    oest = rows[ex.NETWORK]["figures"]
    assert (oest["members"], oest["meetings_held"], oest["attendance_rate"]) == (18, 1, 77.8)
    assert (oest["pool_used"], oest["pool_entitlement"], oest["fees"]) == (747600, 747600, 2136000)
    assert rows["fanoe"]["figures"] is None
    assert rows["fanoe"]["hidden"] == "drawn from 4 clinic(s), fewer than 5: not shown"
    assert seen["national"]["members"] == 18 + 10 + 12 + 8 + 16 + 14
    assert seen["quartiles"]["networks"] == 6
    assert await overview(service, AUDITOR) == {**seen, "viewer": "auditor"}
    assert rows[ex.NETWORK]["annual_status"] == "not_submitted"

    text = {"worked_on": "PRO-data", "agreements": "Fælles måling", "follow_ups": "Efterår"}
    url = f"/v1/networks/{ex.NETWORK}/annual-status/2025/submit"
    assert (await service.client.post(url, json=text, headers=AALBORG)).status_code == 200
    await eventually(
        lambda: overview(service, EKM),
        lambda o: statuses(o)[ex.NETWORK] == "submitted",
        what="the submission in the overview, from kn.reporting.events",
    )


async def test_a_coordinator_sees_their_network_beside_anonymous_quartiles(
    service: Reporting,
) -> None:
    await published(service)
    mine = await overview(service, AALBORG)
    assert mine["clusters"] == []
    assert mine["own_network"]["name"] == "Aalborg Øst"
    assert mine["quartiles"]["networks"] == 5  # Fanø may not be shown, so it is in no quartile
    # the others have no coordinator: finance's rate table gives each a fee of 0.00
    assert mine["quartiles"]["fees"] == {"q1": 0.0, "median": 0.0, "q3": 0.0}
    text = (await service.client.get("/v1/overview/2025.csv", headers=AALBORG)).text
    for other in ("Vest", "Hjerting", "Ribe", "Vejle", "Fanø", "Fysioterapeut"):
        assert other not in text
    unknown = await service.client.get("/v1/overview/2025", headers=ESBJERG)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "no network 'esbjerg' in 2025 is known to reporting"


async def test_the_overview_exports_as_csv_and_xlsx_with_danish_headers(service: Reporting) -> None:
    await published(service)
    answer = await service.client.get("/v1/overview/2025.csv", headers=EKM)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="oversigt-2025.csv"'
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == [
        "Klynge",
        "Netværk",
        "Antal netværk",
        "Medlemmer 31. december",
        "Møder afholdt",
    ]
    [oest] = [r for r in rows if r[1] == "Aalborg Øst"]
    assert oest[5:10] == ["77,8", "1 af 1", "7476,00", "7476,00", "21360,00"]
    [fanoe] = [r for r in rows if r[1] == "Fanø"]
    assert fanoe[3] == "skjult: færre end 5 klinikker"

    book = await service.client.get("/v1/overview/2025.xlsx", headers=EKM)
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(rows[0])
    [oest_xlsx] = [r for r in values if r[1] == "Aalborg Øst"]
    assert oest_xlsx[3:8] == (18, 1, 77.8, "1 af 1", 7476.0)
