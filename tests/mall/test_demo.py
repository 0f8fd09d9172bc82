"""Demo budget lines (MALL-3): every demo purchaser unit can buy at once; loading twice adds none."""

from sqlalchemy import func, select

from core.accounts.models import Organisation
from core.accounts.roles import OrgKind
from mall import demo
from mall.budgets.models import BudgetLine


def test_demo_budget_lines_load_once(app_ctx, session):
    assert demo.load(session) == [f"budget lines: {3 * _units(session)} created"]
    assert demo.load(session) == ["budget lines: 0 created"]
    # Only the demo's lines (other tests may have committed lines of their own units).
    lines = session.scalars(select(BudgetLine).where(BudgetLine.code.contains("-ZC-"))).all()
    assert len(lines) == 3 * _units(session)
    assert {line.code[5:] for line in lines} == {"ZC-001", "ZC-002", "ZC-003"}
    assert all(line.available == line.amount for line in lines)


def _units(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.kind == OrgKind.PURCHASER)
    )
