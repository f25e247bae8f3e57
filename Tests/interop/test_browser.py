"""Headless Chromium (Debian's `chromium`) against the gateway's wss echo, driven through the
DevTools protocol with the test's own WebSocket client (no npm, no driver)."""
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import WebSocket, free_port
from test_tls_peers import generated_certificate

CHROMIUM = shutil.which("chromium")

pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")


def spki_sha256(cert) -> str:
    """Base64 SHA-256 of the certificate's public key, as --ignore-certificate-errors-spki-list wants."""
    public = subprocess.run(["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=public, check=True, capture_output=True).stdout
    import hashlib
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Chromium:
    def __init__(self, spki: str):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="callgate-chromium-")
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={self.profile}", f"--remote-debugging-port={self.port}",
             f"--ignore-certificate-errors-spki-list={spki}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=1) as response:
                    pages = [t for t in json.load(response) if t.get("type") == "page"]
                if pages:
                    self.page_ws = pages[0]["webSocketDebuggerUrl"]
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("chromium did not start")
            time.sleep(0.2)
        path = self.page_ws.split(str(self.port), 1)[1]
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.devtools = WebSocket(self.sock, host=f"127.0.0.1:{self.port}", path=path)
        self.next_id = 0

    def evaluate(self, expression: str):
        """Runtime.evaluate with awaitPromise; returns the JSON-decoded string result."""
        self.next_id += 1
        self.devtools.send(1, json.dumps({"id": self.next_id, "method": "Runtime.evaluate", "params": {
            "expression": expression, "awaitPromise": True, "returnByValue": True}}).encode())
        while True:
            _, payload = self.devtools.receive()
            message = json.loads(payload)
            if message.get("id") == self.next_id:
                result = message["result"]
                assert "exceptionDetails" not in result, result
                return json.loads(result["result"]["value"])

    def close(self):
        self.sock.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


ECHO_SCRIPT = """
new Promise((resolve, reject) => {
  const ws = new WebSocket("wss://127.0.0.1:%d/echo");
  ws.binaryType = "arraybuffer";
  const result = {};
  const text = "Hello from Chromium, " + "Oběd ".repeat(60);
  const binary = new Uint8Array(5000).map((_, i) => (i * 7) %% 256);
  ws.onopen = () => { result.extensions = ws.extensions; ws.send(text); };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") {
      result.textEchoed = event.data === text;
      ws.send(binary);
    } else {
      const got = new Uint8Array(event.data);
      result.binaryEchoed = got.length === binary.length && got.every((v, i) => v === binary[i]);
      ws.close(1000, "done");
    }
  };
  ws.onerror = () => { result.error = true; };
  ws.onclose = (event) => { result.closeCode = event.code; result.wasClean = event.wasClean; resolve(JSON.stringify(result)); };
  setTimeout(() => reject(new Error("timed out: " + JSON.stringify(result))), 15000);
})
"""


def test_chromium_exchanges_text_and_binary_over_wss_with_compression(start_gateway, tmp_path):
    gateway = start_gateway(config={"stateDirectory": str(tmp_path / "state")})
    browser = Chromium(spki_sha256(generated_certificate(gateway)))
    try:
        result = browser.evaluate(ECHO_SCRIPT % gateway.tls_port)
    finally:
        browser.close()
    assert result.get("error") is None, result
    assert result["extensions"].startswith("permessage-deflate"), result
    assert result["textEchoed"] and result["binaryEchoed"], result
    assert result["closeCode"] == 1000 and result["wasClean"], result
