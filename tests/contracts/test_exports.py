"""The checked-in JSON Schemas and AsyncAPI document match the models."""

from __future__ import annotations

import json

import jsonschema
import pytest

from kn_contracts.events.membership import MemberJoined
from kn_contracts.export import SCHEMA_DIR, asyncapi, rendered, schema_file
from kn_contracts.topics import TOPICS
from tests.contracts.test_envelope import JOINED


def test_checked_in_schemas_and_asyncapi_are_not_stale() -> None:
    stale = [
        str(path.name)
        for path, text in rendered().items()
        if not path.exists() or path.read_text() != text
    ]
    extra = {p.name for p in SCHEMA_DIR.glob("*.json")} - {p.name for p in rendered()}
    assert (stale, extra) == ([], set()), "run `make contracts` and commit the result"


def test_an_outside_producer_can_validate_an_event_with_the_schema_alone() -> None:
    schema = json.loads((SCHEMA_DIR / schema_file(MemberJoined)).read_text())
    jsonschema.validate(json.loads(JOINED.model_dump_json()), schema)
    broken = {**json.loads(JOINED.model_dump_json()), "ydernummer": "12"}
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        jsonschema.validate(broken, schema)


def test_asyncapi_lists_every_topic_with_its_events() -> None:
    document = asyncapi()
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {topic.name for topic in TOPICS}
    names = {message["name"] for message in document["components"]["messages"].values()}
    assert names == {event.ce_type() for topic in TOPICS for event in topic.events}
