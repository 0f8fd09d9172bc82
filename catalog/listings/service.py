"""Listing use cases. Suppliers draft, edit and submit; operators review; price changes are recorded."""

from __future__ import annotations

from catalog.listings.access import (  # noqa: F401
    get_listing,
    listings_query,
    price_history,
)
from catalog.listings.drafting import (  # noqa: F401
    COMMERCIAL_FIELDS,
    OTHER_FIELDS,
    SPEC_FIELDS,
    create,
    update,
)
from catalog.listings.lifecycle import (  # noqa: F401
    DEFAULT_TERM_DAYS,
    lapse_expired,
    renew,
    review,
    set_term_days,
    submit,
    take_off_shelf,
    term_days,
)
