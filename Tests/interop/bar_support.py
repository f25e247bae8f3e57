"""The agent bar's browser harness the interop tests share: Debian's headless `chromium` driven
through the DevTools protocol (devtools.py) with a generated certificate (`certificate`,
`chromium`, `browser`), a gateway serving pages/crm.html and the bar (`crm_gateway`), SSO
tokens, and `Bar`, one CRM tab with the bar in it (`ready_bar`). Set
CALLGATE_OPERATOR_JS=/path/to/operator.js to try another copy of the bar than public/'s."""
import json
import os
import shutil
import time
import urllib.parse

import pytest

from agent_support import ADMIN_KEY, SSO_SECRET, admin, directory, openssl_sso_token
from conftest import ROOT, make_certificate
from devtools import Chromium, spki_sha256
from route_support import SESSION_SECRET

PUBLIC = ROOT / "public"
PAGES = ROOT / "Tests" / "interop" / "pages"
PROVIDER = "Test CRM"
WAIT = 20.0


def operator_js():
    override = os.environ.get("CALLGATE_OPERATOR_JS")
    if override:
        return override
    path = PUBLIC / "operator.js"
    if not path.exists():
        pytest.fail(f"{path} is missing")
    return path


# ---------------------------------------------------------------- browser and gateway


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """One certificate for every TLS gateway of this module, so one chromium trusts them all."""
    return make_certificate(tmp_path_factory.mktemp("tls"), "callgate-browser", "DNS:localhost,IP:127.0.0.1")


@pytest.fixture(scope="module")
def chromium(certificate):
    browser = Chromium(spki=[spki_sha256(certificate[0])])
    yield browser
    browser.close()


@pytest.fixture
def browser(chromium):
    """A fresh browser context (its own cookies and storage) per test; its tabs must not throw."""
    context = chromium.new_context()
    yield context
    try:
        context.check()
    finally:
        context.close()


@pytest.fixture
def crm_gateway(start_gateway, tmp_path, certificate):
    """Starts callgate serving public/ and pages/crm.html from a temporary static folder, with
    the sample directory (ringSeconds 30, acwSeconds 0), the SSO provider "Test CRM" and the
    admin API. Keyword arguments go into `agents`; `settings` into the directory's settings."""
    from conftest import CALLGATE

    def start(settings=None, **agents):
        static = tmp_path / "static"
        if PUBLIC.is_dir():
            shutil.copytree(PUBLIC, static, dirs_exist_ok=True)
        static.mkdir(exist_ok=True)
        shutil.copy(operator_js(), static / "operator.js")
        shutil.copy(PAGES / "crm.html", static / "crm.html")
        path = tmp_path / "directory.json"
        path.write_text(json.dumps(directory(str(CALLGATE), **(settings or {}))))
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {PROVIDER: SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}},
                  "static": {"folder": str(static)}}
        cert, key = certificate
        gw = start_gateway("--cert", str(cert), "--key", str(key), config=config)
        gw.static = static
        return gw

    return start


_tokens_made = set()


def sso_token(user):
    """A fresh docs/compatibility.md §1.10 SSO token. The gateway accepts a token once, and two made for one user in
    the same second are the same token, so each gets a timestamp not used before for that user:
    now, else a second earlier, and so on (well inside sso.validitySeconds)."""
    timestamp = int(time.time())
    while (user, timestamp) in _tokens_made:
        timestamp -= 1
    _tokens_made.add((user, timestamp))
    return openssl_sso_token(user, timestamp)


def crm_url(gw, tls=False, **query):
    scheme, port = ("https", gw.tls_port) if tls else ("http", gw.http_port)
    return f"{scheme}://127.0.0.1:{port}/crm.html?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)


def agent(gw, user):
    status, body = admin(gw, "GET", "/admin/agents")
    assert status == 200, body
    return next(a for a in body["agents"] if a["username"] == user)


def calls(gw):
    status, body = admin(gw, "GET", "/admin/calls")
    assert status == 200, body
    return body["calls"]


def wait_until(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


# ---------------------------------------------------------------- the bar in a tab


class Bar:
    """A tab with the CRM page: its callbacks' log and the ucsOperator methods."""

    def __init__(self, page):
        self.page = page

    def open(self, url):
        self.page.navigate(url)
        self.page.wait_for("window.ucsOperator && typeof window.ucsOperator.sso === 'function'",
                           message="operator.js did not add its methods to window.ucsOperator",
                           diagnostics="window.crmLog")
        return self

    def log(self, name=None):
        entries = self.page.evaluate("window.crmLog || []")
        return [e for e in entries if name is None or e["name"] == name]

    def names(self):
        return [e["name"] for e in self.log()]

    def callback(self, name, where="true", count=1, timeout=WAIT):
        """Waits until `name` was called at least `count` times with `args` matching the JS
        expression `where`; returns the args of those calls."""
        found = self.page.wait_for(
            f"""(() => {{ const hits = (window.crmLog || []).filter(e => e.name === {json.dumps(name)}
                && ((args) => {where})(e.args)); return hits.length >= {count} ? hits.map(e => e.args) : null; }})()""",
            timeout=timeout, message=f"{name} where {where}",
            diagnostics="(window.crmLog || []).slice(-60).map(e => e.name + ' ' + JSON.stringify(e.args).slice(0, 300))")
        return found

    def method(self, name, *args):
        """Calls ucsOperator.NAME(...args); awaits it if it returns a promise."""
        arguments = ", ".join(json.dumps(a, ensure_ascii=False) for a in args)
        return self.page.evaluate(
            f"Promise.resolve(window.ucsOperator.{name}({arguments}))"
            f".then(r => r === undefined ? null : JSON.parse(JSON.stringify(r)))")

    def state(self):
        return self.method("state")

    def screenshot(self, name):
        return self.page.screenshot(name)


def ready_bar(browser, gw, user="alice", headless=True, tls=False, name=None, sign_in="sso", **query):
    """A tab with the CRM page signed in as `user`, paired with web-<user> through the URL
    (identifyURL), READY. sign_in="sso": the page's onCredentials calls ucsOperator.sso with a
    token made here; "login": the test calls ucsOperator.login(user, password) (password = user
    name in the sample directory). Returns (bar, the onReady state)."""
    bar = Bar(browser.new_page(name or user))
    if sign_in == "sso":
        query.update(user=user, sso=sso_token(user), provider=PROVIDER)
    bar.open(crm_url(gw, tls=tls, headless="1" if headless else "0", identifier=f"web-{user}", **query))
    if sign_in == "login":
        bar.callback("onCredentials")
        bar.method("login", user, user)
    state = bar.callback("onReady")[0][0]
    assert state["status"] == "READY", state
    return bar, state


def call_shape(call, **expected):
    """Asserts the docs/compatibility.md §1.6 Call object's members and the expected values."""
    for key in ("uniqueid", "direction", "number", "state", "cause", "created", "connected", "disconnected",
                "caller_number", "called_number", "id", "data"):
        assert key in call, (key, call)
    assert isinstance(call["uniqueid"], str) and call["uniqueid"], call
    for key, value in expected.items():
        assert call[key] == value, (key, call[key], value, call)
