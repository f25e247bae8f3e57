"""The Switchboard as its own process (`callgate switchboard --listen`, docs/backend-protocol.md
§12), with the RELEASE binary: gateways reach it over the call-control protocol. Every interop
test of the agent features (test_agent.py, click-to-call, Action URLs, last callers, Vodia links,
the login throttle, the replay window, the web phone's busy, liveness) runs again, unchanged,
against gateways whose back end is the service. Then what only a remote back end has: the service
killed with SIGKILL and started again (the gateway's /readyz goes 503 with a reason, then 200; the
tabs are given a fresh state and carry on); a cut between one gateway and the service healed by
`resync` with nothing lost while a second gateway goes on; a request not answered in time; one
instance's sign-out not undoing another's; TLS with a verified certificate; a wrong secret refused
before the upgrade."""
import asyncio
import importlib
import inspect
import json
import re
import signal
import socket
import subprocess
import time

import pytest

import agent_support
from conftest import CALLGATE, eventually, free_port, make_certificate, metric, readyz, wait_listening
from agent_support import ADMIN_KEY, SSO_SECRET, Tab, admin, agent_state, inbound_call, ready_tab, status as status_json
from crm_support import crm  # noqa: F401  (fixtures of the scenarios run below)
from blackhole import relay  # noqa: F401
from route_support import SESSION_SECRET, client, refused_status, run

SECRET = "switchboard-interop-secret-0123"


