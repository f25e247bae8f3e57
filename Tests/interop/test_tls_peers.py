"""TLS against real peers on loopback: Python's ssl module and `openssl s_client`."""
import re
import signal
import socket
import ssl
import subprocess
import time

import pytest

from conftest import WebSocket, fingerprint, free_port, generated_certificate, make_certificate, wait_listening


def client_context(cafile=None, verify=True):
    context = ssl.create_default_context(cafile=str(cafile)) if verify else ssl._create_unverified_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


def s_client(port, *args, data=b""):
    result = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
        input=data, capture_output=True, timeout=20)
    return result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")


def test_generated_certificate_serves_wss_and_is_reused(start_gateway, tmp_path):
    state = tmp_path / "state"
    gateway = start_gateway(config={"stateDirectory": str(state)})
    cert = generated_certificate(gateway)
    assert cert.parent == state
    printed = re.search(r"sha256=([0-9A-F:]+)", gateway.log)
    assert printed and printed.group(1) == fingerprint(cert)
    # A client that verifies against that certificate, for localhost and for 127.0.0.1.
    for name in ["localhost", "127.0.0.1"]:
        with socket.create_connection(("127.0.0.1", gateway.tls_port)) as raw:
            with client_context(cert).wrap_socket(raw, server_hostname=name) as tls:
                assert tls.selected_alpn_protocol() == "http/1.1"
                assert tls.version() in ("TLSv1.3", "TLSv1.2")
                ws = WebSocket(tls)
                ws.echo(b"hello over wss", opcode=1)
                ws.echo(bytes(range(256)) * 300)
    gateway.stop()
    # The second run reuses the certificate instead of making a new one.
    again = start_gateway(config={"stateDirectory": str(state)})
    assert "tls_certificate_reused" in again.log
    assert fingerprint(cert) in again.log


def test_client_that_verifies_refuses_a_wrong_host_name(start_gateway, tmp_path):
    state = tmp_path / "state"
    gateway = start_gateway(config={"stateDirectory": str(state)})
    cert = generated_certificate(gateway)
    with socket.create_connection(("127.0.0.1", gateway.tls_port)) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            client_context(cert).wrap_socket(raw, server_hostname="wrong.example")


def test_tls_1_1_is_refused(start_gateway, tmp_path):
    # The refusal means something only if this client can offer TLS 1.1: it does so first against
    # `openssl s_server`, which accepts it.
    cert, key = make_certificate(tmp_path, "old.test", "DNS:localhost")
    port = free_port()
    server = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert),
                               "-key", str(key), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-www"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        output = s_client(port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
        assert re.search(r"Protocol\s*: TLSv1\.1", output) and "Cipher is (NONE)" not in output, \
            "this openssl cannot complete TLS 1.1:\n" + output
    finally:
        server.kill()
        server.wait()
    gateway = start_gateway(config={"stateDirectory": str(tmp_path / "state")})
    output = s_client(gateway.tls_port, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
    assert "alert protocol version" in output and "Cipher is (NONE)" in output, output
    # TLS 1.2 and 1.3 both work, with ALPN http/1.1.
    for version in ["-tls1_2", "-tls1_3"]:
        output = s_client(gateway.tls_port, version, "-alpn", "http/1.1")
        assert "ALPN protocol: http/1.1" in output, output


def test_sni_picks_the_right_certificate(start_gateway, tmp_path):
    default_cert, default_key = make_certificate(tmp_path, "default.test", "DNS:default.test")
    a_cert, a_key = make_certificate(tmp_path, "a.test", "DNS:a.test")
    b_cert, b_key = make_certificate(tmp_path, "b.test", "DNS:*.b.test")
    gateway = start_gateway("--cert", str(default_cert), "--key", str(default_key), config={
        "tls": {"sniCertificates": [
            {"serverNames": ["a.test"], "certificateFile": str(a_cert), "privateKeyFile": str(a_key)},
            {"serverNames": ["*.b.test"], "certificateFile": str(b_cert), "privateKeyFile": str(b_key)},
        ]}})
    for server_name, expected in [("a.test", "a.test"), ("x.b.test", "b.test"), ("other.test", "default.test")]:
        output = s_client(gateway.tls_port, "-servername", server_name)
        assert re.search(r"0 s:CN ?= ?" + re.escape(expected) + "$", output, re.MULTILINE), (server_name, output)
    # Each verifies with its own name through Python's ssl.
    with socket.create_connection(("127.0.0.1", gateway.tls_port)) as raw:
        with client_context(a_cert).wrap_socket(raw, server_hostname="a.test") as tls:
            WebSocket(tls, host="a.test").echo(b"sni")


def test_sighup_reloads_without_dropping_a_live_connection(start_gateway, tmp_path):
    cert, key = make_certificate(tmp_path, "first.test", "DNS:localhost")
    gateway = start_gateway("--cert", str(cert), "--key", str(key))
    first_fingerprint = fingerprint(cert)
    raw = socket.create_connection(("127.0.0.1", gateway.tls_port))
    tls = client_context(verify=False).wrap_socket(raw, server_hostname="localhost")
    ws = WebSocket(tls)
    ws.echo(b"before reload")
    # New certificate in the same files, then SIGHUP.
    make_certificate(tmp_path, "first.test", "DNS:localhost")
    assert fingerprint(cert) != first_fingerprint
    gateway.signal(signal.SIGHUP)
    deadline = time.time() + 5
    while "tls_reloaded" not in gateway.log and time.time() < deadline:
        time.sleep(0.05)
    assert "tls_reloaded" in gateway.log
    ws.echo(b"after reload, same connection")
    with socket.create_connection(("127.0.0.1", gateway.tls_port)) as raw2:
        with client_context(verify=False).wrap_socket(raw2, server_hostname="localhost") as tls2:
            der = tls2.getpeercert(binary_form=True)
            assert ssl.DER_cert_to_PEM_cert(der).strip() == cert.read_text().strip()
    ws.echo(b"still alive")
    tls.close()


def test_broken_reload_keeps_the_old_certificate(start_gateway, tmp_path):
    cert, key = make_certificate(tmp_path, "keep.test", "DNS:localhost")
    gateway = start_gateway("--cert", str(cert), "--key", str(key))
    key.write_text("not a key\n")
    gateway.signal(signal.SIGHUP)
    deadline = time.time() + 5
    while "tls_reload_failed" not in gateway.log and time.time() < deadline:
        time.sleep(0.05)
    assert "tls_reload_failed" in gateway.log
    with socket.create_connection(("127.0.0.1", gateway.tls_port)) as raw:
        with client_context(verify=False).wrap_socket(raw, server_hostname="localhost") as tls:
            WebSocket(tls).echo(b"old certificate still served")


def test_plain_http_redirects_to_https_when_asked(start_gateway, tmp_path):
    gateway = start_gateway(config={"stateDirectory": str(tmp_path / "state"), "tls": {"redirectHTTP": True}})
    with socket.create_connection(("127.0.0.1", gateway.http_port)) as sock:
        sock.sendall(b"GET /index.html?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n")
        response = b""
        while chunk := sock.recv(4096):
            response += chunk
    assert response.startswith(b"HTTP/1.1 301")
    assert f"Location: https://localhost:{gateway.tls_port}/index.html?x=1".encode() in response
    # Health checks and upgrades stay on plain http.
    with socket.create_connection(("127.0.0.1", gateway.http_port)) as sock:
        WebSocket(sock).echo(b"plain ws still served")
