"""Who may talk to the broker: the principals of the system and their generated passwords.

One SCRAM-SHA-512 user per service, per region system, for EKM's finance consumer, an
auditor, and an admin (the super user `kn infra` and the tests' admin helpers use). The
passwords are made with `secrets` and kept in one 0600 file of the state dir; `kn infra up`
names a 0600 file of each service's, `kn infra principal add` prints a new one for the
operator to hand over; never logged.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from kn_deploy.broker_tls import private_dir, write_private

ADMIN = "admin"
AUDITOR = "auditor"
EKM_FINANCE = "ekm-finance"  # EKM's finance system, reading kn.finance.payouts
SERVICES = ("membership", "meetings", "finance", "reporting")
DEMO_REGIONS = ("nordjylland", "midtjylland", "syddanmark", "hovedstaden", "sjaelland")
REGION_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")


def region_user(region: str) -> str:
    """The broker user of a region system (`region:nord` in the actor is `region-nord`)."""
    if not REGION_NAME.fullmatch(region):
        raise ValueError(
            f"a region's name is lower-case letters, digits and '-' (at most 40), "
            f"e.g. region:nord; not {region!r}"
        )
    return f"region-{region}"


def user_of(principal: str) -> str:
    """The broker user of `region:<name>`, a service, ekm-finance, auditor or admin."""
    kind, _, name = principal.partition(":")
    if kind == "region" and name:
        return region_user(name)
    if principal in (*SERVICES, EKM_FINANCE, AUDITOR, ADMIN):
        return principal
    raise ValueError(
        f"no such principal {principal!r}: one of region:<name>, "
        f"{', '.join(SERVICES)}, {EKM_FINANCE}, {AUDITOR}, {ADMIN}"
    )


def is_region(user: str) -> bool:
    return user.startswith("region-")


@dataclass(frozen=True)
class Principals:
    """The credential file of one broker (JSON user -> password, mode 0600)."""

    path: Path

    def read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        loaded: dict[str, str] = json.loads(self.path.read_text())
        return loaded

    def ensure(self, users: tuple[str, ...] = ()) -> dict[str, str]:
        """Every default principal (and `users`), a password made for each one missing."""
        known = self.read()
        regions = tuple(region_user(r) for r in DEMO_REGIONS)
        wanted = (ADMIN, *SERVICES, EKM_FINANCE, AUDITOR, *regions, *users)
        missing = [user for user in wanted if user not in known]
        if missing:
            known |= {user: secrets.token_urlsafe(24) for user in missing}
            private_dir(self.path.parent)
            write_private(self.path, json.dumps(known, indent=1, sort_keys=True).encode())
        return known

    def password(self, user: str) -> str:
        known = self.read()
        if user not in known:
            raise ValueError(
                f"the broker has no principal {user!r}; "
                "add one with `kn infra principal add region:<name>`"
            )
        return known[user]
