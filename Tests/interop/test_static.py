"""Static files (docs/config.md "Static files"): the `callgate` binary serving a temporary folder,
asked over raw sockets, so that request lines reach it exactly as written (no client library
normalises `..` or percent-escapes). A secret file lies next to the folder; no answer may ever
contain it."""
import email.utils
import gzip
import os
import re
import socket
import ssl

import pytest

from conftest import eventually, metric

SECRET = b"TOP-SECRET-do-not-serve-7f3a9c"

# ---------------------------------------------------------------- helpers


class Response:
    def __init__(self, raw: bytes):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.raw = raw
        self.status_line = lines[0]
        self.status = int(lines[0].split(" ")[1])
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.setdefault(name.strip().lower(), []).append(value.strip())

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def __repr__(self):
        return f"<{self.status_line} {self.headers}>"


def exchange(gw, raw: bytes, tls=False, timeout=5) -> bytes:
    """Sends `raw` as it is and reads until the gateway closes the connection."""
    sock = socket.create_connection(("127.0.0.1", gw.tls_port if tls else gw.http_port), timeout=timeout)
    if tls:
        context = ssl._create_unverified_context()
        sock = context.wrap_socket(sock, server_hostname="localhost")
    with sock:
        sock.sendall(raw)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk


def request(gw, target, method="GET", headers=None, tls=False) -> Response:
    """One request with `Connection: close`; the target goes on the wire byte for byte."""
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines += ["Connection: close", "", ""]
    return Response(exchange(gw, "\r\n".join(lines).encode("latin-1"), tls=tls))


def eventually_metric(gw, key, at_least):
    """Metrics are published at the loop's tick (250 ms)."""
    return eventually(lambda: metric(gw, key), lambda value: value >= at_least, what=key) >= at_least


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + os.urandom(64)
SCRIPT = ("export function dial(number) { return window.ucsOperator.dial(number); }\n" * 200).encode()