class SwitchboardService:
    """A `callgate switchboard` process on a fixed port (so that it can be started again there)."""

    def __init__(self, tmp, directory_path, port=None, secret=SECRET, certificate=None, events_kept=None, instance_grace_ms=None):
        self.tmp = tmp
        self.port = port or free_port()
        self.certificate = certificate
        self.config_path = tmp / "switchboard.json"
        agents = {"directory": str(directory_path)} if directory_path else {}
        switchboard = {"secret": secret, **({"eventsKept": events_kept} if events_kept else {}),
                       **({"instanceGraceMilliseconds": instance_grace_ms} if instance_grace_ms is not None else {})}
        self.config_path.write_text(json.dumps({"agents": agents, "switchboard": switchboard}))
        self.log_path = tmp / "switchboard.log"
        self.process = None
        self.start()

    def start(self):
        listen = ["--listen-tls", f"127.0.0.1:{self.port}", "--cert", str(self.certificate[0]), "--key", str(self.certificate[1])] \
            if self.certificate else ["--listen", f"127.0.0.1:{self.port}"]
        command = [str(CALLGATE), "switchboard", *listen, "--config", str(self.config_path)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "ab"))
        wait_listening(self.port, self.process, lambda: "callgate switchboard did not start:\n" + self.log)

    @property
    def log(self):
        return self.log_path.read_text(errors="replace")

    @property
    def http_port(self):
        """For conftest's `metric`: the service answers /metrics on its own port."""
        return self.port

    @property
    def url(self):
        return f"wss://localhost:{self.port}/callcontrol" if self.certificate else f"ws://127.0.0.1:{self.port}/callcontrol"

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=5)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def remote_gateway(start_gateway, tmp_path):
    """Like test_agent's `agent_gateway`, but the Switchboard runs as `callgate switchboard` and
    the gateway reaches it at `callControl.url` (or `url=`, e.g. through a relay). The gateway
    has `.switchboard`; it is ready (its /readyz 200) when returned unless `wait=False`."""
    services = []

    def start(settings=None, routes=None, limits=None, extra=None, url=None, service=None, wait=True, call_control=None,
              certificate=None, events_kept=None, instance_grace_ms=None, **agents):
        path = tmp_path / "directory.json"
        if service is None:
            path.write_text(json.dumps(agent_support.directory(str(CALLGATE), **(settings or {}))))
            service = SwitchboardService(tmp_path, path, certificate=certificate, events_kept=events_kept,
                                         instance_grace_ms=instance_grace_ms)
            services.append(service)
        config = {"agents": {"directory": str(path), **agents},
                  "admin": {"apiKey": ADMIN_KEY},
                  "auth": {"sessionSecret": SESSION_SECRET,
                           "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30}},
                  "callControl": {"url": url or service.url, "secret": SECRET,
                                  "reconnectBaseMilliseconds": 50, "reconnectCapMilliseconds": 400,
                                  "requestTimeoutMilliseconds": 3000, **(call_control or {})}}
        if routes:
            config["routes"] = routes
        if limits:
            config["limits"] = limits
        config.update(extra or {})
        # Each gateway its own folder: conftest's Gateway writes config.json and callgate.log there.
        folder = tmp_path / f"gateway{len(list(tmp_path.glob('gateway*')))}"
        folder.mkdir()
        from conftest import Gateway
        gw = Gateway(folder, [], config)
        gateways.append(gw)
        gw.switchboard = service
        if wait:
            eventually(lambda: readyz(gw)[0], lambda status: status == 200, what="the gateway's /readyz")
        return gw

    gateways = []
    yield start
    for gw in gateways:
        gw.stop()
    for service in services:
        service.stop()


# ---------------------------------------------------------------- every agent feature, unchanged


@pytest.fixture
def remote_start_gateway(start_gateway, tmp_path):
    """conftest's `start_gateway`, except that each gateway gets its own `callgate switchboard`
    (reading the gateway's `agents.directory`) as its call-control back end, and is returned
    ready. The existing tests' own fixtures are built on it below."""
    services = []

    def start(*args, config=None):
        config = json.loads(json.dumps(config or {}))
        folder = tmp_path / f"switchboard{len(services)}"
        folder.mkdir()
        service = SwitchboardService(folder, config.get("agents", {}).get("directory"))
        services.append(service)
        config["callControl"] = {"url": service.url, "secret": SECRET,
                                 "reconnectBaseMilliseconds": 50, "reconnectCapMilliseconds": 400}
        gw = start_gateway(*args, config=config)
        gw.switchboard = service
        eventually(lambda: readyz(gw)[0], lambda status: status == 200, what="the gateway's /readyz")
        return gw

    yield start
    for service in services:
        service.stop()


# The interop tests of the agent features whose gateway comes from one of these fixtures (each
# built on `start_gateway`) run again here, unchanged, with the Switchboard as its own process.
MODULES = ["test_agent", "test_agent_accounts", "test_login_throttle", "test_replay_window", "test_call_identity",
           "test_click_to_call", "test_action_urls", "test_last_callers", "test_vodia", "test_sip_route", "test_liveness"]
FACTORIES = {"agent_gateway", "c2c_gateway", "action_gateway", "lc_gateway", "vodia_gateway"}
OTHER_FIXTURES = {"crm", "relay"}


def existing_scenarios():
    cases = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if not name.startswith("test_") or not inspect.isfunction(function) or function.__module__ != module_name:
                continue
            if hasattr(function, "pytestmark"):
                continue  # parametrized or marked: not run from here
            parameters = list(inspect.signature(function).parameters)
            if parameters and parameters[0] in FACTORIES and set(parameters[1:]) <= OTHER_FIXTURES:
                cases.append(pytest.param(module_name, name, id=f"{module_name.removeprefix('test_')}:{name.removeprefix('test_')}"))
    return cases


@pytest.mark.parametrize("module_name,name", existing_scenarios())
def test_existing_scenario_over_the_switchboard_service(module_name, name, remote_start_gateway, tmp_path, request):
    module = importlib.import_module(module_name)
    function = getattr(module, name)
    parameters = list(inspect.signature(function).parameters)
    started = []

    def start(*args, **kwargs):
        started.append(remote_start_gateway(*args, **kwargs))
        return started[-1]

    factory = getattr(module, parameters[0]).__wrapped__(start, tmp_path)
    function(factory, *[request.getfixturevalue(p) for p in parameters[1:]])
    # The scenario's requests went to a service, not to a Switchboard inside the gateway.
    assert started
    for gw in started:
        assert "callcontrol_ready" in gw.log
        assert "switchboard_resync" in gw.switchboard.log


# ---------------------------------------------------------------- the service goes away


def test_kill_9_of_the_service_fails_readiness_then_tabs_resume_with_a_fresh_state(remote_gateway):
    gw = remote_gateway()

    async def scenario():
        tab = await ready_tab(gw)
        bob = await Tab.open(gw)
        await bob.ok("login", username="bob", password="bob")
        await bob.event("identify")
        bob.buffer.clear()
        uniqueid = await agent_support.answered_call(gw, tab, "user=alice")
        gw.switchboard.kill()  # mid-call

        status, body = eventually(lambda: readyz(gw), lambda r: r[0] == 503, what="/readyz while the service is down")
        assert "call-control back end unavailable" in body, body
        down = status_json(gw)["callControl"]
        assert down["backend"] == gw.switchboard.url and down["health"] == "down" and down["reason"], down
        refused = await tab.refused("changeStatus", status="AUX", reason="Oběd")
        assert refused["code"] == "upstreamUnavailable", refused
        status, body = admin(gw, "GET", "/admin/calls")
        assert status == 503 and body["error"]["code"] == "upstreamUnavailable", body

        gw.switchboard.start()  # the same port, a new epoch: everything the service knew is gone
        eventually(lambda: readyz(gw)[0], lambda s: s == 200, what="/readyz after the service is back")
        assert status_json(gw)["callControl"] == {"backend": gw.switchboard.url, "health": "up", "reason": None}
        # The call went with the service: the tab hears it end. Then the gateway signs its users
        # in again and gives their tabs a fresh state.
        ended = (await tab.event("callHangup"))["call"]
        assert ended["uniqueid"] == uniqueid and ended["state"] == 4 and ended["disconnected"], ended
        assert tab.seqs == list(range(tab.seqs[0], tab.seqs[-1] + 1))
        assert (await tab.event("user"))["user"]["firstname"]
        await tab.event("identify")
        assert (await bob.event("user"))["user"]["firstname"]
        await bob.event("identify")
        await bob.ok("selectIdentifier", identifier="web-bob")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        assert (await tab.event("ready"))["state"]["status"] == "READY"
        second = await agent_support.answered_call(gw, tab, "user=alice")
        assert second != uniqueid
        await tab.ok("hangup")
        await tab.event("callHangup")
        # The history of the lost service is gone with it; the new call is there.
        history = await tab.ok("callHistory")
        assert [c["uniqueid"] for c in history["calls"]] == [second]

    run(scenario())
    assert "callcontrol_down" in gw.log and "restarted=true" in gw.log


class Relay:
    """A TCP relay between a gateway and the service that the test can cut: every connection
    through it is reset, and new ones are refused, until `heal`."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.writers = []
        self.open = True
        self.server = None

    async def start(self):
        self.server = await asyncio.start_server(self.accept, sock=self.sock)

    async def accept(self, reader, writer):
        if not self.open:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers += [writer, up_writer]

        async def pump(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            sink.transport.abort()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def cut(self):
        self.open = False
        for writer in self.writers:
            writer.transport.abort()
        self.writers = []

    def heal(self):
        self.open = True


def test_a_cut_longer_than_the_service_keeps_gets_the_tabs_a_fresh_ready(remote_gateway):
    direct = remote_gateway(events_kept=2)
    cut = Relay(direct.switchboard.port)

    async def scenario():
        await cut.start()
        gw = remote_gateway(url=f"ws://127.0.0.1:{cut.port}/callcontrol", service=direct.switchboard, wait=False)
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 200, 5.0, "/readyz through the relay")
        tab = await ready_tab(gw)
        cut.cut()
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 503, 5.0, "/readyz while cut")
        # More events for alice than the service keeps: a call rings and the caller gives up.
        uniqueid = inbound_call(direct, "user=alice")
        admin(direct, "POST", f"/admin/calls/{uniqueid}/hangup")
        await asyncio.sleep(0.3)
        cut.heal()
        # Not a partial replay: a fresh state instead.
        state = (await tab.event("ready", timeout=5))["state"]
        assert state["status"] == "READY" and state["call"] is None, state
        assert state["lastSeq"] == (tab.seqs[-1] if tab.seqs else 0)
        assert not [m for m in tab.buffer if m["event"].startswith("call")], tab.buffer
        # The admin request through `direct`: a blocking one through `gw` would stall this loop's relay.
        await agent_support.answered_call(direct, tab, "user=alice")

    run(scenario())
    assert re.search(r"switchboard_resync .*replayed=0 lost=1", direct.switchboard.log), direct.switchboard.log


def test_a_cut_to_the_service_is_healed_by_resync_with_nothing_lost(remote_gateway):
    # A second instance, on the service directly, with a short ack deadline: it has no tab of
    # alice's, and its `unreachable` must not withdraw her call.
    direct = remote_gateway(ackTimeoutMilliseconds=300, ackResends=0)
    cut = Relay(direct.switchboard.port)

    async def scenario():
        await cut.start()
        gw = remote_gateway(url=f"ws://127.0.0.1:{cut.port}/callcontrol", service=direct.switchboard, wait=False)
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 200, 5.0, "/readyz through the relay")
        tab = await ready_tab(gw)
        last = tab.seqs[-1] if tab.seqs else 0
        cut.cut()
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 503, 5.0, "/readyz while cut")
        # Meanwhile the service goes on: a call for alice placed through the other instance.
        uniqueid = inbound_call(direct, "user=alice")
        # The other instance, which has no tab of alice's, gives up on the ack: ignored.
        await asyncio.to_thread(eventually, lambda: "switchboard_unreachable_ignored" in direct.switchboard.log, bool, 5.0,
                                "the other instance's unreachable")
        cut.heal()
        # The missed events arrive, numbered on from where the tab was: no gap, no repeat.
        ringing = (await tab.event("callRinging", timeout=5))["call"]
        assert ringing["uniqueid"] == uniqueid
        assert tab.seqs[0] <= last + 1 and tab.seqs == list(range(tab.seqs[0], tab.seqs[-1] + 1))
        await tab.ok("answer")
        await tab.event("callConnect")
        await tab.ok("hangup")
        await tab.event("callHangup")
        assert readyz(gw)[0] == 200
        assert metric(gw, 'callgate_route_events_total{channel="callcontrol",event="upstream_lost"}') >= 1

    run(scenario())
    # The instance behind the relay resynced: the ringing call's events were replayed, none lost.
    replays = [line for line in direct.switchboard.log.splitlines() if "switchboard_resync" in line]
    assert any(re.search(r"replayed=([1-9]\d*) lost=0", line) for line in replays), replays


def test_a_wrong_or_missing_secret_is_refused_before_the_upgrade(remote_gateway, tmp_path):
    gw = remote_gateway()
    url = gw.switchboard.url

    async def scenario():
        for headers in ({}, {"Authorization": "Bearer wrong-secret-0123456789"}, {"Authorization": f"Basic {SECRET}"}):
            status, _ = await refused_status(url, subprotocols=["callgate.callcontrol.v1"], additional_headers=headers)
            assert status == 401, (headers, status)
        # The right one, and the protocol's first messages: the service's hello, then after a
        # resync, its end.
        async with client(url, subprotocols=["callgate.callcontrol.v1"],
                          additional_headers={"Authorization": f"Bearer {SECRET}"}) as ws:
            assert ws.subprotocol == "callgate.callcontrol.v1"
            hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert hello["type"] == "hello" and hello["version"] == 1 and hello["epoch"]
            await ws.send(json.dumps({"type": "resync", "epoch": "", "after": {}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 5)) == {"type": "resynced", "lost": []}
            await ws.send(json.dumps({"type": "request", "id": 1, "request": "teleport"}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert answer["id"] == 1 and answer["error"]["code"] == "unknownRequest"
            await ws.send("not json")
            with pytest.raises(Exception):
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == 1002

    run(scenario())
    # A gateway with the wrong secret is not ready, and says why.
    wrong = remote_gateway(service=gw.switchboard, wait=False, call_control={"secret": "not-the-secret-0123456789"})
    status, body = eventually(lambda: readyz(wrong), lambda r: r[0] == 503, what="/readyz with a wrong secret")
    time.sleep(0.5)
    status, body = readyz(wrong)
    assert status == 503 and "call-control back end unavailable" in body and "401" in body, body
    assert "switchboard_auth_refused" in gw.switchboard.log


def test_a_request_the_service_does_not_answer_in_time_gets_upstream_timeout(remote_gateway):
    gw = remote_gateway(call_control={"requestTimeoutMilliseconds": 800})

    async def scenario():
        tab = await ready_tab(gw)
        gw.switchboard.process.send_signal(signal.SIGSTOP)  # alive, connected, silent
        stat = f"/proc/{gw.switchboard.process.pid}/stat"
        eventually(lambda: open(stat).read().rsplit(")", 1)[1].split()[0], lambda state: state == "T", what="the service stopped")
        try:
            started = time.monotonic()
            refused = await tab.refused("changeStatus", status="AUX", reason="Oběd")
            waited = time.monotonic() - started
            assert refused["code"] == "upstreamTimeout", refused
            assert 0.7 <= waited < 3, waited
        finally:
            gw.switchboard.process.send_signal(signal.SIGCONT)
        # The service carried it out after all: its event arrives, its late answer is dropped.
        assert (await tab.event("stateChange"))["status"] == "AUX"
        await asyncio.to_thread(eventually, lambda: metric(gw, 'callgate_route_events_total{channel="callcontrol",event="late_answer"}'),
                                lambda value: value == 1, 5.0, "late_answer")
        assert (await tab.ok("changeStatus", status="READY")) == {}

    run(scenario())


def test_one_instance_signing_out_leaves_the_user_signed_in_for_another(remote_gateway):
    first = remote_gateway()
    second = remote_gateway(service=first.switchboard)

    async def scenario():
        tab = await ready_tab(first)
        other = await Tab.open(second)
        await other.ok("login", username="alice", password="alice")
        await other.event("user")
        await other.ok("logout")
        await other.event("credentials")
        # The service still has alice signed in for the first instance: a call reaches her tab.
        uniqueid = inbound_call(first, "user=alice")
        assert (await tab.event("callRinging"))["call"]["uniqueid"] == uniqueid
        assert "stateChange" not in [m["event"] for m in tab.buffer]
        await tab.ok("answer")
        await tab.event("callConnect")

    run(scenario())
    assert "switchboard_signout_kept" in first.switchboard.log


async def behind_a_relay(remote_gateway, direct, **agents):
    """A second gateway on `direct`'s service through a `Relay` the test can cut, ready."""
    cut = Relay(direct.switchboard.port)
    await cut.start()
    gw = remote_gateway(url=f"ws://127.0.0.1:{cut.port}/callcontrol", service=direct.switchboard, wait=False, **agents)
    await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 200, 5.0, "/readyz through the relay")
    return gw, cut


