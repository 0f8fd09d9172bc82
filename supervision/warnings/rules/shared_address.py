"""Shared address (同一IP或设备): one network address or one device behind the bids of different
suppliers in one auction (a volume purchase's auction with its capacity declarations) or behind
the responses to one framework agreement solicitation — the bids were very likely prepared or
placed by the same hands. AUC-3, SUP-2.

What is read: the ledger entry's own ``actor_ip`` and ``actor_device`` (the device is the random id
the server issues in a signed cookie, so a client cannot claim another's), on

- ``auction.bid_accepted`` and ``auction.bid_rejected`` — a refused bid is still a bid made for
  that supplier from that place;
- ``pool.capacity_declared`` (its payload names the pool's ``auction_id``): a volume purchase's
  declarations and its auction's bids are one scope, ``auction:<id>``;
- ``agreement.response_submitted``: scope ``solicitation:<id>``.

The supplier is the payload's ``supplier_id`` (else the actor's organisation). A warning is raised
at the first entry of a second supplier from an address or device another supplier already used
in the scope, as the ledger stood then; a third supplier adds to the same warning (same key).

Key: ``<scope>:<ip|device>:<digest>``, the digest a keyed hash (HMAC-SHA-256 under the ledger's
commitment key) of the value: addresses and devices are personal data, which the ledger keeps out
of what it discloses, so neither the key nor the facts (both on the ledger's ``warning.raised``)
carry them; the evidence entries do, for supervisors. Addresses listed in ``ignore_ips`` (a
trading centre's bidding hall, a shared government network) are not read.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from core.messages import N_
from supervision.ledger import tree
from supervision.ledger.models import LedgerEntry
from supervision.warnings.rules._ledger import published
from supervision.warnings.rules.base import Context, Evidence, Finding, Param, Rule

BIDS = ("auction.bid_accepted", "auction.bid_rejected")
CAPACITY = ("pool.capacity_declared",)
RESPONSES = ("agreement.response_submitted",)
#: what each kind of value is called in the facts
VIA = {"ip": "IP", "device": "device"}

Source = tuple[str, str, tuple[str, ...]]  # subject type, subject id, actions


class SharedAddress(Rule):
    code = "shared_address"
    name = N_("Shared IP address or device")
    basis = N_(
        "Measures for the Administration of Government Procurement Bidding (Order No. 87 of the "
        "Ministry of Finance), Article 37 (2): different bidders entrusting the same unit or "
        "person with their bidding is deemed collusion; Regulations for the Implementation of "
        "the Government Procurement Law, Article 74."
    )
    description = N_(
        "Bids of different suppliers in one auction or volume purchase, or responses of "
        "different suppliers to one framework agreement solicitation, came from the same IP "
        "address or the same device."
    )
    summary = N_(
        "In %(number)s, %(count)s different suppliers acted from one IP address or device "
        "(%(via)s)."
    )
    level = "red"
    params = (
        Param(
            "ignore_ips",
            "",
            N_("IP addresses shared by design (comma-separated) that are not read"),
        ),
    )
    actions = (*BIDS, *CAPACITY, *RESPONSES)

    def on_entries(self, ctx: Context, entries: list[LedgerEntry]) -> Iterable[Finding]:
        ignored = {ip.strip() for ip in str(ctx.params["ignore_ips"]).split(",") if ip.strip()}
        scopes: dict[str, tuple[list[Source], str | None, list[LedgerEntry]]] = {}
        terms: dict[str, dict[str, Any]] = {}
        for entry in entries:
            scope = _scope(ctx, entry, terms)
            if scope is None:
                continue
            name, sources, number = scope
            scopes.setdefault(name, (sources, number, []))[2].append(entry)
        key = None
        for name, (sources, number, batch) in scopes.items():
            if key is None:
                key = tree.commitment_key(ctx.session)
            yield from self._scan(ctx, name, sources, number, batch, ignored, key)

    def _scan(
        self,
        ctx: Context,
        scope: str,
        sources: list[Source],
        number: str | None,
        batch: list[LedgerEntry],
        ignored: set[str],
        key: bytes,
    ) -> Iterable[Finding]:
        """Walk the scope's entries up to the batch's last, in ledger order; a batch entry whose
        value another supplier used before raises the warning."""
        last = max(entry.seq for entry in batch)
        wanted = {entry.seq for entry in batch}
        seen: dict[tuple[str, str], dict[int, LedgerEntry]] = {}
        for entry in _entries(ctx, sources, last):
            org = ctx.payload(entry).get("supplier_id") or entry.actor_org_id
            if org is None:
                continue
            for kind, value in (("ip", entry.actor_ip), ("device", entry.actor_device)):
                if not value or (kind == "ip" and value in ignored):
                    continue
                users = seen.setdefault((kind, value), {})
                if org in users:
                    continue
                users[org] = entry
                if len(users) < 2 or entry.seq not in wanted:
                    continue
                digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
                yield Finding(
                    key=f"{scope}:{kind}:{digest[:24]}",
                    subject=_subject(scope),
                    region_id=entry.region_id,
                    party_org_id=org,
                    facts={
                        "number": number or f"#{scope.split(':')[1]}",
                        "via": VIA[kind],
                        "count": len(users),
                        "supplier_ids": list(users),
                        "digest": digest[:24],
                    },
                    evidence=[
                        Evidence(seq=first.seq, subject=("organisation", supplier))
                        for supplier, first in users.items()
                    ],
                    trigger_seq=entry.seq,
                )


def _scope(
    ctx: Context, entry: LedgerEntry, known: dict[str, dict[str, Any]]
) -> tuple[str, list[Source], str | None] | None:
    """The entry's scope: its name, the subjects and actions it spans, and the number shown
    (``known``: the auctions' announced terms read so far)."""
    if entry.action in RESPONSES:
        return (
            f"solicitation:{entry.subject_id}",
            [("agreement_solicitation", str(entry.subject_id), RESPONSES)],
            None,
        )
    if entry.action in CAPACITY:
        auction_id = ctx.payload(entry).get("auction_id")
        if auction_id is None:
            return None
    else:
        auction_id = entry.subject_id
    terms = known.get(str(auction_id))
    if terms is None:
        announced = published(ctx, auction_id, entry.seq)
        terms = known[str(auction_id)] = ctx.payload(announced) if announced is not None else {}
    sources: list[Source] = [("auction", str(auction_id), BIDS)]
    pool_id = terms.get("pool_id") or (entry.subject_id if entry.action in CAPACITY else None)
    if pool_id is not None:
        sources.append(("pool", str(pool_id), CAPACITY))
    return f"auction:{auction_id}", sources, terms.get("number")


def _entries(ctx: Context, sources: list[Source], last: int) -> list[LedgerEntry]:
    found: list[LedgerEntry] = []
    for subject_type, subject_id, actions in sources:
        found.extend(
            ctx.session.scalars(
                select(LedgerEntry).where(
                    LedgerEntry.action.in_(actions),
                    LedgerEntry.subject_type == subject_type,
                    LedgerEntry.subject_id == subject_id,
                    LedgerEntry.seq <= last,
                )
            )
        )
    found.sort(key=lambda entry: entry.seq)
    return found


def _subject(scope: str) -> tuple[str, Any]:
    kind, _, ident = scope.partition(":")
    return ("agreement_solicitation" if kind == "solicitation" else kind, ident)


RULE = SharedAddress()
