"""Shared by the cluster tests (test_cluster.py, test_cluster_full.py): a real `redis-server`,
gateways sharing it (`state.engine` `redis`), deploy/haproxy/haproxy.cfg as shipped in front of
them, the Switchboard service (`callgate switchboard --listen`), and an agent tab that records
every numbered event with its stream's epoch."""
import csv
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import CALLGATE, ROOT, Gateway, eventually, free_port, listening, readyz
from agent_support import ADMIN_KEY, SSO_SECRET, Tab, directory
from route_support import SESSION_SECRET, client

CLICK_KEY = "cluster-click-to-call-key-0123"
WIDGET_SECRET = "cluster-widget-token-secret-0123456789"  # every instance's, as docs/deploy.md says


REDIS = shutil.which("redis-server")


class RedisServer:
    """A redis-server on a free loopback port with its own directory; `persistent`: AOF with an
    fsync per write, so a restart keeps everything; else nothing survives a restart."""

    def __init__(self, tmp, persistent):
        assert REDIS, "redis-server is not installed (Debian: apt-get install redis-server)"
        self.dir = tmp / "redis"
        self.dir.mkdir(exist_ok=True)
        self.port = free_port()
        self.persistent = persistent
        self.process = None
        self.start()

    def start(self):
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir), "--save", "",
             "--daemonize", "no", "--logfile", str(self.dir / "redis.log"), *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        eventually(self.ping, seconds=10, what="redis-server answering PING")

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, kill=False):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(timeout=10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"


class RecordingTab(Tab):
    """A tab that keeps every numbered message and the stream's epoch (from events, `ready`,
    `attached`), counting its seqs afresh when the epoch changes, as the bar does."""

    def __init__(self, ws, auto_ack=True):
        super().__init__(ws, auto_ack)
        self.numbered = []
        self.epoch = None

    def observe(self, message):
        if "seq" in message:
            if message.get("epoch") != self.epoch:
                if self.epoch is not None:
                    self.seqs = []
                self.epoch = message.get("epoch")
            if not self.numbered or message["seq"] != self.numbered[-1]["seq"]:  # not a ringing resend
                self.numbered.append(message)
        elif message.get("event") == "ready" and message["data"]["state"].get("epoch"):
            self.epoch = message["data"]["state"]["epoch"]
        elif isinstance(message.get("result"), dict) and message["result"].get("epoch"):
            self.epoch = message["result"]["epoch"]

    async def message_any(self, names, timeout=5):
        """The next event called one of `names`."""
        for index, message in enumerate(self.buffer):
            if message["event"] in names:
                return self.buffer.pop(index)
        while True:
            message = await self._next(timeout)
            if message.get("event") in names:
                return message
            if "event" in message:
                self.buffer.append(message)


@pytest.fixture
def cluster(tmp_path):
    """Starts redis-server (`persistent` or not) and `count` gateways sharing it, each with its own
    directory; all stopped at the end."""
    started = []

    def start(count=2, persistent=False, trusted_proxy=None, dead_redis=0, extra=None, agents=None, state=None):
        """`trusted_proxy`: the gateways take PROXY v2 headers from that address on every listener;
        `dead_redis`: so many more gateways whose Redis never answers (never ready); `agents`:
        settings added to the `agents` section; `state`: to the `state` section."""
        redis = RedisServer(tmp_path, persistent)
        started.append(redis)
        directory_path = tmp_path / "directory.json"
        directory_path.write_text(json.dumps(directory(str(CALLGATE))))
        gateways = []
        for index in range(count + dead_redis):
            home = tmp_path / f"gw{index}"
            home.mkdir()
            url = redis.url if index < count else f"redis://127.0.0.1:{free_port()}"
            config = {"agents": {"directory": str(directory_path), **(agents or {})},
                      "admin": {"apiKey": ADMIN_KEY},
                      "clickToCall": {"apiKeys": [{"key": CLICK_KEY}]},
                      "lastCallers": {"tokenSecret": WIDGET_SECRET},
                      "auth": {"sessionSecret": SESSION_SECRET,
                               "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}},
                      "state": {"engine": "redis",
                                "redis": {"url": url, "reconnectBaseMilliseconds": 50, "reconnectCapMilliseconds": 300,
                                          "commandTimeoutMilliseconds": 1000}, **(state or {})}}
            if trusted_proxy:
                config["proxy"] = {"trustedProxies": [trusted_proxy], "protocol": "v2"}
            config.update(extra or {})
            gateway = Gateway(home, [], config)
            started.append(gateway)
            gateways.append(gateway)
        for gateway in gateways[:count]:
            eventually(lambda: readyz(gateway)[0], lambda code: code == 200, seconds=10, what="/readyz")
        return redis, gateways

    yield start
    for thing in reversed(started):
        thing.stop()


async def ready_tab(gw, user="alice"):
    """A RecordingTab logged in as `user`, paired with web-<user>, READY (on this instance's
    Switchboard)."""
    return await sign_in(await RecordingTab.open(gw), user)


async def sign_in(tab, user="alice"):
    """`tab` logged in as `user`, paired with web-<user>, READY; returns it."""
    result = await tab.ok("login", username=user, password=user)
    tab.token = result["token"]
    await tab.event("user")
    while True:  # a user already paired on this instance goes straight to READY
        message = await tab.message_any(("identify", "ready"))
        if message["event"] == "ready":
            break
        await tab.ok("selectIdentifier", identifier=f"web-{user}")
        await tab.event("device")
        await tab.ok("provision")
    tab.buffer.clear()
    return tab


async def until(tab, seq, epoch=None):
    """Reads until `tab` has the numbered message `seq` (of `epoch`, if given); returns it."""
    def arrived():
        return tab.numbered and tab.numbered[-1]["seq"] >= seq and (epoch is None or tab.numbered[-1]["epoch"] == epoch)
    while not arrived():
        message = await tab._next(5)
        if "event" in message and "seq" not in message:
            tab.buffer.append(message)
    return tab.numbered[-1]


def same(messages):
    return [(m["seq"], m["event"], m["data"], m.get("epoch")) for m in messages]


# ---------------------------------------------------------------- behind HAProxy

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
HAPROXY_SOURCE = "127.0.0.3"  # the address HAProxy connects to the gateways from: their only trusted proxy
CLIENT = "127.0.0.5"  # where the tabs connect from, as the gateways must see through PROXY v2


@pytest.fixture
def haproxy(tmp_path):
    """deploy/haproxy/haproxy.cfg as shipped, with its addresses from the environment."""
    assert Path(HAPROXY).exists(), "haproxy is not installed (Debian package `haproxy`); this test needs it"
    started = []

    def start(servers):
        ports = {"bind": free_port(), "stats": free_port()}
        environment = {**os.environ, "CALLGATE_BIND": f"127.0.0.1:{ports['bind']}", "CALLGATE_STATS": f"127.0.0.1:{ports['stats']}",
                       "CALLGATE_SOURCE": HAPROXY_SOURCE, "CALLGATE_MAXCONN": "1000",
                       **{f"CALLGATE_GW{index + 1}": f"127.0.0.1:{gw.tls_port}" for index, gw in enumerate(servers)}}
        log = open(tmp_path / "haproxy.log", "wb")
        process = subprocess.Popen([HAPROXY, "-db", "-f", str(ROOT / "deploy" / "haproxy" / "haproxy.cfg")],
                                   env=environment, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        eventually(lambda: process.poll() is not None or listening(ports["bind"]), seconds=10, what="haproxy listening")
        assert process.poll() is None, (tmp_path / "haproxy.log").read_text()
        return ports

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def server_states(stats_port):
    """{server: status} from HAProxy's stats CSV."""
    with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/;csv", timeout=5) as response:
        rows = list(csv.reader(response.read().decode().splitlines()))
    header = rows[0]
    name, status = header.index("svname"), header.index("status")
    return {row[name]: row[status] for row in rows[1:] if row and row[0] == "callgate" and row[name].startswith("gw")}


async def lb_tab(port, source=CLIENT, kind=None):
    """A tab (a `kind`, RecordingTab by default) through the load balancer: TLS passed through
    to a gateway, from `source`."""
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    ws = await client(f"wss://127.0.0.1:{port}/ws", sock=sock, ssl=context, server_hostname="localhost")
    tab = (kind or RecordingTab)(ws)
    await tab.event("connect")
    await tab.event("credentials")
    return tab


def logins(gateway):
    return gateway.log.count("agent_logged_in")


# ---------------------------------------------------------------- with the Switchboard service

SERVICE_SECRET = "cluster-switchboard-secret-0123"


@pytest.fixture
def switchboard_service(tmp_path):
    """`callgate switchboard` on a free port with the test directory; its call-control URL."""
    started = []

    def start():
        path = tmp_path / "service-directory.json"
        path.write_text(json.dumps(directory(str(CALLGATE))))
        config = tmp_path / "switchboard.json"
        config.write_text(json.dumps({"agents": {"directory": str(path)}, "switchboard": {"secret": SERVICE_SECRET}}))
        port = free_port()
        process = subprocess.Popen([str(CALLGATE), "switchboard", "--listen", f"127.0.0.1:{port}", "--config", str(config)],
                                   stdout=subprocess.DEVNULL, stderr=open(tmp_path / "switchboard.log", "wb"))
        started.append(process)
        eventually(lambda: process.poll() is not None or listening(port), seconds=10, what="callgate switchboard listening")
        assert process.poll() is None, (tmp_path / "switchboard.log").read_text()
        return f"ws://127.0.0.1:{port}/callcontrol"

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def status(gateway):
    """The gateway's /status.json."""
    with urllib.request.urlopen(f"http://127.0.0.1:{gateway.http_port}/status.json", timeout=5) as response:
        return json.loads(response.read())


def click_to_call(gateway, target):
    """(status, body) of a click-to-call GET `target` with the cluster's API key."""
    connection = http.client.HTTPConnection("127.0.0.1", gateway.http_port, timeout=5)
    connection.request("GET", target, headers={"Authorization": f"Bearer {CLICK_KEY}"})
    response = connection.getresponse()
    answer = response.status, response.read().decode()
    connection.close()
    return answer


# ---------------------------------------------------------------- the Vodia popup's link

ALICE_LINK_SECRET = "DEMO-ONLY-alice-link-secret"  # the sample directory's demo value


def makecall_session(gw, query):
    """The status and JSON body of `GET /makecall/session?query` (docs/click-to-call.md §3)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.http_port}/makecall/session?{query}", timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def vodia_link(t, dest="602 123 456", duration=600):
    digest = hashlib.md5(f"alice{ALICE_LINK_SECRET}{dest}{t}{duration}".encode()).hexdigest()
    return urllib.parse.urlencode([("destnumber", dest), ("user", "alice"), ("pass", digest), ("time", str(t)),
                                   ("duration", str(duration))], quote_via=urllib.parse.quote)