async def until_state(gw, user, accept, what):
    await asyncio.to_thread(eventually, lambda: agent_state(gw, user), accept, 5.0, what)


def test_a_sign_out_the_service_could_not_hear_takes_effect_at_resync(remote_gateway):
    direct = remote_gateway()

    async def scenario():
        gw, cut = await behind_a_relay(remote_gateway, direct, detachedLogoutSeconds=1)
        tab = await ready_tab(gw)
        assert agent_state(direct, "alice") == "READY"
        cut.cut()
        await asyncio.to_thread(eventually, lambda: readyz(gw)[0], lambda s: s == 503, 5.0, "/readyz while cut")
        # The tab goes; the gateway signs alice out after detachedLogoutSeconds, but the
        # service does not hear it and still has her available for calls.
        await tab.close()
        await asyncio.to_thread(eventually, lambda: "agent_detached_logout" in gw.log, bool, 5.0, "the detached sign-out")
        assert agent_state(direct, "alice") == "READY"
        # Back, the gateway's resync no longer names alice: the service signs her out.
        cut.heal()
        await until_state(direct, "alice", lambda state: state == "CREDENTIALS", "alice signed out at the service")

    run(scenario())
    assert re.search(r"switchboard_signout_reconciled .*user=alice", direct.switchboard.log), direct.switchboard.log


