"""The login throttle (docs/agent-protocol.md §5.1, docs/config.md `agents`) against the release
binary: attempts sent in parallel are counted when they start, so a batch of wrong passwords is
checked no more often than the throttle allows and the right password in the batch past the
limit gets no token, on the token endpoint (`Authorization: Basic`) and on `/ws`; and one
user's typos block that user, not everyone behind the same address (issue 18, defects 1, 2).
The sample directory's hashes are PBKDF2 with 100,000 iterations: each check takes long
enough that a whole batch is in flight before the first one ends."""
import asyncio
import base64
import json
import socket

from conftest import eventually, metric
from agent_support import Tab, agent_gateway  # noqa: F401  (fixture)
from route_support import run

TOKEN_PATH = "/lastcaller/tokengen/token"


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def connected(gw, source):
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", gw.http_port))
    sock.settimeout(30)
    return sock


def send_request(sock, target, authorization):
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: gw\r\nAuthorization: {authorization}\r\n\r\n".encode())


def response(sock):
    """(status, body) of the one response on `sock` (the endpoint closes the connection)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def token_request(gw, user, password, source):
    sock = connected(gw, source)
    send_request(sock, TOKEN_PATH, basic(user, password))
    return response(sock)


def route_event(gw, channel, event):
    return metric(gw, f'callgate_route_events_total{{channel="{channel}",event="{event}"}}')


def test_a_parallel_batch_of_wrong_basic_passwords_is_checked_at_most_max_failures_times(agent_gateway):
    gw = agent_gateway()  # the defaults: loginMaxFailures 5
    wrong = [connected(gw, "127.0.0.5") for _ in range(40)]
    right = connected(gw, "127.0.0.5")
    for sock in wrong:  # the whole batch goes out before the first check can end
        send_request(sock, TOKEN_PATH, basic("bob", "guess"))
    # The right password goes once the throttle has refused one of the batch: five were counted.
    eventually(lambda: route_event(gw, "lastcaller", "refused_tooManyAttempts"), lambda n: n >= 1, what="a refusal")
    send_request(right, TOKEN_PATH, basic("bob", "bob"))
    statuses = [response(sock)[0] for sock in wrong]
    status, body = response(right)

    assert statuses.count(401) == 5, statuses  # checked: the throttle's five
    assert statuses.count(429) == 35, statuses  # refused unchecked
    assert status == 429, body  # the right password, past the limit: no token
    assert json.loads(body) == {"error": {"code": "tooManyAttempts", "text": "too many failed logins: try again later"}}
    assert eventually(lambda: route_event(gw, "lastcaller", "refused_tooManyAttempts"), lambda n: n == 36) == 36
    assert "lastcaller_refused" in gw.log and "code=tooManyAttempts" in gw.log


def test_a_parallel_batch_of_wrong_ws_logins_is_checked_at_most_max_failures_times(agent_gateway):
    gw = agent_gateway()

    async def scenario():
        tabs = [await Tab.open(gw, source="127.0.0.6") for _ in range(30)]
        last = await Tab.open(gw, source="127.0.0.6")
        batch = asyncio.gather(*(tab.refused("login", username="carol", password="guess") for tab in tabs))
        # The right password goes once the throttle has refused one of the batch: five were counted.
        while route_event(gw, "ws", "login_throttled") < 1:
            await asyncio.sleep(0.05)
        refused = await last.refused("login", username="carol", password="carol")
        assert refused["code"] == "loginFailed"
        assert all(error["code"] == "loginFailed" for error in await batch)
        codes = [(await tab.event("loginError"))["code"] for tab in tabs]
        assert codes.count(1) == 5, codes  # wrong password, checked
        assert codes.count(5) == 25, codes  # too many attempts, unchecked
        assert (await last.event("loginError"))["code"] == 5  # the right password gets no session
        assert eventually(lambda: route_event(gw, "ws", "login_throttled"), lambda n: n == 26) == 26

    run(scenario())


def test_one_users_typos_do_not_lock_out_the_others_behind_the_same_address(agent_gateway):
    gw = agent_gateway()  # loginMaxFailures 5 per user; loginAddressMaxFailures 100 per address
    office = "127.0.0.7"
    for _ in range(5):
        assert token_request(gw, "bob", "typo", office)[0] == 401
    assert token_request(gw, "bob", "bob", office)[0] == 429  # bob waits
    assert token_request(gw, "carol", "carol", office)[0] == 200  # carol, same address, does not

    async def ws_login():
        tab = await Tab.open(gw, source=office)
        assert (await tab.ok("login", username="alice", password="alice"))["user"] == "alice"
        other = await Tab.open(gw, source=office)
        await other.refused("login", username="bob", password="bob")
        assert (await other.event("loginError"))["code"] == 5

    run(ws_login())


def test_an_address_is_throttled_at_its_own_higher_threshold(agent_gateway):
    gw = agent_gateway(loginMaxFailures=3, loginAddressMaxFailures=8)
    prober = "127.0.0.8"
    # Four user names, two wrong passwords each (under the per-user three): eight from one address.
    for index in range(4):
        for _ in range(2):
            assert token_request(gw, f"user{index}", "guess", prober)[0] == 401
    assert token_request(gw, "alice", "alice", prober)[0] == 429  # the address is blocked now
    assert token_request(gw, "alice", "alice", "127.0.0.9")[0] == 200  # alice elsewhere is not

    async def ws_login():
        tab = await Tab.open(gw, source=prober)
        await tab.refused("login", username="carol", password="carol")
        assert (await tab.event("loginError"))["code"] == 5

    run(ws_login())
    assert 'code=5 reason="too many failed logins from this address"' in gw.log
