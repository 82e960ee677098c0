"""The web app without a browser or the services: signing in, the session cookie, CSRF, the
Idempotency-Key, and refusals told in Danish (the services are an httpx MockTransport)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kn_web.app import create_app
from kn_web.settings import WebSettings

Answer = Callable[[httpx.Request], httpx.Response]
# what each service's /whoami answers: a person (their own token, and the networks they
# coordinate today in the service's view of EKM's confirmed history), or a service's role
ACTORS: dict[str, dict[str, object]] = {
    "coord-token": {"actor": "person:p-03", "role": "person", "person_id": "p-03",
                    "coordinates": ["aalborg-oest"]},
    "former-token": {"actor": "person:p-02", "role": "person", "person_id": "p-02",
                     "coordinates": []},
    "region-token": {"actor": "region", "role": "region", "coordinates": []},
}  # fmt: skip
YEAR = {"network_id": "aalborg-oest", "year": 2025, "meetings": [], "meetings_planned": 0,
        "meetings_held": 0, "year_over": True, "flags": [],
        "mandatory_topic": {"year": 2025, "topic_id": None, "title": None,
                            "status": "not_published"}}  # fmt: skip


class Services:
    """Fake services: /whoami from ACTORS, a year of meetings, and whatever a test adds."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.answers: dict[tuple[str, str], Answer] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if request.url.path == "/whoami":
            if token not in ACTORS:
                return httpx.Response(401, json={"detail": "unknown bearer token"})
            return httpx.Response(200, json=ACTORS[token])
        answer = self.answers.get((request.method, request.url.path))
        if answer is not None:
            return answer(request)
        if request.url.path.startswith("/v1/networks/aalborg-oest/years/"):
            return httpx.Response(200, json=YEAR)
        return httpx.Response(404, json={"detail": f"no {request.url.path}"})


@pytest.fixture
def services() -> Services:
    return Services()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    settings = WebSettings(secret_key="unit-test-secret-0123456789")
    with TestClient(create_app(settings, httpx.MockTransport(services))) as found:
        yield found


def sign_in(client: TestClient, token: str, onward: str = "") -> httpx.Response:
    client.get("/log-ind")
    form = {"csrf": client.cookies["kn_login_csrf"], "adgangsnoegle": token, "videre": onward}
    answer: httpx.Response = client.post("/log-ind", data=form, follow_redirects=False)
    return answer


