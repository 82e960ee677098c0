"""Service principals' tokens map to roles: 401 without a valid token, 403 for the wrong
role; a coordinator has no configured token (they sign in as a person)."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from kn_membership.bootstrap import create_app
from kn_membership.settings import MembershipSettings
from kn_servicekit.actors import Actor
from kn_servicekit.auth import require

TOKENS = {"tok-ekm": "ekm", "tok-region": "region"}


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.state.actors = {token: Actor.parse(role) for token, role in TOKENS.items()}

    @app.post("/networks")
    def create_network(actor: Annotated[Actor, Depends(require("ekm"))]) -> dict[str, str]:
        return {"actor": str(actor)}

    return TestClient(app)


def test_a_request_without_a_token_gets_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.post("/networks")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "missing bearer token" in response.json()["detail"]


def test_an_unknown_token_gets_401(client: TestClient) -> None:
    response = client.post("/networks", headers={"Authorization": "Bearer guess"})
    assert response.status_code == 401
    assert response.json()["detail"] == "unknown bearer token"


def test_a_token_of_the_wrong_role_gets_403_naming_the_role_needed(client: TestClient) -> None:
    response = client.post("/networks", headers={"Authorization": "Bearer tok-region"})
    assert response.status_code == 403
    assert response.json()["detail"] == "this needs role ekm; your token has role region"


def test_the_right_role_becomes_the_actor_of_the_command(client: TestClient) -> None:
    response = client.post("/networks", headers={"Authorization": "Bearer tok-ekm"})
    assert response.json() == {"actor": "ekm"}


def test_a_recorded_coordinator_actor_names_the_network_and_the_person() -> None:
    """Older events record `coordinator:<network>`; new ones add the person who acted."""
    assert Actor.parse("coordinator:aalborg-oest") == Actor("coordinator", "aalborg-oest")
    assert str(Actor.parse("coordinator:aalborg-oest")) == "coordinator:aalborg-oest"
    acted = Actor.parse("coordinator:aalborg-oest/p-04")
    assert acted == Actor("coordinator", "aalborg-oest", "p-04")
    assert (str(acted), acted.scope) == (
        "coordinator:aalborg-oest/p-04",
        "coordinator:aalborg-oest",
    )
    assert str(Actor.parse("person:p-04")) == "person:p-04"


def test_a_coordinator_token_in_settings_is_refused_they_sign_in_as_a_person() -> None:
    with pytest.raises(ValidationError, match="a coordinator signs in as a person"):
        MembershipSettings(api_tokens={"t": "coordinator:vejle"})


@pytest.mark.parametrize(
    ("role", "complaint"),
    [
        ("admin", "unknown role 'admin'"),
        ("coordinator", "needs a network"),
        ("ekm:aalborg", "takes no network"),
    ],
)
def test_a_malformed_role_in_settings_is_refused_at_start(role: str, complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        MembershipSettings(api_tokens={"t": role})


def test_a_service_says_which_role_a_token_carries() -> None:
    app = create_app(MembershipSettings(api_tokens={"tok-a": "auditor"}))
    client = TestClient(app)  # no lifespan: whoami needs neither database nor Kafka
    response = client.get("/whoami", headers={"Authorization": "Bearer tok-a"})
    assert response.json() == {
        "actor": "auditor",
        "role": "auditor",
        "network_id": None,
        "person_id": None,
        "coordinates": [],
    }
    assert client.get("/whoami").status_code == 401
