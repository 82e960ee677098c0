"""The audit's figures in pure code (kn_rules.audit): recomputed from source facts only,
compared with finance's decisions and payouts, and the same in whatever order the topics
are read."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

import pytest

from kn_contracts import catalog as catalog_module
from kn_contracts.base import Event
from kn_contracts.events.finance import InvoiceDecided, InvoiceMeetingNamed
from kn_contracts.events.payouts import PoolPayoutApproved
from kn_deploy.audit_fold import write_figures
from kn_deploy.audit_spill import BUCKET_FACTS, MAX_BUCKETS, Spill, bucket_count
from kn_rules.audit import AsOf, Ledger, differences, figures
from kn_rules.canonical import canonical, digest
from kn_rules.pool import NO_NETWORK
from kn_servicekit.shares import shares
from tests.finance.facts import SCHEME, base_table, invoice, stamp, table_2025
from tests.finance.story import coordinators, held, network, recorded, scheduled

AS_OF = AsOf(dt.date(2025, 12, 31))
PAYEE = invoice("venue", "8100.00").payee


def sources() -> dict[str, list[Event]]:
    """The worked example's source facts, by the topic they come from."""
    return {
        "membership": [network(), *coordinators()],
        "meetings": [scheduled("2025-03-12"), held(), recorded()],
        "finance": [base_table(), table_2025(), invoice("venue", "8100.00")],
    }


def folded(*streams: list[Event]) -> Ledger:
    ledger = Ledger(SCHEME)
    for stream in streams:
        for event in stream:
            ledger.apply(event)
    return ledger


def published(amount: int) -> list[Event]:
    """Finance's decision and payout of the venue invoice, as it would publish them."""
    decided = InvoiceDecided(
        **stamp(dt.date(2025, 3, 21)),
        invoice_id="venue",
        network_id="aalborg-oest",
        status="approved",
        approved=amount,
        not_covered=810_000 - amount,
    )
    payout = PoolPayoutApproved(
        **stamp(dt.date(2025, 3, 21)),
        thing="pool:aalborg-oest:venue",
        invoice_id="venue",
        network_id="aalborg-oest",
        meeting_id="2025-03-12",
        meeting_date=dt.date(2025, 3, 12),
        list_revision=1,
        rate_scheme="fysioterapi",
        rate_year=2025,
        rate_revision=1,
        supplier_name="Fysio Øst Lokaler ApS",
        supplier_invoice_number="F-venue",
        payee=PAYEE,
        amount=amount,
        not_covered=810_000 - amount,
    )
    return [decided, payout]


def test_figures_come_from_the_source_facts_and_not_from_finances_decisions() -> None:
    facts = sources()
    honest = folded(*facts.values(), published(747_600))
    wrong = folded(*facts.values(), published(810_000))
    assert figures(honest, AS_OF) == figures(wrong, AS_OF)
    venue = figures(honest, AS_OF)["networks"]["aalborg-oest"]["2025"]["invoices"]["venue"]
    assert (venue["approved"], venue["not_covered"], venue["entitlement"]) == (
        747_600,
        62_400,
        747_600,
    )
    assert differences(honest, figures(honest, AS_OF)) == []


def test_a_decision_or_payout_finance_got_wrong_is_listed_as_a_difference() -> None:
    ledger = folded(*sources().values(), published(810_000))
    found = differences(ledger, figures(ledger, AS_OF))
    assert found == [
        {
            "thing": "pool:aalborg-oest:venue",
            "what": "decision",
            "recomputed": ["approved", 747_600, 62_400],
            "finance": ["approved", 810_000, 0],
        },
        {
            "thing": "pool:aalborg-oest:venue",
            "what": "pool published",
            "recomputed": 747_600,
            "finance": 810_000,
        },
    ]


def test_an_invoice_finance_never_decided_is_a_difference() -> None:
    ledger = folded(*sources().values())
    found = differences(ledger, figures(ledger, AS_OF))
    assert [(d["what"], d["recomputed"], d["finance"]) for d in found] == [
        ("decision", "approved", None),
        ("pool published", 747_600, 0),
    ]


def test_the_digest_is_the_same_in_whatever_order_the_topics_are_read() -> None:
    streams = [*sources().values(), published(747_600)]
    expected = digest(figures(folded(*streams), AS_OF))
    rng = random.Random(13)
    for _ in range(20):
        # interleave the topics at random, keeping each topic's own order
        cursors = [list(stream) for stream in streams]
        mixed: list[Event] = []
        while any(cursors):
            mixed.append(rng.choice([c for c in cursors if c]).pop(0))
        assert digest(figures(folded(mixed), AS_OF)) == expected


