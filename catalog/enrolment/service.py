"""Enrolment use cases: apply, decide, suspend, reinstate, and the eligibility check other modules use."""

from __future__ import annotations

from catalog.enrolment.applications import (  # noqa: F401
    applications_query,
    apply,
    decide,
    get_application,
    require_supplier,
)
from catalog.enrolment.eligibility import (  # noqa: F401
    check_eligible,
    ineligible,
    status,
    suppliers_in,
)
from catalog.enrolment.suspensions import (  # noqa: F401
    active_suspension,
    impose_suspension,
    record_reinstatements,
    suspend,
)
