"""SIGTERM as a load balancer sees it (docs/config.md, "Endpoints"; docs/deploy.md §5): while the
gateway drains, it keeps answering probes, `/readyz` says 503 `draining`, `/healthz` stays 200, a
new upgrade gets 503 with `Retry-After`, and every open WebSocket without a call has been told to
reconnect (1012 with a delay hint). The agent tabs and calls: test_drain.py."""
import re
import signal
import socket
import time

from conftest import WebSocket


def get(gateway, path):
    """(status, body) of one plain GET with `Connection: close`."""
    with socket.create_connection(("127.0.0.1", gateway.http_port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        response = b""
        while chunk := sock.recv(4096):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode(), body.decode()


def test_a_draining_gateway_fails_readiness_and_refuses_upgrades_until_its_last_websocket_closes(start_gateway):
    gateway = start_gateway(config={"limits": {"closeTimeoutMilliseconds": 3000}})
    assert get(gateway, "/readyz")[::2] == (200, "ready\n")
    # A WebSocket that will not answer the close: the drain lasts until its close times out.
    lingering = socket.create_connection(("127.0.0.1", gateway.http_port))
    ws = WebSocket(lingering)
    ws.echo(b"before the drain")
    # A probe's connection accepted just before the drain, its request not sent yet.
    probe = socket.create_connection(("127.0.0.1", gateway.http_port), timeout=5)
    signaled = time.monotonic()
    gateway.signal(signal.SIGTERM)
    opcode, payload = ws.receive()
    assert opcode == 0x8 and int.from_bytes(payload[:2], "big") == 1012, (opcode, payload)
    delay = int(re.fullmatch(rb"draining; reconnect in (\d+) ms", payload[2:]).group(1))
    assert 2000 <= delay <= 10000, "the default range of the hint"

    status, _, body = get(gateway, "/readyz")
    assert (status, body) == (503, "draining\n")
    # The early probe is answered (and its connection then closed), not reset unanswered.
    probe.sendall(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    answer = b""
    while chunk := probe.recv(4096):
        answer += chunk
    probe.close()
    assert answer.startswith(b"HTTP/1.1 503") and b"Connection: close\r\n" in answer and answer.endswith(b"draining\n"), answer
    assert get(gateway, "/healthz")[::2] == (200, "ok\n")
    with socket.create_connection(("127.0.0.1", gateway.http_port), timeout=5) as sock:
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        refused = sock.recv(4096)
    assert refused.startswith(b"HTTP/1.1 503") and b"Retry-After: 1\r\n" in refused, refused
    assert time.monotonic() - signaled < 2.5, "the probes must be answered while the gateway drains"

    assert gateway.process.wait(timeout=10) == 0
    assert time.monotonic() - signaled >= 2.5, "the gateway waited for the lingering WebSocket's close timeout"
    assert "shutting_down" in gateway.log
    lingering.close()
