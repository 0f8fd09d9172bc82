"""Account use cases: sign-in and sessions, API tokens, regions, organisations and users.

Every change is audited to the supervision ledger in the same transaction. Functions flush, never commit.
"""

from __future__ import annotations

from core.accounts.access import (  # noqa: F401
    CREDIT_CODE,
    USERNAME,
    can_view_org,
)
from core.accounts.organisations import (  # noqa: F401
    create_organisation,
    create_region,
    get_organisation,
    list_regions,
    organisation_query,
    rotate_key,
    update_organisation,
)
from core.accounts.resets import (  # noqa: F401
    issue_password_reset,
    issue_recovery_reset,
    use_password_reset,
)
from core.accounts.signin import (  # noqa: F401
    issue_token,
    list_tokens,
    revoke_token,
    sign_in,
    sign_out,
)
from core.accounts.users import (  # noqa: F401
    add_user,
    create_user,
    get_user,
    list_users,
    update_user,
)
