"""全程留痕: the append-only, hash-chained supervision ledger (SUP-1).

``record(session, actor, action, subject, payload)`` appends an entry inside the caller's transaction.
"""

from core import audit as _audit
from supervision.ledger.service import entry_recorded, record, verify

_audit.set_recorder(record)

__all__ = ["entry_recorded", "record", "verify"]
