"""No directory enumeration without credentials (issue 18, defect 4; docs/click-to-call.md §2):
against the release binary, every click-to-call dialect and endpoint answers a request without
a valid credential byte for byte the same whether the extension, user, workplace, line or
number it names exists or not. Before, `/command.htm?number=2001` was 401 but
`/command.htm?number=2000` 400 `unknownExtension`."""
import base64
import hashlib
import socket
import time
import urllib.parse

import pytest

from click_to_call_support import ALICE_KEY, c2c_gateway  # noqa: F401  (fixture)

ANONYMOUS = "127.0.0.5"  # no workplace, no trusted or device address
WRONG_KEY = "wrong-key-0123456789abcdef"


def raw(gw, method, target, headers=()):
    """The whole response, as bytes, to one request from ANONYMOUS (every answer here closes)."""
    sock = socket.socket()
    sock.bind((ANONYMOUS, 0))
    sock.connect(("127.0.0.1", gw.http_port))
    sock.settimeout(10)
    lines = [f"{method} {target} HTTP/1.1", "Host: gw", *[f"{name}: {value}" for name, value in headers]]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    return data


def vodia_link(destination, user="alice"):
    """A makecall.htm link signed with a secret that is not the user's."""
    t = int(time.time())
    digest = hashlib.md5(f"{user}not-the-secret{destination}{t}600".encode()).hexdigest()
    return urllib.parse.urlencode([("destnumber", destination), ("user", user), ("pass", digest),
                                   ("time", str(t)), ("duration", "600")])


def action(local_party):
    return "/action?" + urllib.parse.urlencode({
        "action": "inbound", "call_direction": "inbound", "local_party": local_party,
        "call_guid": "guid-1", "remote_party": "+420602123456"})


def basic(user):
    return ("Authorization", "Basic " + base64.b64encode(f"{user}:wrong".encode()).decode())


NO_CREDENTIAL = ()
WRONG_BEARER = (("Authorization", f"Bearer {WRONG_KEY}"),)
FORGED_COOKIE = (("Cookie", "callgate_session=v1.forged.token"),)

# (what, method, target with {}, a value that exists, one that does not, credentials tried)
CASES = [
    ("SNOM", "GET", "/command.htm?number={}", "2001", "2000", [NO_CREDENTIAL, WRONG_BEARER]),
    ("SNOM, short number", "GET", "/command.htm?number={}", "121", "12", [NO_CREDENTIAL]),
    ("Yealink servlet", "GET", "/servlet?key=number={}", "2001", "2999", [NO_CREDENTIAL, WRONG_BEARER]),
    ("Yealink ConfigManApp", "GET", "/cgi-bin/ConfigManApp.com?number={}", "2002", "2999", [NO_CREDENTIAL]),
    ("Yealink cgiServer", "GET", "/cgiServer.exx?number={}", "2003", "2999", [NO_CREDENTIAL]),
    ("Oktell /callto", "GET", "/callto?number={}", "2001", "2999", [NO_CREDENTIAL, FORGED_COOKIE]),
    ("Mia", "GET", "/?action=make_call&target={}", "2001", "2999", [NO_CREDENTIAL, WRONG_BEARER]),
    ("Mia, key=", "GET", "/?action=make_call&target={}&key=" + WRONG_KEY, "2001", "2999", [NO_CREDENTIAL]),
    ("Oktell pbx", "GET", "/wp_autocallstart?user=alice&number={}&direction=pbx", "2002", "2999",
     [NO_CREDENTIAL, WRONG_BEARER]),
    ("Oktell number", "GET", "/wp_autocallstart?user=alice&number={}", "2002", "12", [NO_CREDENTIAL]),
    ("Oktell user", "GET", "/wp_autocallstart?user={}&number=602123456", "alice", "nobody",
     [NO_CREDENTIAL, WRONG_BEARER]),
    ("Oktell wp", "GET", "/wp_autocallstart?wp={}&number=602123456", "Comp082", "Comp999", [NO_CREDENTIAL]),
    ("Oktell line", "GET", "/wp_autocallstart?line={}&number=602123456&key=" + WRONG_KEY, "2002", "2999",
     [NO_CREDENTIAL]),
    ("Vodia, no credentials", "GET", "/makecall/session?destnumber={}", "2001", "2999", [NO_CREDENTIAL]),
    ("Vodia, bad pass", "GET", "/makecall/session?{}", vodia_link("2001"), vodia_link("2999"), [NO_CREDENTIAL]),
    ("Vodia, user", "GET", "/makecall/session?{}", vodia_link("602123456", "alice"),
     vodia_link("602123456", "nobody"), [NO_CREDENTIAL]),
    ("device Action URL", "GET", "{}", action("2001"), action("2999"), [NO_CREDENTIAL, WRONG_BEARER]),
    ("last-callers widget", "GET", "/lastcaller/?vcallerid={}", "2001", "%2B420602123456", [NO_CREDENTIAL]),
    ("admin API", "POST", "/admin/calls?from=%2B420602123456&extension={}", "2001", "2999",
     [NO_CREDENTIAL, WRONG_BEARER]),
]


@pytest.mark.parametrize("what, method, target, known, unknown, credentials", CASES, ids=[c[0] for c in CASES])
def test_an_anonymous_request_gets_one_answer_whatever_it_names(c2c_gateway, what, method, target, known, unknown,
                                                                 credentials):
    gw = c2c_gateway(action_urls={"deviceAddresses": ["127.0.0.99"]})
    for headers in credentials:
        answers = [raw(gw, method, target.format(value), headers) for value in (known, unknown)]
        assert answers[0].split(b"\r\n")[0] in (b"HTTP/1.1 401 Unauthorized", b"HTTP/1.1 403 Forbidden"), answers[0]
        assert answers[0] == answers[1], (what, headers, answers)


def test_a_wrong_basic_password_is_one_answer_for_a_known_and_an_unknown_user(c2c_gateway):
    gw = c2c_gateway()
    answers = [raw(gw, "GET", "/lastcaller/tokengen/token", [basic(user)]) for user in ("alice", "nobody")]
    assert answers[0].startswith(b"HTTP/1.1 401 "), answers[0]
    assert answers[0] == answers[1], answers


def test_an_authenticated_agent_learns_nothing_about_other_agents(c2c_gateway):
    """An agent's own key may place its own calls only: naming another agent, or one that does
    not exist, is the same 403."""
    gw = c2c_gateway()
    answers = [raw(gw, "GET", f"/wp_autocallstart?user={user}&number=602123456", [("Authorization", f"Bearer {ALICE_KEY}")])
               for user in ("bob", "nobody")]
    assert answers[0].split(b"\r\n")[0] == b"HTTP/1.1 403 Forbidden", answers[0]
    assert answers[0] == answers[1], answers
    answers = [raw(gw, "GET", action(party) + "&key=" + ALICE_KEY) for party in ("2002", "2999")]
    assert answers[0].split(b"\r\n")[0] == b"HTTP/1.1 401 Unauthorized", answers[0]
    assert answers[0] == answers[1], answers