def test_an_instance_away_past_the_grace_has_its_users_signed_out_until_it_returns(remote_gateway):
    direct = remote_gateway(instance_grace_ms=1000)

    async def scenario():
        gw, cut = await behind_a_relay(remote_gateway, direct)
        tab = await ready_tab(gw)
        cut.cut()
        # Past the grace the service gives the silent instance up: alice, signed in only there,
        # is signed out, so no call waits for an agent nobody can reach.
        await until_state(direct, "alice", lambda state: state == "CREDENTIALS", "alice signed out after the grace")
        assert metric(direct.switchboard, 'callgate_route_events_total{channel="switchboard",event="instance_expired"}') == 1
        # Back, the instance still names alice: the service answers that she is signed out, and
        # the gateway signs her in again; her tab gets a fresh start (`user`, `identify`: the
        # agent picks the phone again, as after a restart) and takes calls.
        cut.heal()
        await tab.event("user", timeout=5)
        await tab.event("identify")
        await tab.ok("selectIdentifier", identifier="web-alice")
        await tab.event("device")
        await tab.ok("provision")
        assert (await tab.event("ready"))["state"]["status"] == "READY"
        await until_state(direct, "alice", lambda state: state == "READY", "alice signed in again")
        uniqueid = inbound_call(direct, "user=alice")
        assert (await tab.event("callRinging"))["call"]["uniqueid"] == uniqueid

    run(scenario())
    log = direct.switchboard.log
    assert "switchboard_instance_expired" in log and re.search(r"switchboard_signout_expired .*user=alice", log), log


def test_the_service_over_tls_with_the_gateway_verifying_its_certificate(remote_gateway, tmp_path):
    certificate = make_certificate(tmp_path, "switchboard", "DNS:localhost")
    gw = remote_gateway(certificate=certificate, call_control={"tls": {"caFile": str(certificate[0])}})

    async def scenario():
        tab = await ready_tab(gw)
        await agent_support.answered_call(gw, tab, "user=alice")

    run(scenario())
    # A gateway that does not trust the certificate is not ready, and says why.
    other = make_certificate(tmp_path, "other", "DNS:localhost")
    untrusting = remote_gateway(service=gw.switchboard, wait=False, call_control={"tls": {"caFile": str(other[0])}})
    status, body = eventually(lambda: readyz(untrusting), lambda r: r[0] == 503 and "TLS" in r[1], what="/readyz untrusted")
    assert "call-control back end unavailable" in body, body
