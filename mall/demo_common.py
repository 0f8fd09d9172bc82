"""What the demo's framework agreements and call-offs share: a moment of a past week, and the users
who act (the demo users, and a sales user of each other supplier that takes part)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock, workdays
from core.accounts import service as accounts
from core.accounts.auth import SYSTEM, Actor, actor_for
from core.accounts.demo import DEMO_PASSWORD
from core.accounts.models import Organisation, User
from core.accounts.roles import Role


def at(weeks_back: int, weekday: int, hhmm: str) -> datetime:
    """A moment in Hohhot: ``weekday`` (0 Monday) of the week ``weeks_back`` weeks before this
    one, at ``hhmm``; in UTC."""
    today = clock.local(clock.now()).date()
    monday = today - timedelta(days=today.weekday(), weeks=weeks_back)
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime.combine(monday + timedelta(days=weekday), time(hour, minute))
    return local.replace(tzinfo=clock.SHANGHAI).astimezone(UTC)


def latest_office_hour() -> datetime:
    """The latest 09:30 or 16:30 in Hohhot on a working day, not after now: when the demo's newest
    step happened, so it is neither at night nor in the future."""
    calendar = workdays.calendar()
    now = clock.now()
    day = clock.local(now).date()
    while True:
        if calendar.is_working_day(day):
            for hhmm in (time(16, 30), time(9, 30)):
                moment = datetime.combine(day, hhmm, tzinfo=clock.SHANGHAI).astimezone(UTC)
                if moment <= now:
                    return moment
        day -= timedelta(days=1)


def user_actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return actor_for(user, "system")


def supplier_user(session: Session, org: Organisation) -> Actor:
    """The supplier's first user with the supplier role; a sales user added when it has none."""
    users = session.scalars(
        select(User).where(User.organisation_id == org.id).order_by(User.id)
    ).all()
    user = next((u for u in users if Role.SUPPLIER in u.roles), None)
    if user is None:
        user = accounts.create_user(
            session,
            SYSTEM,
            org.id,
            {
                "username": f"sales.{org.id}",
                "display_name": "销售代表",
                "password": DEMO_PASSWORD,
                "roles": [Role.SUPPLIER.value],
            },
        )
    return actor_for(user, "system")
