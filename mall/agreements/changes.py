"""协议变更: changes to a framework agreement in force (MALL-8), after Prozorro's agreement changes.

Three kinds, each a document of its own (``AgreementChange``: canonical JSON, its SHA-256 and the
Ed25519 signature of the organisation that makes it); the agreement's original signed content is
never touched, and its current terms are the original plus its active changes in order.

- ``price_variation`` (价格调整): the solicitor (征集人) proposes new agreed unit prices for some
  items, for every entrant or named ones — a market fall, a tax-rate change. Each new price is at
  most the item's maximum unit price (最高限制单价) and within ``BAND`` (±10 %) of the price in force
  (Prozorro's ``itemPriceVariation`` factor 0.9–1.1). The proposal leaves the agreement
  ``change_pending``, and call-offs wait (``calloff_checks``: ``change_pending``); the solicitor
  activates it — signs it, the prices change from that moment — or cancels it; either way the
  agreement is ``active`` again. One change is pending at a time.
- ``price_reduction`` (降价): an entrant lowers its own agreed prices; always allowed, at once,
  signed by the entrant; never a rise.
- ``party_withdrawal`` (终止入围供应商): the solicitor terminates an entrant, for a reason, at once:
  rotation passes it by and it cannot be chosen or invited.

A price change applies only to call-offs placed after it: each replaced price is kept with the
moment it was replaced (``AgreementPriceChange``) and call-offs are priced as at their placing
(``mall.agreements.prices``).

Refusal codes: ``solicitor_only``, ``entrant_only`` (403); ``agreement_not_active``,
``change_already_pending``, ``change_not_pending``, ``entrant_not_active``, ``already_terminated``
(409); ``rationale_required``, ``prices_required``, ``items_not_in_agreement``, ``not_an_entrant``,
``price_or_factor`` (a row gives a new unit price or a factor, not both, not neither),
``duplicate_price``, ``above_max_price``, ``outside_price_band``, ``not_a_reduction`` (422).

Every step is one transaction with its ledger entry on the agreement (``agreement.change_created``,
``agreement.change_activated``, ``agreement.change_cancelled``, ``agreement.prices_reduced``,
``agreement.entrant_terminated``); the entrants concerned (or, for a reduction, the solicitor) are
notified in the same transaction, so the message exists exactly when the change does.

Each kind of change lives in its own module; this one gathers them, so callers import one place:

- :mod:`~mall.agreements.change_common`: reading changes, their signatures, the shared steps
- :mod:`~mall.agreements.change_variation`: price variation (propose, activate, cancel)
- :mod:`~mall.agreements.change_reduction`: an entrant's price reduction
- :mod:`~mall.agreements.change_termination`: an entrant's termination
"""

from mall.agreements.change_common import changes_of, content_intact, pending_change, verified
from mall.agreements.change_reduction import reduce_prices
from mall.agreements.change_termination import terminate
from mall.agreements.change_variation import BAND, activate, cancel, propose_variation

__all__ = [
    "BAND",
    "activate",
    "cancel",
    "changes_of",
    "content_intact",
    "pending_change",
    "propose_variation",
    "reduce_prices",
    "terminate",
    "verified",
]
