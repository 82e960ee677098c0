"""`kn erase person`: EKM erases a person's personal data through the owners' HTTP APIs.

Membership owns members' keys, meetings the keys of people written in on a list; the tool
asks membership first and, if it knows no such person, meetings. Either records the
erasure as an event without the name and deletes the key, whose tombstone then goes to
every reader through Kafka.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import httpx

TOKEN_SETTING = "KN_EKM_TOKEN"  # noqa: S105 (the name of the setting, not a token)
OWNERS = (
    ("membership", "KN_MEMBERSHIP_URL", "http://127.0.0.1:8101", "/v1/persons/{id}/erase"),
    ("meetings", "KN_MEETINGS_URL", "http://127.0.0.1:8102", "/v1/subjects/{id}/erase"),
)


@dataclass(frozen=True)
class Erased:
    """Who erased the person, and what it answered."""

    owner: str
    answer: dict[str, Any]


def erase_person(person_id: str, reason: str, token: str | None = None) -> Erased:
    """Erase at the owner that knows the person; ValueError says what to fix."""
    token = token or os.environ.get(TOKEN_SETTING)
    if not token:
        raise ValueError(f"give EKM's token: --token or {TOKEN_SETTING}")
    refusals: list[str] = []
    for owner, setting, default, path in OWNERS:
        url = os.environ.get(setting, default) + path.format(id=person_id)
        try:
            answer = httpx.post(
                url, json={"reason": reason}, headers={"Authorization": f"Bearer {token}"},
                timeout=30.0,
            )  # fmt: skip
        except httpx.HTTPError as exc:
            raise RuntimeError(f"{owner} at {url} did not answer ({exc}); set {setting}") from exc
        if answer.status_code == 201:
            found: dict[str, Any] = answer.json()
            return Erased(owner, found)
        detail = _detail(answer)
        if answer.status_code != 404:
            raise ValueError(f"{owner} refused ({answer.status_code}): {detail}")
        refusals.append(f"{owner}: {detail}")
    raise ValueError(f"nobody holds {person_id}: " + "; ".join(refusals))


def _detail(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return answer.text
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)
