"""The real client address behind HAProxy (Debian's haproxy, started here on free ports):
`send-proxy-v2` in TCP mode to the plain and the TLS listener, and `option forwardfor` in HTTP
mode. Clients connect from 127.0.0.5 and 127.0.0.7 while HAProxy reaches the gateway from
127.0.0.1, so the gateway's logs and per-address caps show which address it took."""
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from conftest import WebSocket, free_port, wait_listening

HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


@pytest.fixture
def start_haproxy(tmp_path):
    """HAProxy with the given frontends: [(name, mode, backend port, server options)]; returns
    {name: frontend port}."""
    if HAPROXY is None:
        pytest.fail("haproxy is not installed (Debian package `haproxy`); these tests need it")
    processes = []

    def start(frontends):
        ports = {}
        lines = ["global", "  maxconn 256", "defaults", "  timeout connect 2s", "  timeout client 10s",
                 "  timeout server 10s", "  timeout tunnel 30s"]
        for name, mode, backend_port, options in frontends:
            ports[name] = free_port()
            lines += [f"frontend {name}", f"  mode {mode}", f"  bind 127.0.0.1:{ports[name]}",
                      *(["  option forwardfor"] if mode == "http" else []), f"  default_backend {name}_servers",
                      f"backend {name}_servers", f"  mode {mode}", f"  server gateway 127.0.0.1:{backend_port} {options}"]
        config = tmp_path / f"haproxy{len(processes)}.cfg"
        config.write_text("\n".join(lines) + "\n")
        log = open(tmp_path / f"haproxy{len(processes)}.log", "wb")
        process = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        for port in ports.values():
            wait_listening(port)
        return ports

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def connect(port, source):
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    return sock


def response_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


def closed_by_server(sock):
    try:
        while sock.recv(4096):
            pass
        return True
    except (ConnectionResetError, socket.timeout):
        return False


def eventually(condition, seconds=5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


PROXY_CONFIG = {"logLevel": "debug", "limits": {"maxConnectionsPerAddress": 2},
                "proxy": {"trustedProxies": ["127.0.0.1"], "protocol": "v2"}}


def test_send_proxy_v2_gives_the_gateway_the_real_client_address(start_gateway, start_haproxy):
    gateway = start_gateway(config=PROXY_CONFIG)
    ports = start_haproxy([("plain", "tcp", gateway.http_port, "send-proxy-v2")])
    with connect(ports["plain"], "127.0.0.5") as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
        assert response_head(sock) == "HTTP/1.1 200 OK"
        # A malformed request is logged with the client's address, not HAProxy's.
        sock.sendall(b"GET / HTTP/1.1\r\nHost: gw\r\nno colon here\r\n\r\n")
        assert response_head(sock).startswith("HTTP/1.1 400")
    assert eventually(lambda: re.search(r"http_rejected peer=127\.0\.0\.5 ", gateway.log)), gateway.log
    assert re.search(r"proxy_header_accepted proxy=127\.0\.0\.1 peer=127\.0\.0\.5", gateway.log), gateway.log
    assert "http_rejected peer=127.0.0.1 " not in gateway.log


def test_send_proxy_v2_before_tls(start_gateway, start_haproxy):
    gateway = start_gateway(config=PROXY_CONFIG)
    ports = start_haproxy([("tls", "tcp", gateway.tls_port, "send-proxy-v2")])
    context = ssl._create_unverified_context()
    with context.wrap_socket(connect(ports["tls"], "127.0.0.7"), server_hostname="localhost") as tls:
        WebSocket(tls).echo(b"through haproxy")
    with context.wrap_socket(connect(ports["tls"], "127.0.0.7"), server_hostname="localhost") as tls:
        tls.sendall(b"GET / HTTP/1.1\r\nHost: gw\r\nno colon here\r\n\r\n")
        assert response_head(tls).startswith("HTTP/1.1 400")
    assert eventually(lambda: re.search(r"http_rejected peer=127\.0\.0\.7 ", gateway.log)), gateway.log


def test_the_per_address_cap_counts_clients_behind_haproxy(start_gateway, start_haproxy):
    gateway = start_gateway(config=PROXY_CONFIG)
    ports = start_haproxy([("plain", "tcp", gateway.http_port, "send-proxy-v2")])
    held = [connect(ports["plain"], "127.0.0.5") for _ in range(2)]
    for sock in held:
        WebSocket(sock)
    # The third from 127.0.0.5 is over its cap of 2; HAProxy itself holds 3 connections by then.
    with connect(ports["plain"], "127.0.0.5") as third:
        third.sendall(b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
        assert response_head(third).startswith("HTTP/1.1 429")
    with connect(ports["plain"], "127.0.0.7") as other:
        WebSocket(other).echo(b"another client")
    assert re.search(r"connection_refused peer=127\.0\.0\.5 status=429", gateway.log), gateway.log
    for sock in held:
        sock.close()


def test_a_proxy_header_from_an_untrusted_address_is_refused(start_gateway):
    gateway = start_gateway(config=PROXY_CONFIG)
    with connect(gateway.http_port, "127.0.0.5") as sock:
        sock.sendall(b"PROXY TCP4 203.0.113.7 127.0.0.1 40000 80\r\nGET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
        assert closed_by_server(sock)
    assert eventually(lambda: "proxy_header_refused peer=127.0.0.5 " in gateway.log), gateway.log
    # The same address without a header is an ordinary client.
    with connect(gateway.http_port, "127.0.0.5") as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
        assert response_head(sock) == "HTTP/1.1 200 OK"
    # HAProxy's own address must send a header on this listener.
    with connect(gateway.http_port, "127.0.0.1") as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
        assert closed_by_server(sock)
    assert eventually(lambda: "proxy_header_refused peer=127.0.0.1 " in gateway.log), gateway.log


def test_x_forwarded_for_from_haproxy_and_not_from_others(start_gateway, start_haproxy):
    gateway = start_gateway(config={"limits": {"maxConnectionsPerAddress": 1},
                                    "proxy": {"trustedProxies": ["127.0.0.1"]}})
    ports = start_haproxy([("web", "http", gateway.http_port, "")])
    first = connect(ports["web"], "127.0.0.5")
    WebSocket(first)
    # HAProxy appends 127.0.0.5 to what the client claims: the claim is not believed.
    with connect(ports["web"], "127.0.0.5") as second:
        second.sendall(b"GET /echo HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: 198.51.100.1\r\nUpgrade: websocket\r\n"
                       b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        assert response_head(second).startswith("HTTP/1.1 429")
    assert eventually(lambda: re.search(r"connection_refused peer=127\.0\.0\.5 status=429", gateway.log)), gateway.log
    with connect(ports["web"], "127.0.0.7") as other:
        WebSocket(other).echo(b"another client")
    # A peer that is not a trusted proxy cannot borrow an address with the header.
    with connect(gateway.http_port, "127.0.0.9") as direct:
        direct.sendall(b"GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: 127.0.0.5\r\n\r\n")
        assert response_head(direct) == "HTTP/1.1 200 OK"
    first.close()
