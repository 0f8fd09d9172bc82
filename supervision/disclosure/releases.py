"""What each ledger entry changes in an OCDS process: one release per entry and process.

The processes (their ocid is ``OCDS_PREFIX`` + the mall's number of the process):

- a direct purchase (电子卖场直购): ``order.placed`` opens it with its award (pending until the
  supplier confirms), ``order.confirmed`` makes the award active, ``order.declined`` /
  ``order.lapsed`` / ``order.cancelled`` end it;
- a reverse auction (网上竞价): ``auction.published`` is its tender (``submissionMethod``
  electronicAuction), ``order.awarded`` its award, ``auction.awarded`` / ``auction.failed`` /
  ``auction.cancelled`` close the tender;
- a volume purchase (带量采购): ``pool.opened`` is its tender, ``pool.auctioned`` adds the pooled
  quantity and the auction's period, each purchaser's ``order.awarded`` is an award of its own (the
  purchaser is a buyer and payer in the parties), ``pool.awarded`` / ``pool.failed`` close it;
- a framework agreement (框架协议): ``agreement.solicitation_published`` is its tender,
  ``agreement.result_published`` its awards (one per entrant, each item at its agreed unit price);
  each call-off is a process of its own (``agreement.calloff_placed``) whose ``relatedProcesses``
  names the agreement's ocid with relationship ``framework``, awarded by ``order.awarded``;
- every order's contract: ``contract.created`` (pending), ``contract.signed`` by both parties
  (active, ``dateSigned``), ``order.delivered`` / ``order.accepted`` (implementation milestones),
  ``payment.succeeded`` / ``payment.refunded`` (implementation transactions), ``dispute.ruled`` and
  ``order.reopened`` (amendments; a ruling that refunds the whole amount paid terminates the
  contract), ``order.closed`` (terminated: completed).

Only organisations appear as parties (name and unified social credit code); no person, address,
phone, address of a request or device is ever read into a release.

Each kind of process builds its releases in a module of its own; this one gathers the handlers:

- :mod:`~supervision.disclosure.parts`: parties, values, dates, ocids and links
- :mod:`~supervision.disclosure.orders`: orders and their contracts
- :mod:`~supervision.disclosure.auctions`: reverse auctions and volume purchases
- :mod:`~supervision.disclosure.frameworks`: framework agreements and call-offs
- :mod:`~supervision.disclosure.implementation`: milestones, payments, amendments, the end
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from supervision.disclosure.auctions import (
    auction_published,
    pool_auctioned,
    pool_opened,
    tender_ended,
)
from supervision.disclosure.frameworks import (
    calloff_ordered,
    calloff_placed,
    result_published,
    solicitation_published,
)
from supervision.disclosure.implementation import (
    dispute_ruled,
    order_closed,
    order_milestone,
    order_reopened,
    payment,
)
from supervision.disclosure.orders import (
    contract_created,
    contract_signed,
    order_awarded,
    order_placed,
    order_status,
)
from supervision.disclosure.parts import Change, Parts, Release, iso
from supervision.ledger.models import LedgerEntry


class Builder(Parts):
    """Turns ledger entries into releases, remembering links between them in ``ocds_links``."""

    def changes(self, entry: LedgerEntry) -> list[Change]:
        handler = HANDLERS.get(entry.action)
        if handler is None:
            return []
        payload = json.loads(entry.payload)
        return handler(self, entry, payload)

    def release(self, entry: LedgerEntry, change: Change) -> Release:
        ocid, tags, sections, _ = change
        return {
            "ocid": ocid,
            "id": f"{ocid}-{entry.seq}",
            "date": iso(entry.at),
            "tag": tags,
            "initiationType": "tender",
            "language": "zh",
            **sections,
        }


HANDLERS: dict[str, Callable[[Builder, LedgerEntry, dict[str, Any]], list[Change]]] = {
    "order.placed": order_placed,
    "order.awarded": order_awarded,
    "order.confirmed": order_status,
    "order.declined": order_status,
    "order.lapsed": order_status,
    "order.cancelled": order_status,
    "contract.created": contract_created,
    "contract.signed": contract_signed,
    "order.delivered": order_milestone,
    "order.accepted": order_milestone,
    "payment.succeeded": payment,
    "payment.refunded": payment,
    "order.closed": order_closed,
    "dispute.ruled": dispute_ruled,
    "order.reopened": order_reopened,
    "auction.published": auction_published,
    "auction.awarded": tender_ended,
    "auction.failed": tender_ended,
    "auction.cancelled": tender_ended,
    "pool.opened": pool_opened,
    "pool.auctioned": pool_auctioned,
    "pool.awarded": tender_ended,
    "pool.failed": tender_ended,
    "pool.cancelled": tender_ended,
    "agreement.solicitation_published": solicitation_published,
    "agreement.result_published": result_published,
    "agreement.calloff_placed": calloff_placed,
    "agreement.calloff_ordered": calloff_ordered,
    "agreement.calloff_unfilled": tender_ended,
}
ACTIONS = tuple(HANDLERS)
