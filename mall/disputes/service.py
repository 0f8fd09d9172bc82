"""纠纷化解 (MALL-9): the dispute desk's use cases.

A party opens a dispute on its order (from confirmation on); the order's payment is held. The other
party has ``MALL_DISPUTE_RESPONSE_DAYS`` working days to respond. A handler of the dispute office of
the order's region (the nearest office up the region tree) is assigned in turn. The handler may ask a
party for evidence by a deadline, propose mediation (settled when both parties accept) or rule. A
ruling or a settlement orders effects that the system carries out — a refund through the payment
gateway, the order re-opened for a replacement, a credit penalty, a supplier's suspension — each
ledgered with the dispute. Once they are carried out the dispute is archived, read-only, and the hold
on the order's payment is lifted. ``tick`` acts on missed deadlines.

Every function takes ``(session, actor, ...)``, checks who may act, writes, records on the ledger in
the same transaction and flushes; the caller's unit of work commits.

Each step of a case lives in its own module; this one gathers them, so callers import one place:

- :mod:`~mall.disputes.common`: limits, access to a case, ledger entries and notices
- :mod:`~mall.disputes.opening`: opening a dispute, assigning and reassigning its handler
- :mod:`~mall.disputes.filing`: submissions and their evidence files
- :mod:`~mall.disputes.responses`: the response, evidence, withdrawal
- :mod:`~mall.disputes.mediation`: proposals and the parties' answers
- :mod:`~mall.disputes.ruling`: the ruling and its preview
- :mod:`~mall.disputes.effects`: refunds, re-opening, penalties, suspensions; archiving
- :mod:`~mall.disputes.deadlines`: ``tick``
- :mod:`~mall.disputes.reading`: lists, evidence files, the actions open to an actor
"""

from mall.disputes.common import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_SUSPENSION_DAYS,
    MAX_TEXT,
    OPENABLE,
    REOPENABLE,
    ROLE_NAMES,
    get_dispute,
    next_deadline,
    role_in,
    settings,
)
from mall.disputes.deadlines import tick
from mall.disputes.effects import carry_out_refunds, pending_refunds, settle_effects
from mall.disputes.filing import Upload, upload_dir
from mall.disputes.mediation import answer_proposal, propose
from mall.disputes.opening import open_dispute, reassign
from mall.disputes.reading import allowed_actions, disputes_query, evidence_file, handlers_of
from mall.disputes.responses import add_evidence, request_evidence, respond, withdraw
from mall.disputes.ruling import RulingPlan, preview_ruling, rule

__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_SUSPENSION_DAYS",
    "MAX_TEXT",
    "OPENABLE",
    "REOPENABLE",
    "ROLE_NAMES",
    "RulingPlan",
    "Upload",
    "add_evidence",
    "allowed_actions",
    "answer_proposal",
    "carry_out_refunds",
    "disputes_query",
    "evidence_file",
    "get_dispute",
    "handlers_of",
    "next_deadline",
    "open_dispute",
    "pending_refunds",
    "preview_ruling",
    "propose",
    "reassign",
    "request_evidence",
    "respond",
    "role_in",
    "rule",
    "settings",
    "settle_effects",
    "tick",
    "upload_dir",
    "withdraw",
]