@pytest.fixture
def site(tmp_path):
    """`tmp/site` with a handful of files, and `tmp/secret.txt` beside it."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / ".git").mkdir()
    (root / "index.html").write_bytes(b"<!doctype html><h1>Callgate</h1>\n")
    (root / "docs" / "index.html").write_bytes(b"<h1>docs</h1>\n")
    (root / "empty" / "listing-must-not-show.txt").write_bytes(b"x")
    (root / "app.js").write_bytes(SCRIPT)
    (root / "style.css").write_bytes(b"body { color: #333; }\n" * 50)
    (root / "data.json").write_bytes(b'{"agents": [1, 2, 3]}' * 40)
    (root / "logo.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>' * 20)
    (root / "logo.png").write_bytes(PNG)
    (root / "notes.xyz").write_bytes(b"unknown type")
    (root / "caf\u00e9 menu.txt").write_bytes("un caf\u00e9\n".encode())
    (root / ".env").write_bytes(SECRET)
    (root / ".git" / "config").write_bytes(SECRET)
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "outlink").symlink_to(tmp_path / "outside")
    (root / "alias.js").symlink_to("app.js")
    return root


@pytest.fixture
def gateway(start_gateway, site, tmp_path):
    return start_gateway(config={"stateDirectory": str(tmp_path / "state"), "static": {"folder": str(site)}})


def assert_no_secret(response: Response):
    assert SECRET not in response.raw


# ---------------------------------------------------------------- types, validators, HEAD


@pytest.mark.parametrize("path,content_type", [
    ("/", "text/html; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/app.js", "text/javascript; charset=utf-8"),
    ("/alias.js", "text/javascript; charset=utf-8"),
    ("/style.css", "text/css; charset=utf-8"),
    ("/data.json", "application/json"),
    ("/logo.svg", "image/svg+xml"),
    ("/logo.png", "image/png"),
    ("/notes.xyz", "application/octet-stream"),
    ("/caf%C3%A9%20menu.txt", "text/plain; charset=utf-8"),
])
def test_files_are_served_with_their_type_and_validators(gateway, site, path, content_type):
    response = request(gateway, path)
    assert response.status == 200, response
    name = {"/": "index.html", "/caf%C3%A9%20menu.txt": "caf\u00e9 menu.txt"}.get(path, path[1:])
    assert response.body == (site / name).read_bytes()
    assert response.header("content-type") == content_type
    assert response.header("content-length") == str(len(response.body))
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.header("etag")), response
    modified = email.utils.parsedate_to_datetime(response.header("last-modified"))
    assert abs(modified.timestamp() - (site / name).stat().st_mtime) < 2
    assert response.header("cache-control") == "no-cache"
    assert response.header("x-content-type-options") == "nosniff"
    assert response.header("date") is not None
    compressible = not path.endswith((".png", ".xyz"))
    assert (response.header("vary") == "Accept-Encoding") == compressible
    assert response.header("content-encoding") is None


def test_head_has_the_get_headers_and_no_body(gateway):
    got = request(gateway, "/app.js")
    head = request(gateway, "/app.js", method="HEAD")
    assert head.status == 200 and head.body == b""
    for name in ("content-type", "content-length", "etag", "last-modified", "cache-control", "vary"):
        assert head.header(name) == got.header(name), name
    zipped = request(gateway, "/app.js", method="HEAD", headers={"Accept-Encoding": "gzip"})
    assert zipped.header("content-encoding") == "gzip" and zipped.body == b""
    # Keep-alive: a HEAD and a GET pipelined on one connection are both answered.
    raw = exchange(gateway, b"HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert raw.count(b"HTTP/1.1 200 OK") == 2
    assert raw.endswith(b"<!doctype html><h1>Callgate</h1>\n")


def test_if_none_match_and_if_modified_since(gateway):
    first = request(gateway, "/app.js")
    tag, modified = first.header("etag"), first.header("last-modified")
    for value in (tag, f"W/{tag}", f'"nope", {tag}', "*"):
        response = request(gateway, "/app.js", headers={"If-None-Match": value})
        assert response.status == 304, (value, response)
        assert response.body == b""
        assert response.header("etag") == tag
        assert response.header("last-modified") == modified
        assert response.header("cache-control") == "no-cache"
        assert response.header("vary") == "Accept-Encoding"
        assert response.header("content-length") is None
    for value in ('"nope"', tag.upper() if tag != tag.upper() else '"X"', "garbage"):
        assert request(gateway, "/app.js", headers={"If-None-Match": value}).status == 200, value
    assert request(gateway, "/app.js", headers={"If-Modified-Since": modified}).status == 304
    assert request(gateway, "/app.js", headers={"If-Modified-Since": "Sun, 06 Nov 2061 08:49:37 GMT"}).status == 304
    assert request(gateway, "/app.js", headers={"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"}).status == 200
    assert request(gateway, "/app.js", headers={"If-Modified-Since": "not a date"}).status == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    both = request(gateway, "/app.js", headers={"If-None-Match": '"nope"', "If-Modified-Since": modified})
    assert both.status == 200 and both.body == SCRIPT
    # HEAD takes the same preconditions.
    assert request(gateway, "/app.js", method="HEAD", headers={"If-None-Match": tag}).status == 304


def test_gzip_when_accepted_and_smaller(gateway):
    plain = request(gateway, "/app.js")
    for value in ("gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*", "GZIP", "x-gzip"):
        response = request(gateway, "/app.js", headers={"Accept-Encoding": value})
        assert response.header("content-encoding") == "gzip", value
        assert response.header("vary") == "Accept-Encoding"
        assert response.header("content-type") == "text/javascript; charset=utf-8"
        assert int(response.header("content-length")) == len(response.body) < len(SCRIPT)
        assert gzip.decompress(response.body) == SCRIPT
        # A strong tag names one representation: the gzip one has its own.
        assert response.header("etag") != plain.header("etag")
    for value in ("gzip;q=0", "identity", "deflate, br", "*;q=0", "gzip;q=0, *", ""):
        response = request(gateway, "/app.js", headers={"Accept-Encoding": value})
        assert response.header("content-encoding") is None, value
        assert response.body == SCRIPT
        assert response.header("etag") == plain.header("etag")
    # Images are not compressed again, and do not vary.
    png = request(gateway, "/logo.png", headers={"Accept-Encoding": "gzip"})
    assert png.header("content-encoding") is None and png.header("vary") is None and png.body == PNG
    # The gzip tag revalidates the gzip representation.
    zipped = request(gateway, "/app.js", headers={"Accept-Encoding": "gzip"})
    assert request(gateway, "/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.header("etag")}).status == 304
    assert request(gateway, "/app.js", headers={"If-None-Match": zipped.header("etag")}).status == 200


def test_a_changed_file_is_served_fresh_with_a_new_etag(gateway, site):
    first = request(gateway, "/data.json")
    (site / "data.json").write_bytes(b'{"changed": true}')
    second = request(gateway, "/data.json")
    assert second.body == b'{"changed": true}'
    assert second.header("etag") != first.header("etag")
    assert request(gateway, "/data.json", headers={"If-None-Match": first.header("etag")}).status == 200
    # Same size, other bytes, replaced by rename (a new inode).
    replacement = site / "data.json.new"
    replacement.write_bytes(b'{"changed": TRUE}')
    os.rename(replacement, site / "data.json")
    third = request(gateway, "/data.json")
    assert third.body == b'{"changed": TRUE}'
    assert third.header("etag") not in (first.header("etag"), second.header("etag"))
    (site / "data.json").unlink()
    assert request(gateway, "/data.json").status == 404


# ---------------------------------------------------------------- refusals


TRAVERSALS = [
    "/../secret.txt",
    "/../../../../etc/passwd",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/docs/../../secret.txt",
    "/docs/%2E%2E/%2E%2E/secret.txt",
    "/a/%2E%2E/b",
    "/./index.html",
    "/%2fsecret.txt",
    "/..%2fsecret.txt",
    "/..%2F..%2Fsecret.txt",
    "/docs%2f..%2f..%2fsecret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/..%5csecret.txt",
    "//secret.txt",
    "//../secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt",
    "/%e0%80%ae%e0%80%ae/secret.txt",
    "/%252e%252e/secret.txt",
    "/index.html%00.js",
    "/..%00/secret.txt",
    "/%2e%2e%2f" * 20 + "secret.txt",
    "/leak.txt",
    "/outlink/secret.txt",
    "/outlink/",
    "/.env",
    "/.git/config",
    "/%2egit/config",
    "/.git/",
    "http://127.0.0.1/../secret.txt",
    "*",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_and_hidden_files_are_refused(gateway, target):
    for method in ("GET", "HEAD"):
        response = request(gateway, target, method=method)
        assert response.status in (400, 404), (target, response)
        assert_no_secret(response)


def test_refusals_are_logged_and_counted(gateway):
    assert request(gateway, "/../secret.txt").status == 404
    assert request(gateway, "/leak.txt").status == 404
    assert request(gateway, "/.env").status == 404
    assert request(gateway, "/%2fsecret.txt").status == 404
    assert request(gateway, "/a%00").status == 400
    for reason in ("traversal", "outside_folder", "dotfile", "encoded_slash", "control"):
        assert eventually_metric(gateway, f'callgate_static_refused_total{{reason="{reason}"}}', 1), reason
        assert f"static_refused peer=127.0.0.1" in gateway.log and f"reason={reason}" in gateway.log
    assert eventually_metric(gateway, 'callgate_static_responses_total{status="404"}', 4)
    assert eventually_metric(gateway, 'callgate_static_responses_total{status="400"}', 1)


def test_directories_redirect_and_are_never_listed(gateway):
    moved = request(gateway, "/docs?tab=2&x=%20")
    assert moved.status == 301
    assert moved.header("location") == "/docs/?tab=2&x=%20"
    followed = request(gateway, moved.header("location"))
    assert followed.status == 200 and followed.body == b"<h1>docs</h1>\n"
    assert request(gateway, "/docs").header("location") == "/docs/"
    empty = request(gateway, "/empty/")
    assert empty.status == 404 and b"listing-must-not-show" not in empty.raw
    assert request(gateway, "/empty").status == 301
    assert request(gateway, "/index.html/").status == 404
    assert request(gateway, "/missing.html").status == 404


def test_methods_other_than_get_and_head_get_405(gateway):
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        response = request(gateway, "/index.html", method=method)
        assert response.status == 405, method
        assert response.header("allow") == "GET, HEAD"
    raw = exchange(gateway, b"POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
    assert raw.startswith(b"HTTP/1.1 405") and b"Allow: GET, HEAD" in raw
    assert eventually_metric(gateway, 'callgate_static_refused_total{reason="method"}', 6)
    assert "method=POST path=/index.html reason=method" in gateway.log
    # The gateway's own endpoints keep answering as before.
    assert request(gateway, "/healthz").body == b"ok\n"
    assert request(gateway, "/readyz").body == b"ready\n"


def test_a_file_over_max_file_bytes_is_404_logged_and_counted(start_gateway, site, tmp_path):
    (site / "big.js").write_bytes(b"x" * 2048)
    gw = start_gateway(config={"stateDirectory": str(tmp_path / "state"),
                               "static": {"folder": str(site), "maxFileBytes": 1024, "cacheSeconds": 60}})
    response = request(gw, "/big.js")
    assert response.status == 404 and b"xxxx" not in response.body
    assert eventually_metric(gw, 'callgate_static_refused_total{reason="too_large"}', 1)
    assert "reason=too_large" in gw.log
    small = request(gw, "/index.html")
    assert small.status == 200 and small.header("cache-control") == "public, max-age=60"


def test_a_missing_folder_gives_404_and_the_gateway_runs(start_gateway, tmp_path):
    gw = start_gateway(config={"stateDirectory": str(tmp_path / "state"), "static": {"folder": str(tmp_path / "nowhere")}})
    assert "static_folder_missing" in gw.log
    assert request(gw, "/").status == 404
    assert request(gw, "/index.html").status == 404
    assert request(gw, "/healthz").body == b"ok\n"


def test_disabled_static_files_answer_404_as_before(start_gateway, site, tmp_path):
    gw = start_gateway(config={"stateDirectory": str(tmp_path / "state"), "static": {"enabled": False, "folder": str(site)}})
    assert request(gw, "/index.html").status == 404
    assert request(gw, "/index.html", method="POST").status == 404


def test_the_public_option_with_a_relative_folder(start_gateway, site, tmp_path):
    # The gateway runs in pytest's current directory; the folder is given relative to it.
    relative = os.path.relpath(site)
    assert not relative.startswith("/")
    gw = start_gateway("--public", relative, config={"stateDirectory": str(tmp_path / "state")})
    assert request(gw, "/app.js").body == SCRIPT
    assert f"static={site.resolve()}" in gw.log


# ---------------------------------------------------------------- TLS and the https redirect


def test_over_tls(gateway):
    response = request(gateway, "/app.js", headers={"Accept-Encoding": "gzip"}, tls=True)
    assert response.status == 200 and gzip.decompress(response.body) == SCRIPT
    tag = response.header("etag")
    assert request(gateway, "/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": tag}, tls=True).status == 304
    refused = request(gateway, "/%2e%2e/secret.txt", tls=True)
    assert refused.status == 404
    assert_no_secret(refused)
    assert request(gateway, "/docs", tls=True).header("location") == "/docs/"


def test_redirect_http_applies_before_static_files(start_gateway, site, tmp_path):
    gw = start_gateway(config={"stateDirectory": str(tmp_path / "state"), "static": {"folder": str(site)},
                               "tls": {"redirectHTTP": True}})
    plain = request(gw, "/index.html?x=1")
    assert plain.status == 301
    assert plain.header("location") == f"https://localhost:{gw.tls_port}/index.html?x=1"
    assert request(gw, "/healthz").status == 200
    assert request(gw, "/index.html", tls=True).body == (site / "index.html").read_bytes()
