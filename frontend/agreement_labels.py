"""Framework agreement labels looked up by a computed key (MALL-8): statuses, kinds, evaluation
and call-off methods, the solicitor's steps and what each step's page then says; call-off and
rotation offer statuses and the reasons for a direct selection; changes to an agreement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_babel.speaklater import LazyString

AGREEMENT_LABELS: dict[str, LazyString] = {
    "status_draft": lazy_pgettext("agreement solicitation", "Draft"),
    "status_published": lazy_pgettext("agreement solicitation", "Open for responses"),
    "status_opened": lazy_pgettext("agreement solicitation", "Responses opened"),
    "status_evaluated": lazy_pgettext("agreement solicitation", "Evaluated"),
    "status_selected": lazy_pgettext("agreement solicitation", "Entrants selected"),
    "status_concluded": lazy_pgettext("agreement solicitation", "Result published"),
    "status_active": lazy_pgettext("agreement", "In force"),
    "status_suspended": lazy_pgettext("agreement", "Suspended"),
    "status_terminated": lazy_pgettext("agreement", "Terminated"),
    "status_unsigned": lazy_pgettext("agreement", "Not signed yet"),
    "status_change_pending": lazy_pgettext("agreement", "Change pending"),
    "status_ended": lazy_pgettext("agreement", "Ended"),
    "change_price_variation": _l("Price variation"),
    "change_price_reduction": _l("Price reduction by an entrant"),
    "change_party_withdrawal": _l("Entrant terminated"),
    "change_status_pending": lazy_pgettext("agreement change", "Pending"),
    "change_status_active": lazy_pgettext("agreement change", "In force"),
    "change_status_cancelled": lazy_pgettext("agreement change", "Cancelled"),
    "withdrawal_breach": _l("Breach of the agreement"),
    "withdrawal_entrant_request": _l("At the entrant's request"),
    "withdrawal_other": lazy_pgettext("termination reason", "Other"),
    "change_done_proposed": _l(
        "The price variation is proposed; call-offs wait until you activate or cancel it."
    ),
    "change_done_activated": _l(
        "The change is signed and in force; call-offs placed from now on use the new prices."
    ),
    "change_done_cancelled": _l("The proposed change is cancelled."),
    "change_done_reduced": _l("Your lower prices are in force for call-offs placed from now on."),
    "change_done_terminated": _l("The entrant is terminated."),
    "party_solicitor": lazy_pgettext("agreement party", "Solicitor"),
    "party_entrant": lazy_pgettext("agreement party", "Entrant"),
    "kind_closed": _l("Closed (entrants fixed at selection)"),
    "kind_open": _l("Open (suppliers may join during the term)"),
    "evaluation_price_priority": _l("Price priority"),
    "evaluation_quality_priority": _l("Quality priority"),
    "method_direct": _l("Direct selection"),
    "method_secondary_competition": _l("Secondary competition"),
    "method_rotation": _l("Rotation"),
    "response_submitted": lazy_pgettext("agreement response", "Submitted"),
    "response_selected": lazy_pgettext("agreement response", "Selected"),
    "response_eliminated": lazy_pgettext("agreement response", "Eliminated"),
    "do_publish": _l("Publish the solicitation"),
    "do_open": _l("Open the responses"),
    "do_evaluate": _l("Rank the responses"),
    "do_select": _l("Select the entrants"),
    "do_result": _l("Publish the result"),
    "done_created": _l("The solicitation is saved as a draft: only your organisation sees it."),
    "done_published": _l("The solicitation is published; enrolled suppliers are told."),
    "done_responded": _l("Your response is submitted. It stays sealed until the deadline."),
    "done_opened": _l("The responses are opened; their contents are on the ledger."),
    "done_evaluated": _l("The responses are ranked."),
    "done_selected": _l("The entrants are selected."),
    "calloff_placed": lazy_pgettext("call-off", "Placed"),
    "calloff_offered": lazy_pgettext("call-off", "Offered to an entrant"),
    "calloff_competing": lazy_pgettext("call-off", "Competing"),
    "calloff_ordered": lazy_pgettext("call-off", "Ordered"),
    "calloff_unfilled": lazy_pgettext("call-off", "Unfilled"),
    "offer_offered": lazy_pgettext("rotation offer", "Awaiting the answer"),
    "offer_accepted": lazy_pgettext("rotation offer", "Accepted"),
    "offer_declined": lazy_pgettext("rotation offer", "Declined"),
    "offer_timed_out": lazy_pgettext("rotation offer", "Timed out"),
    "reason_price": lazy_pgettext("direct selection reason", "Price"),
    "reason_quality": lazy_pgettext("direct selection reason", "Quality"),
    "reason_service": lazy_pgettext("direct selection reason", "Service"),
    "reason_delivery": lazy_pgettext("direct selection reason", "Delivery"),
    "calloff_done_placed": _l("The call-off is placed."),
    "offer_done_accepted": _l("The offer is accepted: the order and its contract are made."),
    "offer_done_declined": _l("The offer is declined: the turn passes to the next entrant."),
}


def agreement_label(prefix: str, key: str) -> str:
    found = AGREEMENT_LABELS.get(f"{prefix}_{key}")
    return str(found) if found is not None else key
