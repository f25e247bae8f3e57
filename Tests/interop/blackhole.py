"""A TCP relay on 127.0.0.1 that can black-hole its connections: they stop forwarding in both
directions without closing anything, as a network does when Wi-Fi drops, a laptop sleeps or a
NAT forgets a flow. Neither end learns of it: what each sends is read and dropped (the sender's
writes keep succeeding, as into a network that loses packets), and a close from one end is not
passed on to the other.

    relay = BlackHoleRelay(target_port)      # then connect to relay.port instead
    relay.cut()                              # every open connection is dead from now on
    relay.cut(new=True)                      # ... and new connections too (the network is down)
    relay.restore_new()                      # new connections pass again; the cut ones stay dead

Every connection (`relay.links`) records the bytes that came from the target, with the time each
chunk arrived and whether it was passed on (`Link.downstream`), when each chunk from the client
arrived (`Link.upstream`), and when the target closed its side (`Link.target_closed_at`), so a
test can see what the server sent into the black hole: a WebSocket ping, events, its close.
Times are `time.monotonic()`. The `relay` fixture starts relays (`relay(target_port)`) and stops
them at the end."""
import selectors
import socket
import threading
import time

import pytest


class Link:
    """One relayed connection: `client` is the side that connected to the relay."""

    def __init__(self, client, target, cut):
        self.client = client
        self.target = target
        self.cut = cut
        self.opened_at = time.monotonic()
        self.cut_at = self.opened_at if cut else None
        self.downstream = []  # (time, bytes, forwarded) from the target
        self.upstream = []  # (time, length, forwarded) from the client
        self.target_closed_at = None
        self.client_closed_at = None

    def last_forwarded_from_client(self):
        """When the target last got bytes from the client."""
        return max((at for at, _, forwarded in self.upstream if forwarded), default=self.opened_at)

    def websocket_frames(self):
        """(time, opcode, payload, forwarded) of each WebSocket frame the target sent after its
        HTTP response head (server frames are unmasked, RFC 6455 §5.1)."""
        data, marks = b"", []
        for at, chunk, forwarded in self.downstream:
            marks.append((len(data), at, forwarded))
            data += chunk
        head = data.find(b"\r\n\r\n")
        if head < 0:
            return []

        def stamp(offset):
            found = marks[0]
            for mark in marks:
                if mark[0] <= offset:
                    found = mark
            return found[1], found[2]

        frames, offset = [], head + 4
        while offset + 2 <= len(data):
            opcode, length, header = data[offset] & 0x0F, data[offset + 1] & 0x7F, 2
            if length == 126:
                if offset + 4 > len(data):
                    break
                length, header = int.from_bytes(data[offset + 2:offset + 4], "big"), 4
            elif length == 127:
                if offset + 10 > len(data):
                    break
                length, header = int.from_bytes(data[offset + 2:offset + 10], "big"), 10
            if offset + header + length > len(data):
                break
            at, forwarded = stamp(offset)
            frames.append((at, opcode, data[offset + header:offset + header + length], forwarded))
            offset += header + length
        return frames


class BlackHoleRelay:
    def __init__(self, target_port, host="127.0.0.1"):
        self.target = (host, target_port)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.links = []
        self.cut_new = False
        self.lock = threading.Lock()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        self.running = True
        self.thread = threading.Thread(target=self._run, name="blackhole-relay", daemon=True)
        self.thread.start()

    def cut(self, new=False):
        """Black-holes every open connection; with `new`, connections made from now on too."""
        with self.lock:
            now = time.monotonic()
            for link in self.links:
                if not link.cut:
                    link.cut, link.cut_at = True, now
            self.cut_new = new

    def restore_new(self):
        """New connections pass again (the ones cut stay dead, as a NAT that forgot them)."""
        with self.lock:
            self.cut_new = False

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()
        self.selector.close()

    def _run(self):
        while self.running:
            for key, _ in self.selector.select(timeout=0.05):
                if key.data is None:
                    self._accept()
                else:
                    self._relay(key.fileobj, *key.data)

    def _accept(self):
        try:
            client, _ = self.listener.accept()
        except BlockingIOError:
            return
        target = socket.create_connection(self.target, timeout=5)
        for sock in (client, target):
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.lock:
            link = Link(client, target, self.cut_new)
            self.links.append(link)
        self.selector.register(client, selectors.EVENT_READ, (link, target, False))
        self.selector.register(target, selectors.EVENT_READ, (link, client, True))

    def _relay(self, sock, link, other, from_target):
        try:
            chunk = sock.recv(65536)
        except OSError:
            chunk = b""
        with self.lock:
            cut = link.cut
        if not chunk:
            self.selector.unregister(sock)
            if from_target:
                link.target_closed_at = time.monotonic()
            else:
                link.client_closed_at = time.monotonic()
            if cut:
                # A black hole passes nothing on, a close neither: the other end never learns.
                sock.close()
                return
            try:
                other.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            sock.close()
            return
        if from_target:
            link.downstream.append((time.monotonic(), chunk, not cut))
        else:
            link.upstream.append((time.monotonic(), len(chunk), not cut))
        if not cut:
            try:
                other.sendall(chunk)
            except OSError:
                pass


@pytest.fixture
def relay():
    started = []

    def start(port):
        r = BlackHoleRelay(port)
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()
