"""CloudEvents structured mode for the wire-format benchmark (wire_format.py): one JSON
document holding the attributes and the event as `data`, Kafka header `content-type:
application/cloudevents+json`. Not used by any service: what the relay and consumers would
do, written here to measure it beside binary mode (kn_contracts.envelope).

Decoding keeps every check binary mode makes: the attributes are validated by one pydantic
model per event type, chosen by `type` (a discriminated union, so pydantic-core parses the
document once, in Rust), with the contract's own event model as `data`; the CPR look at the
raw JSON and the envelope's limits as kn_contracts does them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal, Union

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic import create_model as _create_model

from kn_contracts.base import Event
from kn_contracts.cpr import CPR_REFUSED, RAW_CHECKED, cpr_in, suspicious
from kn_contracts.envelope import ATTRIBUTES_MAX, POSITION_MAX, SPECVERSION, Envelope
from kn_contracts.errors import ContractError

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
HEADERS = [("content-type", CONTENT_TYPE.encode())]
DATA_CONTENT_TYPE = "application/json"
_CHECKED = {RAW_CHECKED: True}
create_model: Any = _create_model  # its overloads do not type dynamic field definitions


def _rfc3339(time: dt.datetime) -> str:
    return time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def encode(payload: str, envelope: Envelope) -> tuple[list[tuple[str, bytes]], bytes]:
    """What a relay would publish: the stored JSON payload spliced in as `data`, unparsed."""
    attributes: dict[str, str] = {
        "specversion": SPECVERSION, "id": envelope.id, "source": envelope.source,
        "type": envelope.type, "time": _rfc3339(envelope.time),
        "datacontenttype": DATA_CONTENT_TYPE,
    }  # fmt: skip
    if envelope.subject is not None:
        attributes["subject"] = envelope.subject
    if envelope.sequence is not None and envelope.log is not None:
        attributes["sequence"] = f"{envelope.sequence:020d}"
        attributes["knlog"] = envelope.log
    head = json.dumps(attributes, ensure_ascii=False, separators=(",", ":"))
    return HEADERS, f'{head[:-1]},"data":{payload}}}'.encode()


class _Attributes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"]
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    time: AwareDatetime
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    sequence: str | None = Field(None, pattern=r"^[0-9]{1,20}$")
    knlog: str | None = None


def _document(model: type[Event]) -> type[_Attributes]:
    made: type[_Attributes] = create_model(
        f"Structured{model.__name__}V{model.version}",
        __base__=_Attributes,
        type=(Literal[model.ce_type()], ...),
        data=(model, ...),
    )
    return made


class Decoder:
    """Structured messages to (Envelope, typed event) for a set of current event types."""

    def __init__(self, events: list[type[Event]]) -> None:
        documents = tuple(_document(event) for event in events)
        union: Any = documents[0] if len(documents) == 1 else Union[documents]  # noqa: UP007
        form: Any = union if len(documents) == 1 else Annotated[union, Field(discriminator="type")]
        self._adapter: TypeAdapter[Any] = TypeAdapter(form)
        self._validate = self._adapter.validator.validate_json

    def decode(
        self, headers: list[tuple[str, bytes]], value: bytes | None
    ) -> tuple[Envelope, Event]:
        content_type = dict(headers).get("content-type", b"").split(b";")[0].strip()
        if content_type != b"application/cloudevents+json":
            raise ContractError(f"content-type {content_type!r} is not structured CloudEvents")
        if value is None:
            raise ContractError("empty value: a structured CloudEvent is a JSON document")
        try:
            document = self._validate(value, context=_CHECKED)
        except ValidationError as exc:
            raise ContractError(f"not a known structured CloudEvent: {exc}") from None
        event: Event = document.data
        if suspicious(value) and (found := cpr_in(event)) is not None:
            raise ContractError(f"{document.type}: {found}: {CPR_REFUSED}")
        if len(document.id) + len(document.source) + len(document.type) > ATTRIBUTES_MAX:
            raise ContractError(f"id, source and type exceed {ATTRIBUTES_MAX} characters")
        if (document.sequence is None) != (document.knlog is None):
            raise ContractError("sequence and knlog come together or not at all")
        sequence = None if document.sequence is None else int(document.sequence)
        if sequence is not None and sequence > POSITION_MAX:
            raise ContractError(f"sequence {sequence} is beyond any event log's positions")
        # built as the kit builds it, a plain tuple (the NamedTuple constructor costs twice)
        envelope: Envelope = _new_tuple(Envelope, (
            document.id, document.source, document.type, document.time, document.subject,
            DATA_CONTENT_TYPE, sequence, document.knlog, None,  # no traceparent read here
        ))  # fmt: skip
        return envelope, event


_new_tuple: Any = tuple.__new__
