"""The attendance sheet a coordinator prints, from meetings (it knows the meeting and the
members on its date): every name prints, long cells wrap, pages are numbered, no page holds
a lonely blank row, and it shows place, time, topics and a line for the coordinator."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kn_meetings.adapters.sheet import COLUMNS, Font, SheetFontMissing, attendance_sheet
from kn_meetings.domain.model import Meeting
from kn_meetings.domain.roster import Membership
from kn_meetings.handlers.papers import Holder, Papers
from kn_meetings.settings import MeetingsSettings
from tests.meetings.service import EKM, ESBJERG, Running, joined
from tests.support.persons import appointed
from tests.support.waiting import eventually

DEFAULTS = MeetingsSettings()
FONT = Font(DEFAULTS.sheet_font, DEFAULTS.sheet_font_bold)
NAMES = ("Łukasz Wiśniewski", "Đorđe Đorđević", "Ayşe Yılmaz", "Nguyễn Thị Minh Khai")
LONG_NAME = "Anne-Mette Kristiansen-Østergaard Fredensborg Hvidovre"
LONG_CLINIC = "Fysioterapi og Træning Aalborg Øst, afdeling Vejgaard og Hasseris"
MEETING = Meeting(
    meeting_id="2025-03-12", network_id="aalborg-oest", plan_year=2025,
    date=dt.date(2025, 3, 12), starts=dt.time(17), ends=dt.time(19, 55),
    place="Klinik Nord, Hobrovej 42, Aalborg", topics=("Rammer og aftaler", "Smertevurdering"),
    mandatory_topic_id=None, agenda=(),
)  # fmt: skip


def papers(count: int, *names: str) -> Papers:
    """A network of `count` members (the names given first), on 12 March 2025."""
    named = [*names, *(f"Ejer Nummer {n:02d}" for n in range(len(names), count))][:count]
    members = tuple(
        Membership("aalborg-oest", f"p-{n:02d}", name, f"{400100 + n}", "k",
                   LONG_CLINIC if name == LONG_NAME else "Klinik Nord")
        for n, name in enumerate(named)
    )  # fmt: skip
    return Papers("aalborg-oest", "Aalborg Øst", MEETING, members,
                  (Holder("p-anna", "Anna Ærø"),), ())  # fmt: skip


def pages(pdf: bytes) -> list[tuple[str, int]]:
    """Each page's text and how many table rows it draws (a row is four bordered cells)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        contents = page.get_contents()
        assert contents is not None
        found.append((page.extract_text(), contents.get_data().count(b" re S") // 4))
    return found


def blank_rows_per_page(found: list[tuple[str, int]]) -> list[int]:
    return [rows - len(re.findall(r"\b4001\d\d\b", text)) for text, rows in found]


def test_every_name_prints_on_the_attendance_sheet() -> None:
    text = "\n".join(t for t, _ in pages(attendance_sheet(papers(6, *NAMES), 4, FONT)))
    for name in NAMES:
        assert name in text


def test_long_names_and_clinics_wrap_inside_their_cell() -> None:
    pdf = attendance_sheet(papers(5, LONG_NAME), 0, FONT)
    placed: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            placed.append((tm[4], text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    mm = 72 / 25.4
    name_left, clinic_left = 15 * mm, (15 + COLUMNS[0][1]) * mm
    clinic_right = clinic_left + COLUMNS[1][1] * mm
    name_lines = [t for x, t in placed if name_left < x < name_left + 3 * mm and t in LONG_NAME]
    clinic_lines = [t for x, t in placed if clinic_left < x < clinic_left + 3 * mm
                    and t in LONG_CLINIC]  # fmt: skip
    # each wrapped onto lines that start inside their own cell, not spilling into the next
    assert name_lines == ["Anne-Mette", "Kristiansen-Østergaard", "Fredensborg Hvidovre"]
    assert " ".join(clinic_lines) == LONG_CLINIC
    assert len(clinic_lines) == 3
    assert not [t for x, t in placed if clinic_right <= x and t in LONG_CLINIC]


def test_the_sheet_shows_place_time_topics_page_numbers_and_a_line_for_the_coordinator() -> None:
    texts = [t for t, _ in pages(attendance_sheet(papers(30), 10, FONT))]
    assert len(texts) == 2
    first = texts[0]
    assert "Deltagerliste – Kvalitetsnetværk Aalborg Øst" in first
    assert "onsdag 12. marts 2025 kl. 17:00–19:55" in first
    assert "Klinik Nord, Hobrovej 42, Aalborg" in first
    assert "Rammer og aftaler, Smertevurdering" in first
    assert ("side 1 af 2" in texts[0], "side 2 af 2" in texts[1]) == (True, True)
    assert "Koordinator: Anna Ærø" in texts[1]
    assert "Underskrift: ____" in texts[1]
    assert "Ejer Nummer 29" in texts[1]  # page 2 repeats the columns and goes on


@pytest.mark.parametrize("members", [0, 19, 20, 21, 22, 45])
def test_no_page_holds_only_a_lonely_blank_row(members: int) -> None:
    for blanks in (0, 1, 2, 3, 4, 5, 6, 7, 12, 25):
        found = pages(attendance_sheet(papers(members), blanks, FONT))
        per_page = blank_rows_per_page(found)
        assert sum(per_page) == blanks
        for page, (_, rows) in enumerate(found):
            if 0 < per_page[page] < min(3, blanks):
                pytest.fail(f"{members} members, {blanks} blank rows: page {page + 1} "
                            f"holds {per_page[page]} blank row(s) of {rows} rows")  # fmt: skip
        last_text, last_rows = found[-1]
        assert "Koordinator:" in last_text
        assert last_rows >= min(3, members + blanks)  # the coordinator's line is never alone


def test_a_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    missing = Font(tmp_path / "DejaVuSans.ttf", tmp_path / "DejaVuSans-Bold.ttf")
    with pytest.raises(SheetFontMissing, match="from Debian's package fonts-dejavu-core: run "
                       "`kn infra prepare`"):  # fmt: skip
        attendance_sheet(papers(1), 0, missing)


@pytest.mark.infra
async def test_the_coordinator_prints_the_sheet_of_a_meeting_from_meetings(
    service: Running,
) -> None:
    await service.publish_membership(
        joined("p-anna", "Anna Ærø", "111111", dt.date(2025, 1, 1)),
        joined("p-lukasz", "Łukasz Wiśniewski", "222222", dt.date(2025, 1, 1)),
        joined("p-ayse", "Ayşe Yılmaz", "333333", dt.date(2025, 4, 1)),  # not yet on 12 March
    )  # fmt: skip
    anna = await appointed(service.publish_membership, service.client, "aalborg-oest", "p-anna",
                           dt.date(2025, 1, 1), "Anna Ærø", alone=True)  # fmt: skip
    march = {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord",
             "topics": ["Rammer og aftaler"]}  # fmt: skip
    planned = await service.client.post("/v1/networks/aalborg-oest/plan", headers=anna,
                                        json={"years": [2025], "meetings": [march]})  # fmt: skip
    assert planned.status_code == 201, planned.text
    url = "/v1/networks/aalborg-oest/meetings/2025-03-12/attendance-sheet.pdf"

    async def sheet_text() -> str:
        response = await service.client.get(url, params={"blank_rows": 5}, headers=anna)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        return "\n".join(t for t, _ in pages(response.content))

    text = await eventually(sheet_text, lambda t: "Koordinator: Anna Ærø" in t and "Łukasz" in t,
                            what="the members and the coordinator on the sheet")  # fmt: skip
    assert "Łukasz Wiśniewski" in text
    assert "Ayşe" not in text
    assert "Rammer og aftaler" in text
    assert (await service.client.get(url, headers=EKM)).status_code == 200
    for headers in ({"Authorization": "Bearer t-auditor"}, ESBJERG):
        refused = await service.client.get(url, headers=headers)
        assert refused.status_code == 403, refused.text
    unknown = await service.client.get(url.replace("03-12", "03-13"), headers=anna)
    assert unknown.status_code == 404
