"""The bad-input matrix (issue 18 §4): every limit of docs/config.md driven past a small
configured value against the release binary, each test asserting the documented answer (HTTP
status, close code or agent error), the metric in /metrics and the log line, and then that the
process is still healthy (`/healthz` answers 200 and an `/echo` round trip works). Metrics and
log lines are polled for, never waited for with a fixed sleep.

Over 400 lines on purpose: one matrix with one index (the table below), so that every limit's
answer is found in one place.

Going through docs/config.md section by section (limits that bound what a peer can make the
gateway hold or do; the other keys are listed where a reader could take them for one):

| setting | answer past it | test |
|---|---|---|
| **top level** `shutdownGraceMilliseconds` | a client that never answers close 1001 is dropped when the grace ends | `test_shutdown_grace_ends_the_wait_for_a_silent_client` (the process stops by design: no health check after) |
| top level `drainDeadlineMilliseconds` | a session kept for its call gets close 1001 `drain deadline passed`, then the process exits | test_drain.py `test_at_the_drain_deadline_the_call_tab_is_closed_with_1001_and_the_process_exits` |
| top level `drainReconnectMinMilliseconds`, `drainReconnectMaxMilliseconds` | the delay hint of close 1012 lies in the range | test_drain.py, test_draining.py |
| top level `sharePort` | a second process on the port exits 1 (`port_in_use`) | test_ports.py |
| **tls** `maxHandshakesInFlightPerLoop` | new TLS connections closed at once | `test_tls_handshakes_in_flight_cap_closes_new_tls_connections` |
| tls `minimumVersion` | an older version refused | test_tls_peers.py `test_tls_1_1_is_refused` (a protocol choice, not a bound) |
| **limits** `handshakeBytes` | 431 | `test_request_head_limits[handshakeBytes]` |
| limits `requestLineBytes` | 414 | `test_request_head_limits[requestLineBytes]` |
| limits `headerCount` | 431 | `test_request_head_limits[headerCount]` |
| limits `requestBodyBytes` | 413 | `test_request_head_limits[requestBodyBytes]` |
| limits `framePayloadBytes` | close 1009, on the header | `test_frame_payload_bytes_closes_1009_on_the_header` |
| limits `messageBytes` | close 1009 | `test_message_bytes_closes_1009` |
| limits `inflatedMessageBytes` | close 1009 | `test_inflated_message_bytes_closes_1009` |
| limits `outboundHighWaterBytes` | reading stops (flow control, not a violation: counted, not logged) | `test_outbound_high_water_pauses_reading_and_loses_nothing` |
| limits `outboundQueueBytes` | close 1008 | `test_outbound_queue_bytes_closes_1008` |
| limits `handshakeTimeoutMilliseconds` | 408, or a plain close; not extended by dripping; TLS handshake included | `test_handshake_timeout_is_not_extended_by_dripping` |
| limits `messageTimeoutMilliseconds` | close 1008 | `test_message_timeout_closes_a_dripped_frame_or_message_1008` |
| limits `idleTimeoutMilliseconds` | a ping (not a violation) | `test_idle_ping_then_pong_timeout_drops_the_connection` |
| limits `pongTimeoutMilliseconds` | TCP dropped | `test_idle_ping_then_pong_timeout_drops_the_connection` |
| limits `closeTimeoutMilliseconds` | TCP dropped | `test_auth_timeout_4002_then_close_timeout` |
| limits `maxConnections` | 503 | `test_max_connections_503_and_the_probe_reserve` |
| limits `maxConnectionsPerAddress` | 429 | `test_max_connections_per_address_429` |
| limits `probeAddresses`, `probeConnections` | health checks answered beyond both caps; anything else there 503 | `test_max_connections_503_and_the_probe_reserve`, `test_max_connections_per_address_429` |
| limits `trimAfterCloses` | not a limit: freed memory handed back after a burst of closes (counted) | `test_trim_after_closes_hands_the_memory_back` |
| limits `bufferReleaseMilliseconds` | not a limit: a quiet connection's buffers given back (memory, no answer changes) | measured by bench/memory.sh (docs/benchmarks.md) |
| **permessageDeflate** | compression parameters, not limits | — |
| **routes** `messageBytes` | close 1009 | `test_route_message_bytes_closes_1009` |
| routes `sessionQueueBytes` | close 4008 | `test_a_ws_tab_that_never_reads_is_closed_4008_with_the_defaults` (embedded `ws`), `test_route_session_queue_4008_embedded_and_pipe_while_connecting`; mux: test_routes_flow.py `test_mux_slow_session_is_closed_4008_while_others_continue` |
| routes `connectTimeoutMilliseconds` | **504** before the upgrade (upstream first); close 1014 after a first-message credential | `test_route_connect_timeout_504_before_the_upgrade_and_1014_after` |
| routes `authTimeoutMilliseconds` | close 4002 | `test_auth_timeout_4002_then_close_timeout` |
| routes `poolSize` | a size, not a limit | — |
| **auth** `sessionTokenSeconds` | close 4003 when a tab's token runs out (at least 60 s, so tested with a short token of its own) | test_agent_accounts.py `test_login_throttle_autologout_and_expiry` |
| auth `sso.validitySeconds`, `sso.clockSkewSeconds` | 401 at the upgrade | `test_sso_validity_clock_skew_and_a_full_replay_cache` |
| auth `sso.replayCacheSize` | 401 for every new SSO token (fails closed) | `test_sso_validity_clock_skew_and_a_full_replay_cache` |
| **agents** `replayEvents`, `replayAgeSeconds` | `attach` gets `complete:false` and a fresh state | test_agent.py `test_attach_past_the_replay_window_gets_a_fresh_state` (its byte bound is issue 18 defect 7, branch harden-hub) |
| agents `ackTimeoutMilliseconds`, `ackResends` | the agent is made unreachable | test_agent.py `test_unacknowledged_ringing_is_resent_once_then_the_agent_is_unreachable` |
| agents `loginMaxFailures`, `loginFailureWindowSeconds` | `loginError` 5 | `test_login_failures_past_the_limit_get_login_error_5` (sequential only: the parallel cases are branch harden-hub's) |
| agents `tabRequestsInFlight` | error `tooManyRequests` | `test_tab_requests_in_flight_get_too_many_requests` |
| agents `detachedLogoutSeconds`, `closedLogoutSeconds`, `dialDedupSeconds` | timers of the call-centre logic, not bounds | test_agent.py |
| **static** `maxFileBytes` | 404 (`too_large`) | `test_static_max_file_bytes_404` |
| static `cacheBytes` | a cache size: a file that does not fit is read on each request (no answer changes) | — |
| **clickToCall** `nationalNumberDigits` | 400 | test_click_to_call.py `test_bad_input_and_credentials_get_their_status` |
| clickToCall `linkMaxDurationSeconds` | the link is refused | test_vodia.py `test_session_endpoint_answers_a_good_link_once_and_refuses_the_rest` |
| **actionURLs** `maxAttempts`, `timeoutMilliseconds` | `given_up` after the attempts | test_action_urls.py `test_a_dead_port_is_retried_then_given_up`, `test_a_crm_that_hangs_does_not_delay_the_agents_tab` |
| actionURLs `queueCapacity` | the oldest waiting request `dropped` | not tested end to end (noticed, not done here) |
| **lastCallers** `historyLength` | older agents forgotten | test_last_callers.py `test_history_length_keeps_the_last_n_agents_most_recent_first` |
| lastCallers `capacity` | the least recently called number forgotten | not tested end to end (noticed, not done here) |
"""
import base64
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import struct
import threading
import time
import urllib.parse
import zlib

