"""A person's token EKM issues (kn_servicekit.tokens): a signed JWT any service verifies
with EKM's public key alone; expired, altered or foreign tokens are refused saying why."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from kn_servicekit.tokens import PersonTokens, TokenRefused, issue, new_private_key, public_key_of

NOW = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
KEY = new_private_key()
TOKENS = PersonTokens([public_key_of(KEY)])


def test_a_token_names_the_person_its_id_and_its_lifetime() -> None:
    token = issue(KEY, "p-04", NOW, 30, "t-1")
    claims = TOKENS.verify(token, NOW + dt.timedelta(days=29))
    assert (claims.person_id, claims.token_id) == ("p-04", "t-1")
    assert (claims.issued_at, claims.expires_at) == (NOW, NOW + dt.timedelta(days=30))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "EdDSA", "typ": "JWT"}  # an OIDC provider's JWT has this shape


def test_an_expired_token_is_refused_naming_when() -> None:
    token = issue(KEY, "p-04", NOW, 1, "t-2")
    with pytest.raises(TokenRefused, match="expired at 2026-12-03 09:00 UTC: ask EKM"):
        TOKENS.verify(token, NOW + dt.timedelta(days=1, minutes=2))


def test_a_changed_claim_breaks_the_signature() -> None:
    head, _, signature = issue(KEY, "p-04", NOW, 1, "t-3").split(".")
    forged = {"iss": "kvalitetsnet-ekm", "sub": "p-05", "iat": 0, "exp": 2**40, "jti": "x"}
    claims = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenRefused, match="signature does not verify"):
        TOKENS.verify(f"{head}.{claims}.{signature}", NOW)


def test_a_token_of_another_key_is_refused_and_two_keys_verify_during_a_change() -> None:
    other = new_private_key()
    with pytest.raises(TokenRefused, match="signature does not verify"):
        TOKENS.verify(issue(other, "p-04", NOW, 1, "t-4"), NOW)
    both = PersonTokens([public_key_of(KEY), public_key_of(other)])
    assert both.verify(issue(other, "p-04", NOW, 1, "t-5"), NOW).person_id == "p-04"


def test_a_service_without_the_public_key_takes_no_person_tokens() -> None:
    with pytest.raises(TokenRefused, match="set KN_TOKEN_PUBLIC_KEY"):
        PersonTokens([]).verify(issue(KEY, "p-04", NOW, 1, "t-6"), NOW)


def test_a_person_id_must_be_an_identifier_and_a_lifetime_at_most_a_year() -> None:
    with pytest.raises(ValueError, match="lower-case letters"):
        issue(KEY, "Ole Olsen", NOW, 1, "t-7")
    with pytest.raises(ValueError, match="1 to 366 days"):
        issue(KEY, "p-04", NOW, 400, "t-8")
