"""Sealing and opening personal fields: AES-256-GCM under a key per data subject.

The contracts say what is personal (`kn_contracts.sealed`); this is the cryptography, from
`cryptography`'s AESGCM, never our own. Every seal takes a fresh 96-bit nonce; the key id
and the field's name are the associated data, so a ciphertext moved to another key id or
field does not open. A `KeyRing` holds the keys a process may open with (its own and its
copies of other owners'); a key that is not there, erased, opens as "[slettet]".
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kn_contracts.sealed import ERASED, TOKEN, Sealed, is_token

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12


def new_key() -> bytes:
    """A fresh 256-bit key for one subject."""
    return AESGCM.generate_key(bit_length=256)


def new_key_id() -> str:
    """An opaque key id: it names no person (the subject is kept beside it by the owner)."""
    return "k" + secrets.token_hex(12)


def _aad(key_id: str, field: str) -> bytes:
    return f"kn-sealed/1\x1f{key_id}\x1f{field}".encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(key_id: str, key: bytes, field: str, text: str) -> Sealed:
    """`text` encrypted under `key`, bound to `key_id` and `field`."""
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, text.encode(), _aad(key_id, field))
    return Sealed(key_id=key_id, nonce=_b64(nonce), ciphertext=_b64(ciphertext))


class KeyRing:
    """The keys one process opens with, by key id; erased keys are dropped from it."""

    def __init__(self, keys: Mapping[str, bytes] | None = None) -> None:
        self._keys: dict[str, bytes] = dict(keys or {})
        self._erased: set[str] = set()  # dropped here: known to be gone, not just not yet come

    def put(self, key_id: str, key: bytes) -> None:
        """Know `key_id`'s key (a new key of ours, or a copy from its owner's topic)."""
        self._keys[key_id] = key
        self._erased.discard(key_id)

    def drop(self, key_ids: Iterable[str]) -> None:
        """Forget these keys: their fields read "[slettet]" from now on."""
        for key_id in key_ids:
            self._keys.pop(key_id, None)
            self._erased.add(key_id)

    def awaits(self, value: str | None) -> bool:
        """True if `value` is sealed under a key this ring has neither got nor seen erased:
        its owner's key is on its way (a reader deciding on the name waits for it)."""
        if value is None or not is_token(value):
            return False
        key_id = value[len(TOKEN) :].split(":", 1)[0]
        return key_id not in self._keys and key_id not in self._erased

    def has(self, key_id: str) -> bool:
        """True if this ring can open values sealed under `key_id`."""
        return key_id in self._keys

    def open(self, sealed: Sealed, field: str) -> str:
        """The clear text, or ERASED when the key is gone (kn_contracts.sealed.Opener)."""
        key = self._keys.get(sealed.key_id)
        if key is None:
            return ERASED
        try:
            clear = AESGCM(key).decrypt(
                _unb64(sealed.nonce), _unb64(sealed.ciphertext), _aad(sealed.key_id, field)
            )
        except (InvalidTag, ValueError) as exc:
            raise ValueError(f"a sealed {field} under {sealed.key_id} does not open") from exc
        return clear.decode()

    def text(self, value: str, field: str) -> str:
        """A personal field as a person should see it: a token opened (or "[slettet]");
        a clear value of an event written before sealing as it is."""
        if is_token(value):
            return self.open(Sealed.from_token(value), field)
        return value

    def maybe(self, value: str | None, field: str) -> str | None:
        """`text` of an optional field."""
        return None if value is None else self.text(value, field)


class SubjectSealer:
    """Seals under the subject's key, for one append (kn_contracts.sealed.Sealer)."""

    def __init__(self, keys: Mapping[str, tuple[str, bytes]], made: Sequence[str] = ()) -> None:
        self._keys = keys  # subject id -> (key id, key)
        self.made = tuple(made)  # the key ids made for this append (taken back if refused)

    def seal(self, subject_id: str, field: str, text: str) -> Sealed:
        key_id, key = self._keys[subject_id]
        return seal(key_id, key, field, text)
