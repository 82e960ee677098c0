"""Personal fields sealed with a key per data subject (crypto-shredding; issue 15).

A personal field is sealed on the wire as one string, `sealed:<key id>:<nonce>:<ciphertext>`
(a `Sealed` value: the id of the subject's key, a 96-bit nonce and the AES-GCM ciphertext,
base64url; the kit's `kn_servicekit.sealing` does the cryptography, with the key id and the
field's name as associated data). One string, not a JSON object: decoding a sealed
attendance list then costs what a clear one did (an object per field cost three times as
much on the rebuild and audit path). In memory the field is a `str`:

- decoded without keys (a projection, the audit: figures never need a name) it is that
  string, which a read model stores and the kit opens when it shows it (the catalog's
  validator then leaves `opened` out: a Python call per field);
- decoded with an opener in the validation context (`OPEN`), it is the clear text, or
  "[slettet]" once the subject's key is erased;
- serialized to JSON with a sealer in the context (`SEAL`, the event store's), a clear
  value is sealed under the subject's key; a sealed one is written as it is.

Events recorded before sealing (version 1) hold the clear text; they still read.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Protocol

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    WithJsonSchema,
    model_serializer,
)

ERASED = "[slettet]"
"""What a personal field reads as once its subject's key is erased."""
TOKEN = "sealed:"  # noqa: S105 (the prefix of a sealed value, no secret)
SEAL = "kn_seal"
"""Serialization context key: the `Sealer` that seals clear personal fields."""
OPEN = "kn_open"
"""Validation context key: the `Opener` that turns sealed fields into clear text."""


class Sealed(BaseModel):
    """A personal value encrypted under its subject's key (AES-256-GCM)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: str
    nonce: str
    ciphertext: str

    def token(self) -> str:
        """The sealed value as one string, which read models store as it is."""
        return f"{TOKEN}{self.key_id}:{self.nonce}:{self.ciphertext}"

    @classmethod
    def from_token(cls, token: str) -> Sealed:
        """The sealed value a token stands for (ValueError if it is not one)."""
        parts = token[len(TOKEN) :].split(":")
        if len(parts) != 3 or not all(parts):
            raise ValueError("a sealed value is sealed:<key id>:<nonce>:<ciphertext>")
        key_id, nonce, ciphertext = parts
        return cls(key_id=key_id, nonce=nonce, ciphertext=ciphertext)


class Sealer(Protocol):
    """Seals a clear personal value under the subject's key."""

    def seal(self, subject_id: str, field: str, text: str) -> Sealed: ...


class Opener(Protocol):
    """Opens a sealed value: the clear text, or ERASED when its key is gone."""

    def open(self, sealed: Sealed, field: str) -> str: ...


def is_token(value: str) -> bool:
    """True if `value` is a sealed value in its string form."""
    return value.startswith(TOKEN)


def opened(value: Any, info: ValidationInfo) -> Any:
    """A sealed field's validator: the clear text when the context holds an opener (OPEN),
    else the value as it is (so a catalog decoding without keys leaves it out)."""
    context = info.context
    if isinstance(context, dict) and isinstance(value, str) and is_token(value):
        opener = context.get(OPEN)
        if opener is not None:
            try:
                return opener.open(Sealed.from_token(value), info.field_name or "")
            except ValueError:  # not ours, or tampered with: shown as unreadable, never raw
                return ERASED
    return value  # sealed, kept; clear text of an event written before sealing; ERASED


_SCHEMA = {
    "type": "string",
    "description": "Sealed: 'sealed:<key id>:<nonce>:<ciphertext>' (base64url), or '[slettet]' "
    "once erased; clear text only in an event written before sealing.",
    "examples": ["sealed:k1f0c2a9e4b7d3c8a5e6f1b2c:8Jq0bA1cD2eF3gH4:hS0w...Qw"],
    "x-personal": True,
    "x-encrypted": "AES-256-GCM under the data subject's key (key id and field as associated "
    "data); the key is on the owner's kn.<owner>.keys topic until erased",
}

SealedText = Annotated[str, BeforeValidator(opened), WithJsonSchema(_SCHEMA)]
"""A personal text field: sealed on the wire, a str in memory (see the module docstring)."""


class Personal(BaseModel):
    """Base of a model with personal fields: `personal` names them and `subject_fields` the
    fields naming their subject (the first one set), e.g. person_id."""

    personal: ClassVar[tuple[str, ...]] = ()
    subject_fields: ClassVar[tuple[str, ...]] = ("person_id",)

    def subject(self) -> str | None:
        """Whose personal data this holds (None: nobody's, so nothing to seal)."""
        for name in self.subject_fields:
            value = getattr(self, name, None)
            if value:
                return str(value)
        return None

    @model_serializer(mode="wrap")
    def _seal(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if info.mode != "json" or not isinstance(data, dict):
            return data
        context = info.context
        sealer = context.get(SEAL) if isinstance(context, dict) else None
        for name in self.personal:
            value = getattr(self, name)
            if not isinstance(value, str) or name not in data:
                continue
            if is_token(value) or value == ERASED or sealer is None:
                continue
            if subject := self.subject():
                data[name] = sealer.seal(subject, name, value).token()
        return data


def clear_personal(model: BaseModel) -> list[tuple[str, str]]:
    """(subject, field) of every clear personal value in `model` and the models it holds."""
    found: list[tuple[str, str]] = []
    _walk(model, found)
    return found


def personal_texts(model: BaseModel, subject: str) -> set[str]:
    """The clear personal values of `subject` in `model` (opened), e.g. to redact them."""
    found: list[tuple[str, str]] = []
    _walk(model, found, texts=True, of=subject)
    return {text for _, text in found}


def _walk(
    value: Any, found: list[tuple[str, str]], texts: bool = False, of: str | None = None
) -> None:
    if isinstance(value, Personal) and (subject := value.subject()) and of in (None, subject):
        for name in value.personal:
            text = getattr(value, name)
            if isinstance(text, str) and text != ERASED and not is_token(text):
                found.append((subject, text if texts else name))
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _walk(getattr(value, name), found, texts, of)
    elif isinstance(value, tuple | list):
        for item in value:
            _walk(item, found, texts, of)
