def test_me_after_sign_in(login):
    api = login("purchaser")
    me = api.get("/api/auth/me").get_json()
    assert me["user"]["username"] == "purchaser"
    assert me["organisation"]["kind"] == "purchaser"
