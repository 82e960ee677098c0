"""A person's token, issued by EKM and verified by every service without a shared database.

A token is a JWT (RFC 7519) signed with Ed25519 (JWS `EdDSA`, RFC 8037): EKM holds the
private key where tokens are issued (`kn token issue`); each service is configured with the
public key only. Its claims: `sub` the person id, `iat` and `exp` (seconds since the
epoch), `jti` a token id, `iss` EKM. It names no role: what a person may do follows from
the coordinator history each service keeps (kn_servicekit.coordinators). The shape is an
OIDC ID/access token's, so a provider's token (verified against its JWKS) takes its place
behind the same `PersonTokens.verify`. A token is never logged.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ISSUER = "kvalitetsnet-ekm"
LEEWAY = dt.timedelta(seconds=60)  # clocks of issuer and service may differ this much
_PERSON = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # kn_contracts.values.Identifier
_HEADER = {"alg": "EdDSA", "typ": "JWT"}


class TokenRefused(Exception):
    """The token is no person's valid token; the message says why and what to do."""


@dataclass(frozen=True)
class PersonClaims:
    """Who a verified token names, and for how long."""

    person_id: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    token_id: str


def looks_like_person_token(text: str) -> bool:
    """Three dot-separated parts, as a JWT has (configured service tokens have none)."""
    return text.count(".") == 2


def new_private_key() -> bytes:
    """A fresh Ed25519 private key, PEM (PKCS 8): what EKM keeps to issue tokens."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_of(private_pem: bytes) -> str:
    """The public key services are configured with (PEM text) for a private key."""
    public = _private(private_pem).public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


def issue(private_pem: bytes, person_id: str, now: dt.datetime, days: int, token_id: str) -> str:
    """A signed token for the person, valid `days` days from `now`."""
    if not _PERSON.match(person_id):
        raise ValueError(f"person id {person_id!r}: lower-case letters, digits, '.', '_' or '-'")
    if not 1 <= days <= 366:
        raise ValueError(f"--days {days}: a token lives 1 to 366 days; issue a new one after")
    claims = {
        "iss": ISSUER,
        "sub": person_id,
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(days=days)).timestamp()),
        "jti": token_id,
    }
    signing_input = _part(_HEADER) + "." + _part(claims)
    signature = _private(private_pem).sign(signing_input.encode())
    return signing_input + "." + _b64(signature)


class PersonTokens:
    """Verifies persons' tokens against EKM's public key(s) (more than one while a key is
    being replaced)."""

    def __init__(self, public_pems: list[str]) -> None:
        self._keys = [_public(pem) for pem in public_pems]

    @property
    def configured(self) -> bool:
        return bool(self._keys)

    def verify(self, token: str, now: dt.datetime) -> PersonClaims:
        """The claims of a valid token; TokenRefused saying why otherwise."""
        if not self._keys:
            raise TokenRefused(
                "this service takes no person tokens: set KN_TOKEN_PUBLIC_KEY to EKM's public key"
            )
        try:
            header_part, claims_part, signature_part = token.split(".")
            header, claims = _json(header_part), _json(claims_part)
            signature = _unb64(signature_part)
        except (ValueError, binascii.Error) as exc:
            raise TokenRefused("the token is not a JWT: sign in with the token EKM issued") from exc
        if header.get("alg") != "EdDSA":
            raise TokenRefused("the token is not signed with EdDSA (Ed25519) by EKM")
        signed = f"{header_part}.{claims_part}".encode()
        if not any(_verifies(key, signature, signed) for key in self._keys):
            raise TokenRefused("the token's signature does not verify: it was altered or not EKM's")
        return _claims(claims, now)


def _claims(claims: dict[str, Any], now: dt.datetime) -> PersonClaims:
    if claims.get("iss") != ISSUER:
        raise TokenRefused(f"the token's issuer is not {ISSUER}")
    person, token_id = claims.get("sub"), claims.get("jti")
    issued, expires = claims.get("iat"), claims.get("exp")
    if not (isinstance(person, str) and _PERSON.match(person) and isinstance(token_id, str)):
        raise TokenRefused("the token names no person id (sub) or token id (jti)")
    if not (isinstance(issued, int) and isinstance(expires, int)):
        raise TokenRefused("the token has no issued-at (iat) or expiry (exp)")
    issued_at = dt.datetime.fromtimestamp(issued, dt.UTC)
    expires_at = dt.datetime.fromtimestamp(expires, dt.UTC)
    if now >= expires_at + LEEWAY:
        raise TokenRefused(
            f"the token expired at {expires_at:%Y-%m-%d %H:%M} UTC: ask EKM for a new one"
        )
    if issued_at > now + LEEWAY:
        raise TokenRefused("the token is issued in the future: check the clocks")
    return PersonClaims(person, issued_at, expires_at, token_id)


def _verifies(key: Ed25519PublicKey, signature: bytes, signed: bytes) -> bool:
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        return False
    return True


def _private(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("EKM's signing key must be an Ed25519 private key (PEM)")
    return key


def _public(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.strip().encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("KN_TOKEN_PUBLIC_KEY must be an Ed25519 public key (PEM)")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _part(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


def _json(part: str) -> dict[str, Any]:
    value = json.loads(_unb64(part))
    if not isinstance(value, dict):
        raise ValueError("a JWT part is a JSON object")
    return value