def csrf_of(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_a_coordinator_signs_in_once_and_lands_on_their_network(client: TestClient) -> None:
    answer = sign_in(client, "coord-token")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/netvaerk/aalborg-oest"


def test_a_person_who_coordinates_no_network_today_is_told_so_in_danish(
    client: TestClient,
) -> None:
    """Coordinator 9: the role follows EKM's confirmed history, not the token."""
    sign_in(client, "former-token")
    assert "Du er ikke koordinator for et netværk i dag" in client.get("/log-ind").text
    assert "kn_session" not in client.cookies


def test_the_signed_in_person_and_their_network_show_on_every_page(client: TestClient) -> None:
    sign_in(client, "coord-token")
    page = client.get("/netvaerk/aalborg-oest/moeder").text
    assert "Koordinator p-03 · aalborg-oest" in page


def test_the_session_cookie_is_signed_httponly_and_samesite_strict(client: TestClient) -> None:
    cookie = sign_in(client, "coord-token").headers["set-cookie"]
    assert cookie.startswith("kn_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_a_token_the_services_do_not_know_is_refused_in_danish(client: TestClient) -> None:
    answer = sign_in(client, "not-a-token")
    assert answer.headers["location"] == "/log-ind"
    assert "Adgangsnøglen kendes ikke" in client.get("/log-ind").text
    assert "kn_session" not in client.cookies


def test_a_region_systems_token_does_not_sign_in_to_the_pages(client: TestClient) -> None:
    sign_in(client, "region-token")
    assert "Nøglen hører til regionens system" in client.get("/log-ind").text
    assert "kn_session" not in client.cookies


def test_sign_in_goes_on_to_a_path_of_this_site_only(client: TestClient) -> None:
    assert sign_in(client, "coord-token", "//evil.example/x").headers["location"] == (
        "/netvaerk/aalborg-oest"
    )
    assert sign_in(client, "coord-token", "/netvaerk/aalborg-oest/moeder").headers["location"] == (
        "/netvaerk/aalborg-oest/moeder"
    )


def test_signing_out_forgets_the_session(client: TestClient) -> None:
    sign_in(client, "coord-token")
    client.post("/log-ud", data={"csrf": csrf_of(client, "/netvaerk/aalborg-oest/moeder")})
    answer = client.get("/netvaerk/aalborg-oest/moeder", follow_redirects=False)
    assert answer.headers["location"].startswith("/log-ind")


def test_a_forged_session_cookie_sends_the_person_to_sign_in(client: TestClient) -> None:
    client.cookies.set("kn_session", "eyJ0IjoiY29vcmQtdG9rZW4ifQ.forged.signature")
    answer = client.get("/netvaerk/aalborg-oest/moeder", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/log-ind")


def test_a_form_without_the_sessions_csrf_token_is_refused_and_reaches_no_service(
    client: TestClient, services: Services
) -> None:
    sign_in(client, "coord-token")
    before = len(services.seen)
    form = {"csrf": "guessed", "dato": "2025-03-12", "sted": "Fysio Øst"}
    answer = client.post("/netvaerk/aalborg-oest/moeder", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "Formularen er udløbet" in answer.text
    assert len(services.seen) == before


def test_the_forms_own_id_is_sent_as_the_commands_idempotency_key(
    client: TestClient, services: Services
) -> None:
    services.answers["POST", "/v1/networks/aalborg-oest/plan"] = lambda _: httpx.Response(
        201, json=[YEAR]
    )
    sign_in(client, "coord-token")
    form = {"csrf": csrf_of(client, "/netvaerk/aalborg-oest/moeder"), "noegle": "form-1234",
            "dato": "2025-03-12", "starter": "17:00", "sted": "Fysio Øst"}  # fmt: skip
    client.post("/netvaerk/aalborg-oest/moeder", data=form)
    sent = [r for r in services.seen if r.method == "POST"]
    assert [r.headers["Idempotency-Key"] for r in sent] == ["form-1234"]
    assert sent[0].headers["Authorization"] == "Bearer coord-token"


def test_a_refusal_names_the_rule_in_danish_beside_the_services_own_words(
    client: TestClient, services: Services
) -> None:
    refusal = {"detail": "meeting 2025-03-12 is held; it cannot be cancelled",
               "rule": "Meetings 1: only a meeting still planned can be changed"}  # fmt: skip
    path = "/v1/networks/aalborg-oest/meetings/2025-03-12/cancel"
    services.answers["POST", path] = lambda _: httpx.Response(409, json=refusal)
    sign_in(client, "coord-token")
    form = {"csrf": csrf_of(client, "/netvaerk/aalborg-oest/moeder"), "begrundelse": "syg"}
    page = client.post("/netvaerk/aalborg-oest/moeder/2025-03-12/aflys", data=form)
    assert "Møder, regel 1: En mødeplan dækker et eller to kalenderår" in page.text
    assert "it cannot be cancelled" in page.text


def test_a_service_that_does_not_answer_is_told_in_danish(
    client: TestClient, services: Services
) -> None:
    def away(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    services.answers["GET", "/v1/networks/aalborg-oest/years/2025"] = away
    sign_in(client, "coord-token")
    page = client.get("/netvaerk/aalborg-oest/moeder?aar=2025")
    assert page.status_code == 503
    assert "Mødetjenesten svarer ikke" in page.text


def test_every_form_that_posts_carries_the_csrf_token() -> None:
    templates = Path(__file__).parents[2] / "web" / "kn_web" / "templates"
    missing = []
    for template in sorted(templates.glob("*.html")):
        for form in re.findall(r'<form method="post".*?</form>', template.read_text(), re.S):
            if "ui.form_fields()" not in form and 'name="csrf"' not in form:
                missing.append(f"{template.name}: {form[:80]}")
    assert missing == []


def test_ekm_names_the_meeting_of_an_invoice_whose_date_two_meetings_share(
    client: TestClient, services: Services
) -> None:
    ACTORS["ekm-token"] = {"actor": "ekm", "role": "ekm", "coordinates": []}
    networks = [{"network_id": "aalborg-oest", "name": "Aalborg Øst"}]
    choices = [{"meeting_id": m, "date": "2025-03-12", "status": "held"}
               for m in ("2025-03-12", "2025-03-12-2")]  # fmt: skip
    row = {"invoice_id": "by-date", "supplier_name": "Fysio Øst Lokaler ApS",
           "supplier_invoice_number": "F-77", "cost_kind": "venue", "meeting_date": "2025-03-12",
           "received_date": "2025-03-20", "due_date": "2025-04-10", "amount": 160200,
           "status": "rejected", "overrides": [], "approved": 0, "not_covered": 160200,
           "reasons": [{"code": "meeting_ambiguous", "text": "two meetings"}],
           "meeting_choices": choices}  # fmt: skip
    services.answers["GET", "/v1/networks"] = lambda _: httpx.Response(200, json=networks)
    services.answers["GET", "/v1/networks/aalborg-oest/invoices"] = lambda _: httpx.Response(
        200, json={"network_id": "aalborg-oest", "invoices": [row]}
    )
    path = "/v1/networks/aalborg-oest/invoices/by-date/meeting"
    services.answers["POST", path] = lambda _: httpx.Response(200, json=row)
    try:
        sign_in(client, "ekm-token")
        page = client.get("/ekm/fakturaer?netvaerk=aalborg-oest")
        assert "Netværket har flere møder den dag: EKM angiver, hvilket møde" in page.text
        assert 'value="2025-03-12-2" required> <label for="m-1-2"' in page.text
        form = {"csrf": csrf_of(client, "/ekm/fakturaer?netvaerk=aalborg-oest"),
                "moede": "2025-03-12-2", "begrundelse": "aftenmødets lokale"}  # fmt: skip
        told = client.post("/ekm/fakturaer/aalborg-oest/by-date/moede", data=form)
        assert "Fakturaen by-date gælder nu mødet 2025-03-12-2" in told.text
    finally:
        del ACTORS["ekm-token"]
    [sent] = [r for r in services.seen if r.method == "POST" and r.url.path == path]
    assert json.loads(sent.content) == {"meeting_id": "2025-03-12-2",
                                        "reason": "aftenmødets lokale"}  # fmt: skip
