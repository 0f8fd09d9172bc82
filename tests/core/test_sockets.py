"""Socket connections are authenticated on connect, and dropped when the sign-in ends (X-1)."""

import time

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


def _gone_within(sio, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and sio.is_connected():
        socketio.sleep(0.05)
    return not sio.is_connected()


def test_a_socket_is_disconnected_within_a_second_of_signing_out(app, login):
    """X-1: a connection does not outlive the session it was opened with."""
    api = login("purchaser")
    other = login("purchaser")  # another session of the same user stays
    sio = socketio.test_client(app, flask_test_client=api.client)
    kept = socketio.test_client(app, flask_test_client=other.client)
    assert sio.is_connected() and kept.is_connected()
    assert api.post("/api/auth/signout").status_code == 204
    assert _gone_within(sio, 1.0)
    assert kept.is_connected()
    kept.disconnect()


def test_a_token_socket_is_disconnected_within_a_second_of_revocation(app, login, client):
    api = login("supplier")
    created = api.post("/api/auth/tokens", json={"name": "bidder"}).get_json()
    sio = socketio.test_client(app, flask_test_client=client, auth={"token": created["token"]})
    assert sio.is_connected()
    assert api.delete(f"/api/auth/tokens/{created['id']}").status_code == 200
    assert _gone_within(sio, 1.0)
