"""The Switchboard as its own process for the interop tests (docs/backend-protocol.md §12): a
`callgate switchboard` process (`SwitchboardService`), gateways whose call-control back end it is
(`remote_gateway`; `remote_start_gateway`, conftest's `start_gateway` with a service of its own),
and a TCP relay between them that a test can cut (`Relay`). Used by test_switchboard_service.py
and test_switchboard_scenarios.py."""
import asyncio
import json
import signal
import socket
import subprocess

import pytest

import agent_support
from conftest import CALLGATE, eventually, free_port, readyz, wait_listening
from agent_support import ADMIN_KEY, SSO_SECRET
from route_support import SESSION_SECRET

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


@pytest.fixture
def remote_start_gateway(start_gateway, tmp_path):
    """conftest's `start_gateway`, except that each gateway gets its own `callgate switchboard`
    (reading the gateway's `agents.directory`) as its call-control back end, and is returned
    ready. The existing tests' own fixtures are built on it (test_switchboard_scenarios.py)."""
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
