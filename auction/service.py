"""Reverse auctions (AUC-1, AUC-3): create and publish, bid, and close on time.

Every use case takes ``(session, actor, …)``, records on the ledger and flushes; the caller's unit
of work commits. A bid locks the auction's row, so the bids of one auction run one after another; a
rejected bid is recorded on the ledger with its reason and returned, not raised, so the caller can
keep that record while it tells the bidder why.

The use cases live in one module per step; this module names them all in one place:
``terms`` (the bidding terms and their checks), ``drafting`` (draft, change, publish),
``withdrawal``, ``bidders`` (who may bid), ``bidding`` (placing bids), ``standing`` (offers and
ranks), ``access`` (who sees an auction) and ``state`` (what each party sees).
"""

from __future__ import annotations

from auction.access import auctions_query, get_auction, role_of, visible_ceiling
from auction.bidders import bidder_reason, draft_eligibility, eligible_suppliers
from auction.bidding import BidOutcome, BidRequest, place_bid, place_bids, require_bidder
from auction.drafting import START_GRACE, TERMS, announcement, create, edit_draft, publish
from auction.standing import (
    BidderRow,
    Standing,
    bidder_rows,
    deductions_for,
    labels,
    offers,
    ranked_rows,
)
from auction.state import label_text, ladder, state
from auction.terms import (
    MAX_DURATION,
    MAX_EXTENSION,
    MAX_EXTENSIONS,
    MAX_QUANTITY,
    MAX_SNIPE_WINDOW,
    check_run_terms,
    shortest_run,
    terms_of,
)
from auction.withdrawal import cancel

__all__ = [
    "MAX_DURATION",
    "MAX_EXTENSION",
    "MAX_EXTENSIONS",
    "MAX_QUANTITY",
    "MAX_SNIPE_WINDOW",
    "START_GRACE",
    "TERMS",
    "BidOutcome",
    "BidRequest",
    "BidderRow",
    "Standing",
    "announcement",
    "auctions_query",
    "bidder_reason",
    "bidder_rows",
    "cancel",
    "check_run_terms",
    "create",
    "deductions_for",
    "draft_eligibility",
    "edit_draft",
    "eligible_suppliers",
    "get_auction",
    "label_text",
    "labels",
    "ladder",
    "offers",
    "place_bid",
    "place_bids",
    "publish",
    "ranked_rows",
    "require_bidder",
    "role_of",
    "shortest_run",
    "state",
    "terms_of",
    "visible_ceiling",
]