def test_folded_a_network_at_a_time_from_disk_the_figures_are_the_same_bytes(
    tmp_path: Path,
) -> None:
    """The replay's memory bound (kn_deploy.audit_spill): facts spilled by network into
    several buckets, each folded alone with the shared rate tables, the figures written a
    network at a time: the very bytes, digest and differences of one fold of everything."""
    vest = "aalborg-vest"
    streams: list[list[Event]] = [
        *sources().values(),
        published(810_000),  # finance got the venue wrong: two differences
        [network(vest, "Aalborg Vest"), *coordinators(vest)],
        [scheduled("2025-03-12", vest), held(network_id=vest), recorded(network_id=vest)],
        [invoice("vest-venue", "500.00", network_id=vest)],
        [invoice("stray", "100.00", network_id=None)],
    ]
    whole = folded(*streams)
    expected = figures(whole, AS_OF)
    assert set(expected["networks"]) == {"aalborg-oest", vest, NO_NETWORK}
    spill = Spill(tmp_path / "spill", bucket_count(3 * BUCKET_FACTS))
    assert spill.count == 3
    for stream in streams:
        for event in stream:
            spill.take(event, event.ce_type(), event.model_dump_json().encode())
    out = io.BytesIO()
    buckets = [[path] for path in spill.close()]
    written = write_figures(buckets, spill.shared, SCHEME, AS_OF, out, tmp_path)
    assert out.getvalue() == canonical(expected)
    assert (written.digest, written.size) == (digest(expected), len(canonical(expected)))
    assert written.differences == differences(whole, expected)
    assert [d["thing"] for d in written.differences] == [
        "pool:_none:stray",  # "_none" sorts first
        "pool:aalborg-oest:venue",
        "pool:aalborg-oest:venue",
        "pool:aalborg-vest:vest-venue",
        "pool:aalborg-vest:vest-venue",
    ]


def test_the_fold_reads_spilled_events_back_without_looking_for_cpr_numbers_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An invoice is spilled as its message's body, which passed the CPR look when it was
    read; read back for the fold, it is validated again but not looked at again."""
    streams = list(sources().values())
    expected = figures(folded(*streams), AS_OF)
    spill = Spill(tmp_path / "spill", 1)
    for stream in streams:
        for event in stream:
            spill.take(event, event.ce_type(), event.model_dump_json().encode())
    looked: list[bytes | str] = []

    def look(raw: bytes | str, dense: bool = False) -> tuple[bool, bool]:
        looked.append(raw)
        return True, dense

    monkeypatch.setattr(catalog_module, "look", look)
    out = io.BytesIO()
    write_figures([spill.close()], spill.shared, SCHEME, AS_OF, out, tmp_path)
    assert out.getvalue() == canonical(expected)
    assert looked == []


def test_the_partitions_are_shared_out_whole_and_evenly_among_readers() -> None:
    places = [(f"t{n % 4}", n, end) for n, end in enumerate([900, 10, 500, 400, 300, 0, 800])]
    split = shares(places, 3)
    assert sorted(place for share in split for place in share) == sorted(places)
    loads = sorted(sum(end for *_, end in share) for share in split)
    assert loads == [900, 910, 1100]  # the largest first, each to the least loaded
    assert shares(places, 1) == [sorted(places)]
    assert len(shares(places[:2], 5)) == 2  # no reader without a partition


@pytest.mark.parametrize(
    ("facts", "folders", "buckets"),
    [
        (3 * BUCKET_FACTS, 1, 3),
        (19 * BUCKET_FACTS - 1, 2, 20),  # 19 needed: each of 2 folders folds 10
        (5 * BUCKET_FACTS, 3, 6),
        (10, 2, 2),  # at least one a folder
        (10**9, 3, MAX_BUCKETS),  # past the cap, the buckets grow instead
    ],
)
def test_each_folder_gets_as_many_buckets_so_none_folds_the_last_alone(
    facts: int, folders: int, buckets: int
) -> None:
    assert bucket_count(facts, folders) == buckets


def test_the_audit_decides_an_invoice_against_the_meeting_ekm_named_as_finance_does() -> None:
    evening = "2025-03-12-2"
    facts = sources()
    facts["meetings"] += [
        scheduled("2025-03-12").model_copy(update={"meeting_id": evening}),
        held().model_copy(update={"meeting_id": evening}),
        recorded(owners=3).model_copy(update={"meeting_id": evening}),
    ]
    before = figures(folded(*facts.values()), AS_OF)["networks"]["aalborg-oest"]["2025"]
    assert before["invoices"]["venue"]["reasons"] == ["meeting_ambiguous"]
    named = InvoiceMeetingNamed(**stamp(dt.date(2025, 4, 1)), invoice_id="venue",
                                network_id="aalborg-oest", meeting_id=evening,
                                reason="for the evening")  # fmt: skip
    ledger = folded(*facts.values(), [named])
    venue = figures(ledger, AS_OF)["networks"]["aalborg-oest"]["2025"]["invoices"]["venue"]
    assert (venue["status"], venue["counted"], venue["approved"]) == ("approved", 3, 160_200)
