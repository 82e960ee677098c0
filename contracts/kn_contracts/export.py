"""Generate the checked-in JSON Schemas and AsyncAPI document from the models.

Run `python -m kn_contracts.export` after changing a contract; a test fails when stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from kn_contracts.base import Event
from kn_contracts.envelope import CONTENT_TYPE, SPECVERSION
from kn_contracts.topics import TOPICS, Topic

CONTRACTS_DIR = Path(__file__).resolve().parents[1]
SCHEMA_DIR = CONTRACTS_DIR / "schemas"
ASYNCAPI_FILE = CONTRACTS_DIR / "asyncapi.yaml"
SCHEMA_ID_PREFIX = "urn:kvalitetsnet:schema:"


def event_schema(event: type[Event]) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one event's body."""
    schema = event.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID_PREFIX + event.ce_type(),
        "x-cloudevents-type": event.ce_type(),
        **schema,
    }


def schema_file(event: type[Event]) -> str:
    """File name of an event's schema, e.g. dk.kvalitetsnet.membership.MemberJoined.v1.json."""
    return f"{event.ce_type()}.json"


def _headers_schema(topic: Topic) -> dict[str, Any]:
    types = [event.ce_type() for event in topic.events]
    return {
        "type": "object",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
        "properties": {
            "ce_specversion": {"const": SPECVERSION},
            "ce_id": {
                "type": "string",
                "description": "Unique with ce_source; de-duplication key.",
            },
            "ce_source": {"type": "string", "description": "URI-reference of the producer."},
            "ce_type": {"enum": types},
            "ce_time": {"type": "string", "format": "date-time"},
            "ce_subject": {"type": "string", "description": "The aggregate the event is about."},
            "ce_sequence": {
                "type": "string",
                "pattern": "^[0-9]{20}$",
                "description": "CloudEvents Sequence extension, set by a relay: the event's "
                "position in its event log, zero-padded. Comes with ce_knlog.",
            },
            "ce_knlog": {
                "type": "string",
                "description": "The event log (store) ce_sequence counts in. A consumer "
                "skips a message whose position is not above the highest it applied from "
                "that log on that partition.",
            },
            "ce_traceparent": {
                "type": "string",
                "description": "CloudEvents Distributed Tracing extension: the W3C "
                "traceparent of the request that caused the event (00-<trace id>-<span id>-"
                "<flags>). Optional; a consumer treats an invalid one as absent.",
            },
            "content-type": {"const": CONTENT_TYPE},
        },
    }


def personal_fields(schema: dict[str, Any]) -> list[str]:
    """The paths of the sealed personal fields of an event's schema (`x-personal`)."""
    found: list[str] = []
    defs = schema.get("$defs", {})

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        if node.get("x-personal"):
            found.append(path)
            return
        if "$ref" in node:
            walk(defs[node["$ref"].rsplit("/", 1)[1]], path)
        for key, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{key}" if path else key)
        for options in ("anyOf", "allOf", "oneOf"):
            for sub in node.get(options, []):
                walk(sub, path)
        if "items" in node:
            walk(node["items"], f"{path}[]")

    walk(schema, "")
    return sorted(set(found))


def _topic_configuration(topic: Topic) -> dict[str, Any]:
    config = topic.config
    shown: dict[str, Any] = {"cleanup.policy": [config["cleanup.policy"]]}
    for name in ("retention.ms", "delete.retention.ms"):
        if name in config:
            shown[name] = int(config[name])
    extra = {k: v for k, v in config.items() if k not in shown}
    if extra:
        shown["x-configs"] = extra
    return shown


def asyncapi() -> dict[str, Any]:
    """One AsyncAPI 3.0 document for every topic and event."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS:
        channel_id = topic.name.replace(".", "_")
        channel_messages = {}
        for event in topic.events:
            message_id = event.ce_type().replace(".", "_")
            messages[message_id] = {
                "name": event.ce_type(),
                "title": event.event_name(),
                "summary": (event.__doc__ or "").strip().splitlines()[0],
                "contentType": CONTENT_TYPE,
                "headers": _headers_schema(topic),
                "payload": {"$ref": f"schemas/{schema_file(event)}"},
                "bindings": {"kafka": {"key": {"type": "string", "description": topic.key}}},
            }
            personal = personal_fields(event_schema(event))
            if personal:  # issue 15: sealed under the subject's key (kn_contracts.sealed)
                messages[message_id]["x-personal-fields"] = personal
            channel_messages[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        channels[channel_id] = {
            "address": topic.name,
            "description": topic.description,
            "messages": channel_messages,
            "bindings": {
                "kafka": {
                    "topic": topic.name,
                    "partitions": topic.partitions,
                    "topicConfiguration": _topic_configuration(topic),
                }
            },
        }
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "summary": (
                "Published by the region systems (inbound)."
                if topic.owner == "region"
                else f"Published by the {topic.owner} service."
            ),
            "channel": {"$ref": f"#/channels/{channel_id}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Kvalitetsnet events",
            "version": "1",
            "description": (
                "CloudEvents 1.0 in Kafka binary mode: attributes in ce_* headers, "
                "the event as JSON in the value. Money is integer øre; dates are ISO dates "
                "in Europe/Copenhagen."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {"host": "127.0.0.1:19092", "protocol": "kafka", "description": "kn infra up"}
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its exact text."""
    files = {
        SCHEMA_DIR / schema_file(event): json.dumps(event_schema(event), indent=2) + "\n"
        for topic in TOPICS
        for event in topic.events
    }
    files[ASYNCAPI_FILE] = yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True)
    return files


def main() -> None:
    """Write the generated files, removing schemas of events no longer registered."""
    files = rendered()
    SCHEMA_DIR.mkdir(exist_ok=True)
    for stale in set(SCHEMA_DIR.glob("*.json")) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text)


if __name__ == "__main__":
    main()
