"""Headless Chromium (Debian's `chromium`) against the gateway's wss echo, driven through the
DevTools protocol with the test's own WebSocket client (no npm, no driver)."""
import json


from devtools import Chromium, spki_sha256
from test_tls_peers import generated_certificate



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
    browser = Chromium(spki=[spki_sha256(generated_certificate(gateway))])
    try:
        page = browser.default_page()
        result = json.loads(page.evaluate(ECHO_SCRIPT % gateway.tls_port))
        page.check()
    finally:
        browser.close()
    assert result.get("error") is None, result
    assert result["extensions"].startswith("permessage-deflate"), result
    assert result["textEchoed"] and result["binaryEchoed"], result
    assert result["closeCode"] == 1000 and result["wasClean"], result
