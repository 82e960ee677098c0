"""Every known event type, old versions read as the current model through upcasters."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import CoreConfig, SchemaValidator

from kn_contracts.base import CPR_GUARD, Event
from kn_contracts.cpr import CPR_REFUSED, RAW_CHECKED, cpr_in, look
from kn_contracts.errors import ContractError
from kn_contracts.sealed import OPEN, Opener, opened

Body = dict[str, Any]


@dataclass(frozen=True)
class Upcaster:
    """Turns the body of one old event type into the body of its next version."""

    source_type: str
    target_type: str
    upcast: Callable[[Body], Body]


class Catalog:
    """Decodes a (ce_type, JSON body) into the current model; old events are never rewritten."""

    def __init__(self, events: Iterable[type[Event]], upcasters: Iterable[Upcaster] = ()) -> None:
        self._events = {event.ce_type(): event for event in events}
        # current types validate straight from JSON; pydantic's model_validate_json wrapper
        # costs half as much again per event, which a rebuild of a million events feels
        self._validate_json = {
            ce_type: _looking_at_raw(event).validate_json for ce_type, event in self._events.items()
        }
        self._validate_opening = {  # with an opener: sealed fields opened as they validate
            ce_type: event.__pydantic_validator__.validate_json
            for ce_type, event in self._events.items()
        }
        self._chains: dict[str, list[str]] = {}
        self._dense: dict[str, bool] = {}  # by type: the last body held ten digits in a run
        self._upcasters: dict[str, Upcaster] = {}
        for upcaster in upcasters:
            if upcaster.source_type in self._upcasters:
                raise ValueError(f"two upcasters from {upcaster.source_type}")
            self._upcasters[upcaster.source_type] = upcaster

    def knows(self, ce_type: str) -> bool:
        """True if `ce_type` is current or can be upcast to a current type."""
        return self._chain(ce_type) is not None

    def model(self, ce_type: str) -> type[Event]:
        """The current model events of this type are read as."""
        chain = self._chain(ce_type)
        if chain is None:
            raise ContractError(f"unknown ce_type {ce_type!r}")
        return self._events[chain[-1]]

    def decode(self, ce_type: str, body: bytes | str, opener: Opener | None = None) -> Event:
        """The current model of an event, upcasting older versions step by step; its sealed
        personal fields opened by `opener`, else kept sealed (kn_contracts.sealed)."""
        context: dict[str, object] = _CHECKED
        validate = self._validate_json.get(ce_type)
        if opener is not None:
            context = {RAW_CHECKED: True, OPEN: opener}
            validate = self._validate_opening.get(ce_type)
        if validate is not None:
            try:
                event: Event = validate(body, context=context)
            except ValidationError as exc:
                raise ContractError(f"{ce_type} violates its schema: {_short(exc)}") from None
            return self._without_cpr(ce_type, body, event)
        chain = self._chain(ce_type)
        if chain is None:
            raise ContractError(f"unknown ce_type {ce_type!r}")
        try:
            # UTF-8 only, as the wire's JSON is: json.loads reads UTF-16 and -32 too, which
            # the CPR quick look does not (a review found one let through)
            data: Body = json.loads(body.decode() if isinstance(body, bytes) else body)
            for step in chain[:-1]:
                data = self._upcasters[step].upcast(data)
            upcast: Event = self._events[chain[-1]].model_validate(data, context=context)
            return self._without_cpr(ce_type, body, upcast)
        except ValidationError as exc:
            raise ContractError(f"{ce_type} violates its schema: {_short(exc)}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ContractError(f"{ce_type} body cannot be read: {exc}") from None

    def decode_again(self, ce_type: str, body: bytes | str) -> Event:
        """An event from a body this catalog decoded before, looking for CPR numbers then
        (the audit's spilled events, read back from its own files): validated as `decode`
        does, the CPR look not repeated (for an invoice, whose account number's digits
        make the quick look walk, that look costs as much as the validation)."""
        validate = self._validate_json.get(ce_type)
        if validate is None:  # an old version: upcast as `decode` does
            return self.decode(ce_type, body)
        try:
            event: Event = validate(body, context=_CHECKED)
        except ValidationError as exc:
            raise ContractError(f"{ce_type} violates its schema: {_short(exc)}") from None
        return event

    def _without_cpr(self, ce_type: str, body: bytes | str, event: Event) -> Event:
        """The event, unless a string of it holds a CPR-shaped number (Coordinator 8): a
        quick look at the raw JSON first, the walk of its fields only when that finds
        digits. Whether the last body of the type held a run of ten digits is the quick
        look's guess for this one (cpr.look: the same answer, a cheaper look)."""
        found, self._dense[ce_type] = look(body, self._dense.get(ce_type, False))
        if found:
            cpr = cpr_in(event)
            if cpr is not None:
                raise ContractError(f"{ce_type}: {cpr}: {CPR_REFUSED}")
        return event

    def _chain(self, ce_type: str) -> list[str] | None:
        chain = self._chains.get(ce_type)
        if chain is None:
            chain = self._find_chain(ce_type)
            if chain is not None:  # unknown types are not cached: a flood cannot grow this
                self._chains[ce_type] = chain
        return chain

    def _find_chain(self, ce_type: str) -> list[str] | None:
        chain = [ce_type]
        while chain[-1] not in self._events:
            upcaster = self._upcasters.get(chain[-1])
            if upcaster is None or upcaster.target_type in chain:
                return None
            chain.append(upcaster.target_type)
        return chain


def _short(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or '(body)'}: {error['msg']}"
        for error in exc.errors()
    )


_CHECKED: dict[str, object] = {RAW_CHECKED: True}


def _looking_at_raw(event: type[Event]) -> SchemaValidator:
    """The event's validator without the Python callbacks that do nothing when no key is
    given, for bodies this catalog looks at raw itself (Catalog._without_cpr): Event's CPR guard
    (its model validator) would only see RAW_CHECKED and return, and each sealed field's
    `opened` would return its value as it is. Called back from pydantic's core they cost
    0.2 µs of a Tick's 1.1 µs validation, and 32 sealed fields about a third of a 16-line
    attendance list's (timeit, this machine). Every other check of the schema stays.

    `_use_prebuilt=False` (pydantic-core's own flag, pinned in constraints.txt): otherwise
    a nested model (an Attendee) is validated by its class's own validator, callbacks and
    all, whatever its schema here says; tests/servicekit/test_sealing.py sees it if so."""
    config = CoreConfig(cache_strings=event.model_config.get("cache_strings", True))
    return SchemaValidator(_without_guard(event.__pydantic_core_schema__), config, False)


def _without_guard(node: Any) -> Any:
    if isinstance(node, dict):
        function = node.get("function")
        if isinstance(function, dict) and (
            (
                node.get("type") == "function-after"
                and getattr(function.get("function"), "__name__", None) == CPR_GUARD
            )
            or (node.get("type") == "function-before" and function.get("function") is opened)
        ):
            return _without_guard(node["schema"])
        return {key: _without_guard(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_without_guard(item) for item in node]
    return node
