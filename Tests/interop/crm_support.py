"""A CRM for the Action URL tests (docs/click-to-call.md §5): Python's http.server in a thread,
recording every request; the `crm` fixture starts them and stops them at the end; `QUERY`, every
placeholder of docs/compatibility.md §4.3, and `GUID`, the form of a `<$call_guid>`."""
import http.server
import re
import threading
import time
import urllib.parse

import pytest


# Every placeholder of docs/compatibility.md §4.3, under the wiki example's own parameter names (§4.4).
QUERY = ("action=<$action>&calldirection=<$call_direction>&calldirectionINT=<$call_direction_as_int>"
         "&localparty=<$local_party>&localalias=<$local_alias>&holdstate=<$hold_state>"
         "&callduration=<$call_duration_seconds>&createdtime=<$call_created_time>"
         "&connectedtime=<$call_connected_time>&disconnectedtime=<$call_disconnected_time>"
         "&callguid=<$call_guid>&remoteparty=<$remote_party>&remotedisplayname=<$remote_alias>")
# docs/compatibility.md §4.3 `<$call_guid>` from the embedded Switchboard: a UUID version 7 (RFC 9562 §5.7).
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class CRM:
    """An HTTP/1.1 server on 127.0.0.1 that records each request (path, headers, arrival time)
    and answers `script`'s statuses in turn, then `fallback`, after `delay` seconds."""

    def __init__(self, script=(), fallback=200, delay=0.0, tls=None):
        self.requests = []
        self.answered = 0
        self.lock = threading.Lock()
        crm = self
        script = list(script)

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                with crm.lock:
                    crm.requests.append((self.path, dict(self.headers), time.monotonic()))
                    status = script.pop(0) if script else fallback
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with crm.lock:
                    crm.answered += 1

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count, seconds=5):
        deadline = time.time() + seconds
        while len(self.requests) < count and time.time() < deadline:
            time.sleep(0.02)
        return len(self.requests) >= count

    def queries(self):
        """Each request's query, decoded; every parameter must occur once."""
        result = []
        for path, _, _ in self.requests:
            pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query, keep_blank_values=True, strict_parsing=True)
            assert len({name for name, _ in pairs}) == len(pairs), path
            result.append(dict(pairs))
        return result

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def crm():
    started = []

    def start(**kwargs):
        server = CRM(**kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
