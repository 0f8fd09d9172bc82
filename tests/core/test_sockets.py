"""Socket connections are authenticated on connect (X-1)."""

from mall.extensions import socketio


def test_anonymous_socket_is_refused(app, client):
    sio = socketio.test_client(app, flask_test_client=client)
    assert not sio.is_connected()


def test_session_cookie_authenticates_the_socket(app, login):
    api = login("purchaser")
    sio = socketio.test_client(app, flask_test_client=api.client)
    assert sio.is_connected()
    sio.disconnect()


def test_token_authenticates_and_revoked_token_is_refused(app, login, client):
    api = login("supplier")
    created = api.post("/api/auth/tokens", json={"name": "bidder"}).get_json()
    sio = socketio.test_client(app, flask_test_client=client, auth={"token": created["token"]})
    assert sio.is_connected()
    sio.disconnect()
    api.delete(f"/api/auth/tokens/{created['id']}")
    refused = socketio.test_client(app, flask_test_client=client, auth={"token": created["token"]})
    assert not refused.is_connected()