import pytest

from route_support import session_token as signed_session_token

SESSION_SECRET = "limits-session-secret-0123456789abcdef"
SSO_SECRET = "limits-sso-secret"
FLOOD_ADDRESS = "127.0.0.3"  # not a probe address (those are 127.0.0.1 and ::1 by default)
OTHER_ADDRESS = "127.0.0.2"


def session_token(user):
    """A v1 session token for the channels, signed with this file's SESSION_SECRET."""
    return signed_session_token(user, "CRM", key=SESSION_SECRET)


# ---------------------------------------------------------------- polling and health


def poll(read, check, timeout=5.0, what="condition"):
    """`read()` until `check` holds of its value; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s; last value: {str(value)[-2000:]}")
        time.sleep(0.05)


def connect(gw, source=None, tls=False, rcvbuf=None):
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if source:
        sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect(("127.0.0.1", gw.tls_port if tls else gw.http_port))
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock, server_hostname="localhost")
    return sock


def read_to_end(sock, timeout=10.0):
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError):
            break
        if not chunk:
            break
        data += chunk
    return data


def parse_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/1.1 ") else None
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
    return status, headers, body


def http(gw, request: bytes, source=None, tls=False):
    """Sends `request` whole and reads the response up to the end of the connection."""
    sock = connect(gw, source, tls)
    try:
        sock.sendall(request)
        return parse_response(read_to_end(sock))
    finally:
        sock.close()


def get(gw, path, source=None, tls=False):
    return http(gw, f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode(), source, tls)


def metrics(gw):
    status, _, body = get(gw, "/metrics")
    assert status == 200, (status, body)
    values = {}
    for line in body.decode().splitlines():
        name, _, value = line.rpartition(" ")
        values[name] = float(value)
    return values


def metric(gw, name):
    return metrics(gw).get(name, 0.0)


def wait_metric(gw, name, at_least=1, timeout=5.0):
    """Polls /metrics (published each 250 ms tick) until `name` reaches `at_least`."""
    return poll(lambda: metric(gw, name), lambda v: v >= at_least, timeout, f"metric {name} >= {at_least}")


def wait_log(gw, pattern, timeout=5.0):
    return poll(lambda: re.search(pattern, gw.log), bool, timeout, f"log line /{pattern}/")


def assert_healthy(gw):
    """The process answers /healthz and echoes on /echo."""
    status, _, body = get(gw, "/healthz")
    assert (status, body) == (200, b"ok\n")
    with Peer(gw, "/echo") as ws:
        ws.send(0x2, b"still here")
        assert ws.receive() == (0x2, b"still here")


# ---------------------------------------------------------------- a raw WebSocket peer


def frame(opcode, payload=b"", fin=True, rsv1=False, mask=True):
    """One client frame (RFC 6455 §5.2), masked with a random key."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        header = bytes([first, bit | n])
    elif n < 65536:
        header = bytes([first, bit | 126]) + struct.pack("!H", n)
    else:
        header = bytes([first, bit | 127]) + struct.pack("!Q", n)
    if not mask:
        return header + payload
    key = os.urandom(4)
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes((key * (n // 4 + 1))[:n], "big")).to_bytes(n, "big") if n else b""
    return header + key + masked


class Peer:
    """A minimal RFC 6455 client over a raw socket, so that a test decides when it reads (or
    never does) and can drip bytes one at a time."""

    def __init__(self, gw, path, source=None, headers=(), rcvbuf=None, tls=False):
        self.sock = connect(gw, source, tls, rcvbuf)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers)
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
        self.buffer = bytearray()
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            assert chunk, "closed during the opening handshake"
            self.buffer += chunk
        end = self.buffer.index(b"\r\n\r\n") + 4
        self.status, self.headers, _ = parse_response(bytes(self.buffer[:end]))
        del self.buffer[:end]
        assert self.status == 101, (self.status, self.headers)
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert self.headers["sec-websocket-accept"] == accept

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, opcode, payload=b"", **kwargs):
        self.sock.sendall(frame(opcode, payload, **kwargs))

    def _fill(self, n, timeout):
        self.sock.settimeout(timeout)
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError(f"connection closed with {len(self.buffer)} of {n} bytes")
            self.buffer += chunk

    def receive_frame(self, timeout=5.0):
        """(fin, rsv1, opcode, payload) of the next frame."""
        self._fill(2, timeout)
        first, second = self.buffer[0], self.buffer[1]
        assert not second & 0x80, "a server frame must not be masked"
        n, at = second & 0x7F, 2
        if n == 126:
            self._fill(4, timeout)
            n, at = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif n == 127:
            self._fill(10, timeout)
            n, at = struct.unpack("!Q", self.buffer[2:10])[0], 10
        self._fill(at + n, timeout)
        payload = bytes(self.buffer[at:at + n])
        del self.buffer[:at + n]
        return bool(first & 0x80), bool(first & 0x40), first & 0x0F, payload

    def receive(self, timeout=5.0):
        """(opcode, payload) of the next data message (unfragmented), answering pings."""
        while True:
            fin, _, opcode, payload = self.receive_frame(timeout)
            if opcode == 0x9:
                self.send(0xA, payload)
                continue
            assert fin and opcode in (0x1, 0x2, 0x8), (fin, opcode, payload[:100])
            return opcode, payload

    def receive_json(self, timeout=5.0):
        opcode, payload = self.receive(timeout)
        assert opcode == 0x1, (opcode, payload[:200])
        return json.loads(payload)

    def until_close(self, timeout=5.0):
        """Reads until the close frame: (code, reason, data messages before it)."""
        messages = []
        deadline = time.monotonic() + timeout
        while True:
            _, _, opcode, payload = self.receive_frame(max(0.01, deadline - time.monotonic()))
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return code, payload[2:].decode(), messages
            if opcode in (0x1, 0x2):
                messages.append(payload)

    def at_end(self, timeout=5.0):
        """True when the gateway ends the TCP connection (EOF or reset) within `timeout`."""
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(65536):
                pass
            return True
        except ConnectionResetError:
            return True
        except (socket.timeout, TimeoutError):
            return False


# ---------------------------------------------------------------- the HTTP head


HEAD_LIMITS = {"handshakeBytes": 1024, "requestLineBytes": 512, "headerCount": 5, "requestBodyBytes": 100}
HEAD_CASES = {
    "handshakeBytes": (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n", 431),
    "requestLineBytes": (b"GET /" + b"a" * 600 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    "headerCount": (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(10)) + b"\r\n", 431),
    "requestBodyBytes": (b"POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n", 413),
}


@pytest.mark.parametrize("setting", list(HEAD_CASES))
def test_request_head_limits(start_gateway, setting):
    gw = start_gateway(config={"limits": HEAD_LIMITS})
    request, expected = HEAD_CASES[setting]
    status, headers, _ = http(gw, request)
    assert status == expected and headers.get("connection") == "close"
    name = f'callgate_http_responses_total{{status="{expected}"}}'
    assert wait_metric(gw, name) == 1
    wait_log(gw, rf"info http_rejected peer=127\.0\.0\.1 status={expected}")
    assert_healthy(gw)


# ---------------------------------------------------------------- frames and messages


def expect_failure_close(gw, ws, code, error):
    """The gateway failed `ws` with `code` for `error` (RFC 6455 §7.1.7): close frame, log, metrics."""
    got, _, _ = ws.until_close()
    assert got == code
    assert ws.at_end(), "the gateway should end the connection after failing it"
    assert wait_metric(gw, f'callgate_websocket_closes_sent_total{{code="{code}"}}') == 1
    assert metric(gw, f'callgate_websocket_protocol_errors_total{{kind="{error}"}}') == 1
    wait_log(gw, rf"info websocket_failed peer=127\.0\.0\.1 code={code} error=\"?{error}")


def test_frame_payload_bytes_closes_1009_on_the_header(start_gateway):
    gw = start_gateway(config={"limits": {"framePayloadBytes": 1000}})
    with Peer(gw, "/echo") as ws:
        # Only the header of a 2,000-byte frame: the answer must not wait for its payload.
        ws.sock.sendall(bytes([0x82, 0x80 | 126]) + struct.pack("!H", 2000) + os.urandom(4))
        expect_failure_close(gw, ws, 1009, "frameTooLarge")
    assert_healthy(gw)


def test_message_bytes_closes_1009(start_gateway):
    gw = start_gateway(config={"limits": {"messageBytes": 1000, "framePayloadBytes": 1000}})
    with Peer(gw, "/echo") as ws:
        ws.send(0x2, b"x" * 600, fin=False)
        ws.send(0x0, b"x" * 600)
        expect_failure_close(gw, ws, 1009, "messageTooLarge")
    assert_healthy(gw)


def test_inflated_message_bytes_closes_1009(start_gateway):
    gw = start_gateway(config={"limits": {"inflatedMessageBytes": 10000}})
    with Peer(gw, "/echo", headers=[("Sec-WebSocket-Extensions", "permessage-deflate")]) as ws:
        assert ws.headers["sec-websocket-extensions"].startswith("permessage-deflate")
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        bomb = compressor.compress(b"a" * 100_000) + compressor.flush(zlib.Z_SYNC_FLUSH)
        assert bomb.endswith(b"\x00\x00\xff\xff") and len(bomb) < 1000
        ws.send(0x2, bomb[:-4], rsv1=True)  # RFC 7692 §7.2.1: the tail is removed
        expect_failure_close(gw, ws, 1009, "inflatedMessageTooLarge")
    assert_healthy(gw)


def test_route_message_bytes_closes_1009(start_gateway):
    gw = start_gateway(config={"routes": {"chat": {"backend": "embedded:echo", "auth": "none", "origins": "*",
                                                   "messageBytes": 100}}})
    with Peer(gw, "/chat") as ws:
        ws.send(0x1, b"fits")
        assert ws.receive() == (0x1, b"fits")
        ws.send(0x1, b"y" * 60, fin=False)  # frames within the route's bound, the message past it
        ws.send(0x0, b"y" * 41)
        expect_failure_close(gw, ws, 1009, "messageTooLarge")
    assert_healthy(gw)


# ---------------------------------------------------------------- the outbound queue


def test_outbound_high_water_pauses_reading_and_loses_nothing(start_gateway):
    gw = start_gateway(config={"limits": {"outboundHighWaterBytes": 16384}})
    count, size = 600, 4096
    with Peer(gw, "/echo", rcvbuf=4096) as ws:
        sender = threading.Thread(target=lambda: [ws.send(0x2, struct.pack("!I", i) * (size // 4)) for i in range(count)])
        sender.start()
        # The echoes are not read: the queue passes the mark and the gateway stops reading.
        wait_metric(gw, "callgate_backpressure_pauses_total", timeout=10)
        for i in range(count):
            assert ws.receive(10) == (0x2, struct.pack("!I", i) * (size // 4)), f"echo {i}"
        sender.join(10)
    assert metric(gw, "callgate_outbound_overflows_total") == 0
    assert_healthy(gw)


def test_outbound_queue_bytes_closes_1008(start_gateway):
    gw = start_gateway(config={"limits": {"outboundHighWaterBytes": 16384, "outboundQueueBytes": 65536}})
    with Peer(gw, "/echo") as ws:
        ws.send(0x2, b"z" * 100_000)  # its echo alone passes the hard limit
        code, reason, _ = ws.until_close()
        assert (code, reason) == (1008, "outbound queue overflow")
    assert wait_metric(gw, "callgate_outbound_overflows_total") == 1
    assert metric(gw, 'callgate_websocket_closes_sent_total{code="1008"}') == 1
    wait_log(gw, r"warn outbound_queue_overflow peer=127\.0\.0\.1 queued=\d+")
    assert_healthy(gw)


# ---------------------------------------------------------------- deadlines


def drip(sock, data, interval):
    """Sends `data` a byte at a time from a thread, until done or the socket fails."""
    def run():
        for byte in data:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return
            time.sleep(interval)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def drip_and_read(sock, data, interval, timeout=10.0):
    """Sends `data` a byte every `interval` while reading, in one thread (an ssl socket must not
    be read and written from two); returns what was read up to the end of the connection."""
    received, index = b"", 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if index < len(data):
            try:
                sock.sendall(data[index:index + 1])
            except OSError:
                index = len(data)
            index += 1
        sock.settimeout(interval)
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            continue
        except (ConnectionResetError, ssl.SSLError):
            break
        if not chunk:
            break
        received += chunk
    return received


def test_handshake_timeout_is_not_extended_by_dripping(start_gateway):
    gw = start_gateway(config={"limits": {"handshakeTimeoutMilliseconds": 3000}})
    head = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nUser-Agent: drip\r\n\r\n"  # 56 bytes: 5.6 s dripped
    # Nothing sent: closed without an answer.
    started = time.monotonic()
    silent = connect(gw)
    assert read_to_end(silent) == b""
    assert 2.9 <= time.monotonic() - started < 5
    silent.close()
    # A head dripped a byte every 100 ms: 408 at the deadline, not when the head would be whole.
    started = time.monotonic()
    dripped = connect(gw)
    status, _, body = parse_response(drip_and_read(dripped, head, 0.1))
    assert (status, body) == (408, b"request head not completed in time\n")
    assert 2.9 <= time.monotonic() - started < 4.5
    # TLS: the deadline runs from the TCP connect, the TLS handshake included (docs/config.md).
    started = time.monotonic()
    raw = socket.create_connection(("127.0.0.1", gw.tls_port))
    time.sleep(1.0)  # the scenario: a client slow to start its handshake
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    tls = context.wrap_socket(raw, server_hostname="localhost")
    status, _, _ = parse_response(drip_and_read(tls, head, 0.1))
    assert status == 408
    # From the connect: 3 s (and a tick); from the handshake's end it would be 4 s and more.
    assert time.monotonic() - started < 3.8, "the head's deadline started again after the TLS handshake"
    assert wait_metric(gw, 'callgate_timeouts_total{kind="handshake"}', 3) == 3
    assert len(re.findall(r"info handshake_timeout peer=127\.0\.0\.1", gw.log)) == 3
    assert_healthy(gw)


def test_message_timeout_closes_a_dripped_frame_or_message_1008(start_gateway):
    gw = start_gateway(config={"limits": {"messageTimeoutMilliseconds": 2000}})
    # A frame dripped at one byte per second (it would take 36 s): 1008 at the deadline.
    with Peer(gw, "/echo") as ws:
        started = time.monotonic()
        drip(ws.sock, frame(0x1, b"d" * 30), 1.0)
        code, _, messages = ws.until_close(timeout=8)
        assert (code, messages) == (1008, [])
        assert 1.9 <= time.monotonic() - started < 4
        assert ws.at_end()
    # Half a frame, then nothing: the close comes at the deadline, not with a next byte.
    with Peer(gw, "/echo") as ws:
        started = time.monotonic()
        ws.sock.sendall(frame(0x2, b"h" * 100)[:50])
        code, _, _ = ws.until_close(timeout=8)
        assert code == 1008 and 1.9 <= time.monotonic() - started < 4
    # A fragmented message whose first fragment came whole, kept busy with pings: 1008 too.
    with Peer(gw, "/echo") as ws:
        started = time.monotonic()
        ws.send(0x1, b"first half ", fin=False)
        pongs = 0
        while True:
            ws.send(0x9, b"busy")
            _, _, opcode, payload = ws.receive_frame(5)
            if opcode == 0x8:
                break
            assert (opcode, payload) == (0xA, b"busy")
            pongs += 1
            time.sleep(0.4)
        assert struct.unpack("!H", payload[:2])[0] == 1008 and pongs >= 3
        assert 1.9 <= time.monotonic() - started < 4
    # Messages each dripped within the deadline, for longer than the deadline in all: echoed.
    with Peer(gw, "/echo") as ws:
        for i in range(3):
            for byte in frame(0x1, b"slow %d" % i):
                ws.sock.sendall(bytes([byte]))
                time.sleep(0.07)  # 13 bytes: 0.9 s a message
            assert ws.receive() == (0x1, b"slow %d" % i)
    assert wait_metric(gw, 'callgate_timeouts_total{kind="message"}', 3) == 3
    assert metric(gw, 'callgate_websocket_closes_sent_total{code="1008"}') == 3
    assert len(re.findall(r"info websocket_failed peer=127\.0\.0\.1 code=1008 error=\"?messageTimeout", gw.log)) == 3
    assert_healthy(gw)


def test_idle_ping_then_pong_timeout_drops_the_connection(start_gateway):
    gw = start_gateway(config={"limits": {"idleTimeoutMilliseconds": 1000, "pongTimeoutMilliseconds": 1000}})
    with Peer(gw, "/echo") as answering, Peer(gw, "/echo") as silent:
        # Both are silent; both get a ping after the idle time. One answers.
        assert answering.receive_frame(4)[::2] == (True, 0x9)
        answering.send(0xA)
        assert silent.receive_frame(4)[::2] == (True, 0x9)
        # The one that does not answer is dropped without a close frame.
        assert silent.at_end(4)
        answering.send(0x1, b"alive")
        assert answering.receive() == (0x1, b"alive")
    assert wait_metric(gw, 'callgate_timeouts_total{kind="idle"}') == 1
    wait_log(gw, r"info idle_timeout peer=127\.0\.0\.1")
    assert_healthy(gw)


def test_auth_timeout_4002_then_close_timeout(start_gateway):
    gw = start_gateway(config={
        "limits": {"closeTimeoutMilliseconds": 1000},
        "auth": {"sessionSecret": SESSION_SECRET},
        "routes": {"gated": {"backend": "embedded:echo", "auth": "required", "origins": "*", "authTimeoutMilliseconds": 500}}})
    with Peer(gw, "/gated") as ws:
        code, reason, _ = ws.until_close()
        assert (code, reason) == (4002, "no credential in time")
        closed_at = time.monotonic()
        # The client never answers the close frame: dropped after closeTimeoutMilliseconds.
        assert ws.at_end(4)
        assert 0.7 <= time.monotonic() - closed_at < 2.5
    assert wait_metric(gw, 'callgate_route_events_total{channel="gated",event="auth_timeout"}') == 1
    assert wait_metric(gw, 'callgate_timeouts_total{kind="close"}') == 1
    wait_log(gw, r"info auth_timeout channel=gated peer=127\.0\.0\.1")
    wait_log(gw, r"info close_timeout peer=127\.0\.0\.1")
    assert_healthy(gw)


def test_shutdown_grace_ends_the_wait_for_a_silent_client(start_gateway):
    # SIGINT: 1001 at once, then the grace (SIGTERM's drain gives the grace after its deadline).
    gw = start_gateway(config={"shutdownGraceMilliseconds": 1000})
    with Peer(gw, "/echo") as ws:
        gw.signal(signal.SIGINT)
        started = time.monotonic()
        code, _, _ = ws.until_close()
        assert code == 1001
        # Never answered: the process stops when the grace ends.
        gw.process.wait(timeout=5)
        assert time.monotonic() - started < 3
    assert gw.process.returncode == 0
    assert re.search(r"info stopped remaining_connections=1", gw.log), gw.log


# ---------------------------------------------------------------- connection caps


def hold(gw, count, source):
    """`count` connections from `source`, each holding a place until closed: each is seen
    admitted (a keep-alive `GET /healthz` answered 200). One refused (a place still held by a
    connection the gateway has not seen closed yet, such as the fixture's start-up probe) is
    tried again. Returns the connections and how many refusals that took."""
    held, refusals = [], 0
    while len(held) < count:
        sock = connect(gw, source)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        response = b""
        while not response.endswith(b"\r\n\r\nok\n") and b"Connection: close" not in response:
            chunk = sock.recv(4096)
            if not chunk:
                break
            response += chunk
        if response.startswith(b"HTTP/1.1 200") and response.endswith(b"ok\n"):
            held.append(sock)
        else:
            sock.close()
            refusals += 1
            assert refusals < 20, response
    return held, refusals


def refused(gw, source, tls=False):
    status, headers, body = get(gw, "/healthz", source, tls)
    return status, headers.get("retry-after"), body


def test_max_connections_503_and_the_probe_reserve(start_gateway):
    gw = start_gateway(config={"limits": {"maxConnections": 6, "maxConnectionsPerAddress": 0, "probeConnections": 2,
                                          "handshakeTimeoutMilliseconds": 60000}})
    flood, early = hold(gw, 6, FLOOD_ADDRESS)
    try:
        assert refused(gw, OTHER_ADDRESS) == (503, "5", b"connection limit reached (max_connections)\n")
        assert refused(gw, FLOOD_ADDRESS)[0] == 503
        # A probe address is answered on the reserve: liveness, readiness and metrics.
        assert get(gw, "/healthz")[::2] == (200, b"ok\n")
        assert get(gw, "/readyz")[::2] == (200, b"ready\n")
        rejected = 'callgate_connections_rejected_total{reason="max_connections"}'
        assert wait_metric(gw, rejected, 2 + early) == 2 + early
        assert metric(gw, "callgate_probe_reserve_connections_total") >= 3
        # Nothing else: the reserve is for health checks.
        status, _, body = get(gw, "/echo")
        assert (status, body) == (503, b"connection limit reached (probe_reserve)\n")
        assert wait_metric(gw, 'callgate_connections_rejected_total{reason="probe_reserve"}') == 1
        # The reserve has a size too: with its two places held, a probe is refused as well.
        probes, _ = hold(gw, 2, "127.0.0.1")
        try:
            assert refused(gw, "127.0.0.1")[0] == 503
        finally:
            for sock in probes:
                sock.close()
        poll(lambda: get(gw, "/healthz")[0], lambda s: s == 200, what="a probe once the reserve is free")
    finally:
        for sock in flood:
            sock.close()
    wait_log(gw, rf"warn connection_refused peer={re.escape(OTHER_ADDRESS)} status=503 reason=max_connections")
    wait_log(gw, r"warn connection_refused peer=127\.0\.0\.1 status=503 reason=probe_reserve")
    poll(lambda: refused(gw, OTHER_ADDRESS)[0], lambda s: s == 200, what="a place once the flood is gone")
    assert_healthy(gw)


def test_max_connections_per_address_429(start_gateway):
    gw = start_gateway(config={"limits": {"maxConnectionsPerAddress": 3, "handshakeTimeoutMilliseconds": 60000}})
    flood, _ = hold(gw, 3, FLOOD_ADDRESS)
    own, _ = hold(gw, 3, "127.0.0.1")
    try:
        assert refused(gw, FLOOD_ADDRESS) == (429, "5", b"connection limit reached (per_address)\n")
        assert refused(gw, OTHER_ADDRESS)[0] == 200  # the others are not affected
        # A probe address at its own cap is still answered, on the reserve (default 8 places).
        assert refused(gw, "127.0.0.1")[0] == 200
        assert wait_metric(gw, 'callgate_connections_rejected_total{reason="per_address"}') == 1
    finally:
        for sock in flood + own:
            sock.close()
    wait_log(gw, rf"warn connection_refused peer={re.escape(FLOOD_ADDRESS)} status=429 reason=per_address")
    poll(lambda: refused(gw, FLOOD_ADDRESS)[0], lambda s: s == 200, what="a place once the flood is gone")
    assert_healthy(gw)


def resident_bytes(gw):
    with open(f"/proc/{gw.process.pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def test_trim_after_closes_hands_the_memory_back(start_gateway):
    """`limits.trimAfterCloses`: 400 wss connections with permessage-deflate, each after a message,
    grow the process by megabytes (TLS record buffers while they are busy, OpenSSL's state, the
    deflate history); once they have closed, the loop trims (counted), and the RSS is back within
    10 % of where it was, having given back at least half of the growth. Without the trim glibc
    keeps most of it: freed memory sits between live blocks."""
    gw = start_gateway(config={"limits": {"trimAfterCloses": 50, "maxConnectionsPerAddress": 0}})
    assert_healthy(gw)
    before = resident_bytes(gw)
    assert metric(gw, "callgate_memory_trims_total") == 0
    offer = [("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")]
    event = json.dumps({"event": "callRinging", "data": {"pad": "abcdefghij" * 200}}).encode()
    peers = []
    try:
        for _ in range(400):
            ws = Peer(gw, "/echo", tls=True, headers=offer)
            peers.append(ws)
            ws.send(0x1, event)
            fin, rsv1, opcode, payload = ws.receive_frame()
            assert fin and rsv1 and opcode == 0x1, (fin, rsv1, opcode)
            assert zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff") == event
        grown = resident_bytes(gw) - before
        assert grown > 4 << 20, f"400 connections grew the process by only {grown} bytes"
    finally:
        for ws in peers:
            ws.sock.close()
    wait_metric(gw, "callgate_memory_trims_total", timeout=10)
    poll(lambda: resident_bytes(gw), lambda rss: rss <= 1.1 * before and rss - before <= grown / 2, timeout=10,
         what=f"RSS back within 10 % of {before} B, and at least half of the {grown} B grown given back")
    assert_healthy(gw)


def tls_status(gw):
    """The status of `GET /healthz` over TLS, or the error of a handshake cut off."""
    try:
        return get(gw, "/healthz", tls=True)[0]
    except (ssl.SSLError, OSError) as error:
        return error


def test_tls_handshakes_in_flight_cap_closes_new_tls_connections(start_gateway):
    gw = start_gateway(config={"tls": {"maxHandshakesInFlightPerLoop": 1}})
    # A TLS request served: whatever came before it (the fixture's start-up probe) holds no slot.
    poll(lambda: tls_status(gw), lambda s: s == 200, what="a TLS request with the slot free")
    # Counters are published together each tick: once that handshake shows, so do the refusals
    # before it.
    published = poll(lambda: metrics(gw), lambda m: m.get("callgate_tls_handshakes_total", 0) >= 1, what="the handshake counted")
    before = published.get("callgate_tls_handshakes_refused_total", 0)
    pending = socket.create_connection(("127.0.0.1", gw.tls_port))  # no ClientHello: in flight
    try:
        # Accepted after `pending` (one listener, accepts in order), so over the cap.
        second = socket.create_connection(("127.0.0.1", gw.tls_port))
        assert read_to_end(second, 3) == b"", "closed at once, without a byte"
        assert wait_metric(gw, "callgate_tls_handshakes_refused_total", before + 1) == before + 1
        wait_log(gw, r"warn tls_handshake_refused peer=127\.0\.0\.1 reason=\"1 handshakes in flight on this loop\"")
    finally:
        pending.close()
    poll(lambda: tls_status(gw), lambda s: s == 200, what="TLS once the handshake slot is free")
    assert_healthy(gw)


# ---------------------------------------------------------------- route sessions


def login(tab, username, request_id):
    """Logs a raw /ws tab in (password = user name); returns the result and the events before it."""
    tab.send(0x1, json.dumps({"id": request_id, "method": "login",
                              "params": {"username": username, "password": username}}).encode())
    events = []
    while True:
        message = tab.receive_json()
        if message.get("id") == request_id:
            return message, events
        events.append(message)


def open_tab(gw, **kwargs):
    tab = Peer(gw, "/ws", **kwargs)
    assert tab.receive_json()["event"] == "connect"
    assert tab.receive_json()["event"] == "credentials"
    return tab


def test_a_ws_tab_that_never_reads_is_closed_4008_with_the_defaults(start_gateway):
    """Issue 18 defect 5: with the defaults the session queue limit equals the connection's
    (`limits.outboundQueueBytes`), and the tab got the connection's 1008. Now 4008, by
    construction: the session's bound is checked first, on the same count."""
    gw = start_gateway(config={"auth": {"sessionSecret": SESSION_SECRET}})  # limits, routes, agents: defaults
    slow = open_tab(gw, rcvbuf=16384)
    reply, _ = login(slow, "alice", 1)
    token = reply["result"]["token"]
    fast = open_tab(gw)
    assert "result" in login(fast, "alice", 1)[0]
    overflow = 'callgate_route_events_total{channel="ws",event="session_queue_overflow"}'
    title = "n" * 60_000
    for i in range(2, 400):  # up to 24 MB, far past 4 MiB and every socket buffer
        fast.send(0x1, json.dumps({"id": i, "method": "notify", "params": {"title": title}}).encode())
        while fast.receive_json().get("id") != i:
            pass
        # The log line is written at once (metrics a tick later): stop with few events missed,
        # so that their replay below fits the attaching tab's own queue.
        if "session_queue_overflow" in gw.log:
            break
    assert wait_metric(gw, overflow) == 1
    # The tab reads at last: what was queued, then 4008.
    code, reason, messages = slow.until_close(timeout=10)
    assert (code, reason) == (4008, "session queue overflow")
    assert len(messages) > 50
    seqs = [json.loads(m)["seq"] for m in messages if b'"seq"' in m]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "events in order, none skipped"
    slow.sock.close()
    assert metric(gw, 'callgate_websocket_closes_sent_total{code="4008"}') == 1
    assert metric(gw, 'callgate_websocket_closes_sent_total{code="1008"}') == 0
    assert metric(gw, "callgate_outbound_overflows_total") == 0
    wait_log(gw, r"info session_queue_overflow channel=ws peer=127\.0\.0\.1 queued=\d+")
    # docs/config.md: the tab attaches and loses nothing.
    with open_tab(gw) as again:
        again.send(0x1, json.dumps({"id": 1, "method": "attach", "params": {"lastSeq": seqs[-1], "token": token}}).encode())
        attached = next(m for m in iter(again.receive_json, None) if m.get("id") == 1)
        assert attached["result"]["complete"] is True
        last = attached["result"]["lastSeq"]
        replayed = []
        while (replayed or seqs)[-1] < last:
            message = again.receive_json(10)
            if "seq" in message:
                replayed.append(message["seq"])
        assert replayed == list(range(seqs[-1] + 1, last + 1))
    fast.sock.close()
    assert_healthy(gw)


class SilentServer:
    """Accepts TCP connections and never answers (an upstream that hangs in its upgrade)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for sock in self.held:
            sock.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_route_session_queue_4008_embedded_and_pipe_while_connecting(start_gateway, silent_server):
    gw = start_gateway(config={
        "limits": {"outboundHighWaterBytes": 16384},
        "auth": {"sessionSecret": SESSION_SECRET},
        "routes": {"chat": {"backend": "embedded:echo", "auth": "none", "origins": "*", "sessionQueueBytes": 65536},
                   "rec": {"backend": f"ws://127.0.0.1:{silent_server.port}/rec", "auth": "required", "origins": "*",
                           "sessionQueueBytes": 65536, "connectTimeoutMilliseconds": 10000}}})
    # An embedded back end's answer that passes the session's queue.
    with Peer(gw, "/chat") as ws:
        ws.send(0x2, b"q" * 100_000)
        code, reason, _ = ws.until_close()
        assert (code, reason) == (4008, "session queue overflow")
    # A pipe whose session authenticates with its first message gets its 101 before the upstream
    # is open (the identity must reach the upstream's handshake); while it connects, the gateway
    # holds what the browser sends, up to the bound.
    with Peer(gw, "/rec") as ws:
        ws.send(0x1, json.dumps({"type": "auth", "token": session_token("alice")}).encode())
        for _ in range(3):
            ws.send(0x2, b"r" * 40_000)
        code, reason, _ = ws.until_close()
        assert (code, reason) == (4008, "session queue overflow")
    for channel in ("chat", "rec"):
        assert wait_metric(gw, f'callgate_route_events_total{{channel="{channel}",event="session_queue_overflow"}}') == 1
        wait_log(gw, rf"info session_queue_overflow channel={channel} peer=127\.0\.0\.1")
    assert metric(gw, 'callgate_websocket_closes_sent_total{code="4008"}') == 2
    assert_healthy(gw)


def test_route_connect_timeout_504_before_the_upgrade_and_1014_after(start_gateway, silent_server):
    gw = start_gateway(config={
        "auth": {"sessionSecret": SESSION_SECRET},
        "routes": {"rec": {"backend": f"ws://127.0.0.1:{silent_server.port}/rec", "auth": "none",
                           "origins": "*", "connectTimeoutMilliseconds": 1000},
                   "gated": {"backend": f"ws://127.0.0.1:{silent_server.port}/gated", "auth": "required",
                             "origins": "*", "connectTimeoutMilliseconds": 1000}}})
    # Upstream first: the browser waits for the back end's answer, and gets 504 instead of a 101.
    started = time.monotonic()
    assert upgrade_status(gw, "/rec") == 504
    assert 0.9 <= time.monotonic() - started < 3
    assert wait_metric(gw, 'callgate_route_events_total{channel="rec",event="upstream_timeout"}') == 1
    wait_log(gw, r"warn upstream_timeout channel=rec upstream=ws://127\.0\.0\.1:\d+/rec")
    # A session that authenticates with its first message had its 101: it is closed with 1014.
    with Peer(gw, "/gated") as ws:
        ws.send(0x1, json.dumps({"type": "auth", "token": session_token("alice")}).encode())
        started = time.monotonic()
        code, _, _ = ws.until_close()
        assert code == 1014
        assert 0.9 <= time.monotonic() - started < 3
    assert wait_metric(gw, 'callgate_route_events_total{channel="gated",event="upstream_timeout"}') == 1
    assert_healthy(gw)


# ---------------------------------------------------------------- credentials


def sso_query(username, timestamp):
    digest = hashlib.sha1((SSO_SECRET + username + str(timestamp)).encode()).digest()
    token = base64.b64encode(digest + username.encode() + str(timestamp).encode()).decode()
    return urllib.parse.urlencode({"sso_username": username, "sso_token": token, "sso_provider": "CRM"})


def upgrade_status(gw, path):
    status, _, _ = http(gw, (f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    return status


def test_sso_validity_clock_skew_and_a_full_replay_cache(start_gateway):
    gw = start_gateway(config={
        "auth": {"sessionSecret": SESSION_SECRET,
                 "sso": {"providers": {"CRM": SSO_SECRET}, "validitySeconds": 300, "clockSkewSeconds": 30, "replayCacheSize": 1}},
        "routes": {"gated": {"backend": "embedded:echo", "auth": "required", "origins": "*"}}})
    now = int(time.time())
    assert upgrade_status(gw, "/gated?" + sso_query("alice", now - 400)) == 401  # past validitySeconds
    assert upgrade_status(gw, "/gated?" + sso_query("alice", now + 120)) == 401  # beyond clockSkewSeconds
    with Peer(gw, "/gated?" + sso_query("alice", now)) as ws:
        ws.send(0x1, b"in")
        assert ws.receive() == (0x1, b"in")
    # The one place is taken until alice's token expires: every new token is refused.
    assert upgrade_status(gw, "/gated?" + sso_query("bob", now)) == 401
    assert wait_metric(gw, 'callgate_route_events_total{channel="gated",event="auth_refused"}', 3) == 3
    wait_log(gw, r"warn sso_replay_cache_full peer=127\.0\.0\.1 capacity=1")
    reasons = re.findall(r"info auth_refused channel=gated peer=127\.0\.0\.1 reason=\"([^\"]+)\"", gw.log)
    assert reasons == ["credential expired", "credential not yet valid", "credential already used"], reasons
    assert_healthy(gw)


# ---------------------------------------------------------------- agent tabs


def test_tab_requests_in_flight_get_too_many_requests(start_gateway):
    gw = start_gateway(config={"agents": {"tabRequestsInFlight": 2}})
    with open_tab(gw) as tab:
        # Ten requests in one write: decoded in one read, before the hub can answer any.
        tab.sock.sendall(b"".join(frame(0x1, json.dumps({"id": i, "method": "notify", "params": {"title": "t"}}).encode())
                                  for i in range(10)))
        replies = {}
        while len(replies) < 10:
            message = tab.receive_json()
            if "id" in message:
                replies[message["id"]] = message
        refused = sorted(i for i, m in replies.items() if m.get("error", {}).get("code") == "tooManyRequests")
        assert refused == list(range(2, 10))
        assert all("result" in replies[i] for i in (0, 1))
    assert wait_metric(gw, 'callgate_route_events_total{channel="ws",event="too_many_requests"}', 8) == 8
    assert len(re.findall(r"info too_many_requests channel=ws peer=127\.0\.0\.1 limit=2", gw.log)) == 8
    assert_healthy(gw)


def test_login_failures_past_the_limit_get_login_error_5(start_gateway):
    gw = start_gateway(config={"agents": {"loginMaxFailures": 2}})
    with open_tab(gw) as tab:
        for request_id in (1, 2):
            tab.send(0x1, json.dumps({"id": request_id, "method": "login", "params": {"username": "bob", "password": "wrong"}}).encode())
            assert tab.receive_json()["error"]["code"] == "loginFailed"
            assert tab.receive_json()["data"]["code"] == 1
        reply, _ = login(tab, "bob", 3)  # the right password, past the limit
        assert reply["error"]["code"] == "loginFailed"
        assert tab.receive_json()["data"]["code"] == 5
    assert wait_metric(gw, 'callgate_route_events_total{channel="ws",event="login_refused"}', 3) == 3
    wait_log(gw, r"info agent_login_refused peer=127\.0\.0\.1 code=5")
    assert_healthy(gw)


# ---------------------------------------------------------------- static files


def test_static_max_file_bytes_404(start_gateway, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "small.txt").write_text("0123456789")
    (site / "big.txt").write_text("x" * 11)
    gw = start_gateway("--public", str(site), config={"static": {"maxFileBytes": 10}})
    assert get(gw, "/small.txt")[::2] == (200, b"0123456789")
    assert get(gw, "/big.txt")[0] == 404
    assert wait_metric(gw, 'callgate_static_refused_total{reason="too_large"}') == 1
    wait_log(gw, r"info static_refused peer=127\.0\.0\.1 method=GET path=/big\.txt reason=too_large")
    assert_healthy(gw)
