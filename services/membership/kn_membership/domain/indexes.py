"""The register's holdings and stints, with positions by what questions ask about, so no
question scans the whole history (DOMAIN Membership 8)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kn_membership.domain.model import Holding, Stint

Index = dict[str, list[int]]


@dataclass
class Indexed:
    """Holdings and stints in the order recorded, and where to find them."""

    holdings: list[Holding] = field(default_factory=list)
    stints: list[Stint] = field(default_factory=list)
    _held: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)
    _by_ydernummer: Index = field(default_factory=dict, repr=False)
    _by_person: Index = field(default_factory=dict, repr=False)
    _held_at_clinic: Index = field(default_factory=dict, repr=False)
    _served: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)
    _in_network: Index = field(default_factory=dict, repr=False)
    _at_clinic: Index = field(default_factory=dict, repr=False)
    _of_person: Index = field(default_factory=dict, repr=False)

    def holdings_of(self, person_id: str, ydernummer: str) -> list[Holding]:
        """The person's holdings of the ydernummer, in the order recorded."""
        return [self.holdings[i] for i in self._held.get((person_id, ydernummer), ())]

    def holdings_of_ydernummer(self, ydernummer: str) -> list[Holding]:
        """Every holding of the ydernummer, by anyone."""
        return [self.holdings[i] for i in self._by_ydernummer.get(ydernummer, ())]

    def holdings_of_person(self, person_id: str) -> list[Holding]:
        """Every holding of the person, of any ydernummer."""
        return [self.holdings[i] for i in self._by_person.get(person_id, ())]

    def holdings_at_clinic(self, clinic_id: str) -> list[Holding]:
        """Every holding at the clinic (owners, sharers, renters)."""
        return [self.holdings[i] for i in self._held_at_clinic.get(clinic_id, ())]

    def stints_of(self, person_id: str, ydernummer: str) -> list[Stint]:
        """The person's memberships through the ydernummer."""
        return [self.stints[i] for i in self._served.get((person_id, ydernummer), ())]

    def stints_in(self, network_id: str) -> list[Stint]:
        """Every membership of the network, past, present and future."""
        return [self.stints[i] for i in self._in_network.get(network_id, ())]

    def stints_at_clinic(self, clinic_id: str) -> list[Stint]:
        """Every membership through a holding at the clinic."""
        return [self.stints[i] for i in self._at_clinic.get(clinic_id, ())]

    def stints_of_person(self, person_id: str) -> list[Stint]:
        """Every membership of the person, in any network."""
        return [self.stints[i] for i in self._of_person.get(person_id, ())]
