"""The demo year, 2025: EKM's mandatory topic, then Aalborg Vest's and Aarhus Nord's years
beside the worked example (Aalborg Øst, scenario.py and scenario_money.py).

What each network ends the year with is stated here, so the demo checks the services get
there: the closing waits for these figures before the statuses are submitted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kn_deploy import scenario_nord, scenario_vest
from kn_deploy.scenario_actions import Play
from kn_deploy.scenario_desk import Desk
from kn_deploy.scenario_kit import send
from kn_deploy.scenario_networks import AALBORG_VEST, AARHUS_NORD
from kn_deploy.scenario_vest import MANDATORY


@dataclass(frozen=True)
class Expected:
    """A network's 2025 as the story makes it (øre)."""

    members_on_31_december: int
    meetings_held: int
    pool_paid: int
    fee: int  # the payees' fees together, once EKM closed the year
    flags: tuple[str, ...]  # the annual status's flag codes


WORKED_EXAMPLE = Expected(
    18, 1, 747_600, 712_000 + 1_424_000, ("too_few_meetings", "mandatory_topic_missing")
)


class Year:
    """The year of the networks beside the worked example, through the services."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def run(self, say: Callable[[str], None]) -> dict[str, Expected]:
        """Play it; what each network (the worked example's too) ends 2025 with."""
        send(
            self.desk.http["meetings"],
            "/mandatory-topics",
            self.desk.ekm,
            "mandatory-2025",
            {
                "year": 2025,
                "topic_id": MANDATORY,
                "title": "Hvordan arbejder vi i vores kvalitetsnetværk",
            },
        )
        say(
            "EKM published 2025's mandatory topic (Meetings 2): 'Hvordan arbejder vi i vores "
            "kvalitetsnetværk'"
        )
        vest = scenario_vest.play(Play(self.desk, AALBORG_VEST), say)
        nord = scenario_nord.play(Play(self.desk, AARHUS_NORD), say)
        return {
            "aalborg-oest": WORKED_EXAMPLE,
            # Bjarne Holm 6 months, Freja Nielsen 4 (July, August: nobody)
            AALBORG_VEST.network_id: Expected(
                AALBORG_VEST.members_on_31_december,
                3,
                sum(vest.values()),
                1_068_000 + 712_000,
                ("months_without_coordinator",),
            ),
            # Karin Sørensen paid 9 months, Lars Bech 3
            AARHUS_NORD.network_id: Expected(
                AARHUS_NORD.members_on_31_december, 3, sum(nord.values()), 1_602_000 + 534_000, ()
            ),
        }
