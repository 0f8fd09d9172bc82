"""全程留痕: the append-only, hash-chained supervision ledger (SUP-1).

``record(session, actor, action, subject, payload)`` appends an entry inside the caller's transaction;
``record_many(session, [Entry(...), ...])`` appends several with one INSERT and one move of the head.
"""

from core import audit as _audit
from supervision.ledger.service import Entry, entry_recorded, record, record_many, verify

_audit.set_recorder(record)

__all__ = ["Entry", "entry_recorded", "record", "record_many", "verify"]
