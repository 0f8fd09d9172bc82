"""站内通知 (MALL-12): a user reads its organisation's notifications — those addressed to it, to its
role or to the whole organisation — and marks them read; another organisation's are refused."""

from sqlalchemy import select

from core.accounts.models import User
from core.notifications.service import Message, notify


def _org(session, username):
    return session.scalar(select(User).where(User.username == username)).organisation_id


def test_inbox_by_organisation_user_and_role(login, session):
    school = _org(session, "purchaser")
    purchaser_id = session.scalar(select(User.id).where(User.username == "purchaser"))
    hospital = _org(session, "purchaser.hospital")
    notify(session, [school, hospital], Message("test.all", "全体通知", "To everyone"))
    notify(session, [school], Message("test.user", "个人通知", "To one user"), user_id=purchaser_id)
    notify(session, [school], Message("test.role", "管理员通知", "To admins"), role="supervisor")
    session.flush()
    me = login("purchaser")
    inbox = me.get("/api/notifications").get_json()
    kinds = [n["kind"] for n in inbox["items"]]
    assert "test.all" in kinds and "test.user" in kinds and "test.role" not in kinds
    assert inbox["unread"] == len(inbox["items"])
    first = inbox["items"][0]["id"]
    assert me.post(f"/api/notifications/{first}/read").get_json() == {"marked": 1}
    assert me.post(f"/api/notifications/{first}/read").get_json() == {"marked": 0}
    # Another organisation's notification is not found for this user.
    other = login("purchaser.hospital").get("/api/notifications").get_json()["items"][0]["id"]
    refused = me.post(f"/api/notifications/{other}/read")
    assert refused.status_code == 404 and refused.get_json()["message_zh"]
    left = me.get("/api/notifications?unread=true").get_json()
    assert me.post("/api/notifications/read").get_json() == {"marked": len(left["items"])}
    assert me.get("/api/notifications").get_json()["unread"] == 0


def test_signed_out_is_refused(client):
    assert client.get("/api/notifications").status_code == 401
