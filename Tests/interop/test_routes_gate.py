"""The routes' gates, against the release `callgate` binary and real upstream processes
(route_support.py): the origin list (403), the authentication gate (no unauthenticated byte
reaches the upstream; good credentials open it, bad ones are refused), an unknown path (404) and
an unconfigured channel (503), and wss in front of a ws upstream."""
import json
import os
import ssl
import time
import urllib.parse

from route_support import client, closed_with, gateway_config, lower, recv, recv_json, refused_status, run, session_token, sso_token, upstreams, url  # noqa: F401 (upstreams: a fixture)


# ---------------------------------------------------------------- 7. origins


def test_origin_list_refuses_foreign_origins_with_403(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    gw = start_gateway(config=gateway_config({"report": {
        "backend": f"ws://127.0.0.1:{up.port}/", "auth": "none", "origins": ["https://crm.example.com", "self"]}}))

    async def scenario():
        status, body = await refused_status(url(gw, "/report"), origin="https://evil.example.com")
        assert status == 403 and "report" in body
        status, _ = await refused_status(url(gw, "/report"), origin="https://crm.example.com.evil.example")
        assert status == 403
        for origin in ("https://crm.example.com", f"http://127.0.0.1:{gw.http_port}"):
            async with client(url(gw, "/report"), origin=origin) as ws:
                await ws.send(origin)
                assert await recv(ws) == origin

    run(scenario())
    assert len(up.connects()) == 2, "refused upgrades never reach the upstream"


# ---------------------------------------------------------------- 8. the authentication gate


def test_unauthenticated_bytes_never_reach_the_upstream(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config({
        "report": {"backend": f"ws://127.0.0.1:{up.port}/", "mode": "pipe", "auth": "required",
                   "authTimeoutMilliseconds": 500},
        "recording": {"backend": f"ws://127.0.0.1:{backend.port}/", "mode": "mux", "auth": "required",
                      "authTimeoutMilliseconds": 500}}))

    async def scenario():
        for path in ("/report", "/recording"):
            async with client(url(gw, path)) as ws:
                await ws.send("junk that is not a credential")
                code, _, got = await closed_with(ws)
                assert (code, got) == (4001, []), path
            async with client(url(gw, path)) as ws:
                await ws.send(b"\x00binary junk")
                code, _, _ = await closed_with(ws)
                assert code == 4001, path
            async with client(url(gw, path)) as ws:
                started = time.monotonic()
                code, _, _ = await closed_with(ws, timeout=3)
                assert code == 4002, path
                assert 0.4 < time.monotonic() - started < 2.0
            async with client(url(gw, path)) as ws:
                await ws.send(json.dumps({"type": "auth", "token": "v1.forged.token"}))
                code, _, _ = await closed_with(ws)
                assert code == 4001, path

    run(scenario())
    time.sleep(0.3)  # an absence is asserted: what was refused would have arrived by now
    assert up.connects() == [] and up.records() == []
    assert backend.controls("open") == [] and backend.data() == []


def test_valid_credentials_open_the_gate_and_bad_ones_are_refused(start_gateway, upstreams):
    up = upstreams("echo_upstream.py", "echo")
    backend = upstreams("mux_backend.py", "mux")
    gw = start_gateway(config=gateway_config({
        "report": {"backend": f"ws://127.0.0.1:{up.port}/", "mode": "pipe", "auth": "required"},
        "recording": {"backend": f"ws://127.0.0.1:{backend.port}/", "mode": "mux", "auth": "required"}}))
    now = int(time.time())
    expired = session_token("alice", "CRM", issued=now - 7200, expires=now - 3600)
    bearer, cookie = session_token("erin"), session_token("fred")

    async def scenario():
        # A valid session token as the first message, on both modes.
        for path in ("/report", "/recording"):
            async with client(url(gw, path)) as ws:
                await ws.send(json.dumps({"type": "auth", "token": session_token("carol", "CRM")}))
                assert await recv_json(ws) == {"event": "authenticated", "data": {"user": "carol", "provider": "CRM"}}
                await ws.send("after auth")
                assert await recv(ws) == "after auth"
        # SSO at the upgrade; the same token again is a replay.
        token = sso_token("bob")
        sso = "/report?" + urllib.parse.urlencode({"sso_username": "bob", "sso_token": token, "sso_provider": "CRM", "k": "v"})
        async with client(url(gw, sso)) as ws:
            await ws.send("sso")
            assert await recv(ws) == "sso"
        status, _ = await refused_status(url(gw, sso))
        assert status == 401
        # SSO as the first message, on mux.
        async with client(url(gw, "/recording")) as ws:
            await ws.send(json.dumps({"type": "sso", "username": "dave", "token": sso_token("dave"), "provider": "CRM"}))
            assert await recv_json(ws) == {"event": "authenticated", "data": {"user": "dave", "provider": "CRM"}}
            await ws.send("sso mux")
            assert await recv(ws) == "sso mux"
        # Expired session token: 4003 as the first message, 401 at the upgrade (query and header).
        async with client(url(gw, "/report")) as ws:
            await ws.send(json.dumps({"type": "auth", "token": expired}))
            code, _, _ = await closed_with(ws)
            assert code == 4003
        status, _ = await refused_status(url(gw, f"/report?access_token={expired}"))
        assert status == 401
        status, _ = await refused_status(url(gw, "/report"), additional_headers={"Authorization": f"Bearer {expired}"})
        assert status == 401
        # Bearer header and cookie work.
        async with client(url(gw, "/report"), additional_headers={"Authorization": f"Bearer {bearer}"}) as ws:
            await ws.send("bearer")
            assert await recv(ws) == "bearer"
        async with client(url(gw, "/report"), additional_headers={"Cookie": f"callgate_session={cookie}; theme=dark"}) as ws:
            await ws.send("cookie")
            assert await recv(ws) == "cookie"
        # A token for another channel's scope, or signed with another key, is refused.
        status, _ = await refused_status(url(gw, f"/report?access_token={session_token(scope='recording')}"))
        assert status == 401
        status, _ = await refused_status(url(gw, f"/report?access_token={session_token(key='x' * 40)}"))
        assert status == 401

    run(scenario())
    users = [lower(c["headers"]).get("x-callgate-user") for c in up.connects()]
    assert users == ["carol", "bob", "erin", "fred"]
    # The credential of each connection stays at the gateway: no Authorization header, no
    # session cookie, no token anywhere in what reached the upstream (the Bearer and cookie
    # connections above are the third and fourth).
    for connection in up.connects():
        headers = lower(connection["headers"])
        assert "authorization" not in headers, connection
        assert "callgate_session" not in headers.get("cookie", ""), connection
    recorded = json.dumps(up.records())
    assert bearer not in recorded and cookie not in recorded
    assert lower(up.connects()[3]["headers"]).get("cookie") in (None, "theme=dark")
    assert all(lower(c["headers"]).get("x-callgate-provider") == "CRM" for c in up.connects()[:2])
    assert up.connects()[1]["path"] == "/?k=v"
    texts = [e["text"] for e in up.records() if e.get("kind") == "text"]
    assert texts == ["after auth", "sso", "bearer", "cookie"], "credentials never reach the upstream"
    opens = backend.controls("open")
    assert [(o["user"], o["provider"]) for o in opens] == [("carol", "CRM"), ("dave", "CRM")]
    assert [e["text"] for e in backend.data()] == ["after auth", "sso mux"]


# ---------------------------------------------------------------- 9. unknown and unconfigured


def test_unknown_path_404_and_unconfigured_channel_503(start_gateway):
    gw = start_gateway(config=gateway_config({}))

    async def scenario():
        status, _ = await refused_status(url(gw, "/nowhere"))
        assert status == 404
        for channel in ("email", "template", "recording"):
            status, body = await refused_status(url(gw, f"/{channel}"))
            assert status == 503 and channel in body, (channel, status, body)

    run(scenario())


# ---------------------------------------------------------------- 10. wss in front of a ws upstream


def test_wss_in_front_of_a_ws_upstream(start_gateway, upstreams, tmp_path):
    up = upstreams("echo_upstream.py", "echo")
    config = gateway_config({"report": {"backend": f"ws://127.0.0.1:{up.port}/", "auth": "none"}})
    config["stateDirectory"] = str(tmp_path / "state")
    gw = start_gateway(config=config)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    async def scenario():
        async with client(f"wss://127.0.0.1:{gw.tls_port}/report?via=tls", ssl=context) as ws:
            await ws.send("over tls")
            assert await recv(ws) == "over tls"
            blob = os.urandom(70_000)
            await ws.send(blob)
            assert await recv(ws) == blob

    run(scenario())
    (connect_event,) = up.connects()
    assert connect_event["path"] == "/?via=tls"
    assert lower(connect_event["headers"])["x-forwarded-for"] == "127.0.0.1"
