"""How a volume purchase's award is split (AUC-2), as a pure function.

The winners are the best-ranked bidders (lowest price; equal prices to the earlier bid), at most
``max_winners`` of them. Each in turn takes as much of the pooled quantity as its declared capacity
allows (no declaration: all of it), until the pool is covered; the demands are served in the order
they were added, so a demand is split across two winners only where one winner's capacity runs out
in the middle of it. Each share is priced at its winner's own best bid. Quantity that no winner
can supply stays unallocated and its funds go back to the purchaser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auction.rules import Offer


@dataclass(frozen=True)
class Share:
    demand_id: int
    rank: int
    offer: Offer
    quantity: int


def winners(
    ranked: Sequence[Offer], max_winners: int, capacities: Mapping[int, int], pooled: int
) -> list[tuple[int, Offer, int]]:
    """``(rank, offer, capacity)`` of the bidders that take part in the award, best first. With a
    single winner the capacity is the whole pool."""
    chosen = list(enumerate(ranked[: max(1, max_winners)], start=1))
    if max_winners <= 1:
        return [(rank, offer, pooled) for rank, offer in chosen]
    return [
        (rank, offer, min(pooled, capacities.get(offer.supplier_id, pooled)))
        for rank, offer in chosen
    ]


def split(
    demands: Sequence[tuple[int, int]],
    ranked: Sequence[Offer],
    max_winners: int,
    capacities: Mapping[int, int],
) -> list[Share]:
    """The shares of the award for ``demands`` (``(demand id, quantity)`` in the order they were
    added)."""
    pooled = sum(quantity for _, quantity in demands)
    taking = winners(ranked, max_winners, capacities, pooled)
    shares: list[Share] = []
    left = [capacity for _, _, capacity in taking]
    slot = 0
    for demand_id, quantity in demands:
        need = quantity
        while need > 0 and slot < len(taking):
            if left[slot] <= 0:
                slot += 1
                continue
            take = min(need, left[slot])
            rank, offer, _ = taking[slot]
            shares.append(Share(demand_id, rank, offer, take))
            left[slot] -= take
            need -= take
    return shares
