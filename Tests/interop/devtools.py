"""Debian's headless `chromium` driven through the DevTools protocol with the interop tests' own
WebSocket client (conftest.WebSocket): no npm, no driver.

Over 400 lines on purpose: one client of one protocol (the browser, its contexts and pages,
evaluation, input, screenshots), which every browser test uses.

    browser = Chromium(spki=...)             # one process
    context = browser.new_context()          # isolated storage and cookies (like a fresh profile)
    page = context.new_page()                # a tab with its own DevTools WebSocket
    page.navigate("http://127.0.0.1:8080/crm.html")
    page.wait_for("window.crmLog.length > 3")
    page.screenshot("ready-cs")
    page.check()                             # fails if the page threw

Every DevTools connection has a reader thread, so replies and events are never lost while a
test waits, and a timeout never leaves a frame half read. Waits are generous (20 s by default):
CI runs these tests on two loaded cores next to Autobahn."""
import base64
import hashlib
import json
import os
import queue
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from conftest import ROOT, WebSocket, free_port

CHROMIUM = shutil.which("chromium")
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.1
WINDOW = (1280, 800)


def artifacts_folder() -> Path:
    """Where screenshots go: $CALLGATE_ARTIFACTS/browser, default <repo>/.build/artifacts/browser."""
    base = Path(os.environ["CALLGATE_ARTIFACTS"]) if os.environ.get("CALLGATE_ARTIFACTS") else ROOT / ".build" / "artifacts"
    folder = base / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def spki_sha256(cert) -> str:
    """Base64 SHA-256 of a certificate's public key, as --ignore-certificate-errors-spki-list wants."""
    public = subprocess.run(["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"],
                            check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=public,
                         check=True, capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class DevToolsError(AssertionError):
    """A DevTools command failed, timed out, or the connection closed."""


class JavaScriptError(AssertionError):
    """An evaluated expression threw (or its promise rejected); the message is the JS text."""


class _Connection:
    """One DevTools WebSocket (the browser's or a page's): commands with ids, replies matched to
    them, events delivered to `on_event` from the reader thread."""

    def __init__(self, port: int, path: str, on_event=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.ws = WebSocket(self.sock, host=f"127.0.0.1:{port}", path=path)
        self.sock.settimeout(None)  # the reader thread blocks; close() ends it
        self.on_event = on_event
        self.lock = threading.Lock()
        self.next_id = 0
        self.waiting = {}
        self.closed = None
        self.reader = threading.Thread(target=self._read_loop, daemon=True, name=f"devtools{path}")
        self.reader.start()

    def _message(self) -> bytes:
        """One whole message (Chromium does not fragment today, but continuation frames are joined)."""
        payload = b""
        while True:
            first, second = self.ws._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack("!H", self.ws._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self.ws._read(8))[0]
            opcode, data = first & 0x0F, self.ws._read(n)
            if opcode == 0x8:
                raise ConnectionError(f"DevTools closed the connection: {data[2:].decode(errors='replace')}")
            if opcode == 0x9:
                self.ws.send(0xA, data)
                continue
            if opcode == 0xA:
                continue
            payload += data
            if first & 0x80:
                return payload

    def _read_loop(self):
        try:
            while True:
                message = json.loads(self._message())
                if "id" in message:
                    with self.lock:
                        box = self.waiting.pop(message["id"], None)
                    if box is not None:
                        box.put(message)
                elif self.on_event is not None:
                    self.on_event(message.get("method"), message.get("params", {}))
        except (OSError, AssertionError, ConnectionError, ValueError) as error:
            self.closed = error or "closed"
            with self.lock:
                boxes, self.waiting = list(self.waiting.values()), {}
            for box in boxes:
                box.put({"error": {"message": f"DevTools connection closed: {error}"}})

    def send(self, method: str, params=None, timeout=WAIT_SECONDS, session_id=None):
        """The command's result, or DevToolsError with the protocol's error message."""
        box = queue.Queue(1)
        with self.lock:
            if self.closed is not None:
                raise DevToolsError(f"{method}: DevTools connection closed ({self.closed})")
            self.next_id += 1
            command_id = self.next_id
            self.waiting[command_id] = box
            command = {"id": command_id, "method": method, "params": params or {}}
            if session_id:
                command["sessionId"] = session_id
            self.ws.send(1, json.dumps(command).encode())
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            with self.lock:
                self.waiting.pop(command_id, None)
            raise DevToolsError(f"{method}: no reply within {timeout} s") from None
        if "error" in reply:
            raise DevToolsError(f"{method}: {reply['error'].get('message')} {reply['error'].get('data', '')}".strip())
        return reply.get("result", {})

    def close(self):
        try:
            self.ws.send(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.reader.join(timeout=5)


class Page:
    """A tab: navigation, evaluation, polling, screenshots, and the page's console errors and
    uncaught exceptions (`errors`, `exceptions`; `check()` fails on an exception)."""

    def __init__(self, browser: "Chromium", target_id: str, name: str):
        self.browser = browser
        self.target_id = target_id
        self.name = name
        self.console = []      # every console message: {"type", "text"}
        self.errors = []       # console.error/assert and Log errors (e.g. failed loads): texts
        self.console_errors = []  # console.error/assert only (what the page's own code reported)
        self.exceptions = []   # uncaught exceptions and unhandled rejections: texts
        self.loads = 0         # Page.loadEventFired count
        self.events = []       # other DevTools events: (method, params), e.g. Fetch.requestPaused
        self.condition = threading.Condition()
        self.connection = _Connection(browser.port, f"/devtools/page/{target_id}", self._event)
        for domain in ("Page", "Runtime", "Log"):
            self.connection.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": False})

    # ---------------------------------------------------------------- events

    def _event(self, method, params):
        with self.condition:
            if method == "Page.loadEventFired":
                self.loads += 1
            elif method == "Runtime.consoleAPICalled":
                text = " ".join(_remote_text(arg) for arg in params.get("args", []))
                self.console.append({"type": params.get("type"), "text": text})
                if params.get("type") in ("error", "assert"):
                    self.errors.append(f"console.{params.get('type')}: {text}")
                    self.console_errors.append(text)
            elif method == "Runtime.exceptionThrown":
                self.exceptions.append(_exception_text(params.get("exceptionDetails", {})))
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                if entry.get("level") == "error":
                    self.errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
            elif method and not method.startswith(("Page.", "Runtime.", "Log.")):
                self.events.append((method, params))
            self.condition.notify_all()

    def wait_event(self, method: str, where=lambda params: True, timeout=WAIT_SECONDS):
        """The params of the first recorded DevTools event `method` matching `where`, removed
        from `events` (only domains other than Page, Runtime and Log are recorded)."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for index, (name, params) in enumerate(self.events):
                    if name == method and where(params):
                        del self.events[index]
                        return params
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DevToolsError(f"{self.name}: no {method} within {timeout} s")
                self.condition.wait(left)

    def send(self, method, params=None, timeout=WAIT_SECONDS):
        return self.connection.send(method, params, timeout)

    # ---------------------------------------------------------------- navigation

    def _wait_load(self, before: int, what: str, timeout: float):
        deadline = time.monotonic() + timeout
        with self.condition:
            while self.loads <= before:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DevToolsError(f"{self.name}: {what}: no load event within {timeout} s")
                self.condition.wait(left)

    def navigate(self, url: str, timeout=WAIT_SECONDS):
        """Page.navigate, then waits for Page.loadEventFired."""
        with self.condition:
            before = self.loads
        result = self.send("Page.navigate", {"url": url}, timeout)
        if result.get("errorText"):
            raise DevToolsError(f"{self.name}: navigate {url}: {result['errorText']}")
        self._wait_load(before, f"navigate {url}", timeout)

    def reload(self, timeout=WAIT_SECONDS, ignore_cache=False, wait=True):
        """Page.reload, then waits for Page.loadEventFired. With wait=False, returns a function
        that waits for it (to act while the page is loading)."""
        with self.condition:
            before = self.loads
        self.send("Page.reload", {"ignoreCache": ignore_cache}, timeout)
        finish = lambda: self._wait_load(before, "reload", timeout)  # noqa: E731
        if not wait:
            return finish
        finish()

    # ---------------------------------------------------------------- JavaScript

    def evaluate(self, expression: str, timeout=WAIT_SECONDS):
        """The value of `expression` (awaited if it is a promise, returned by value as JSON);
        JavaScriptError with the exception's text if it throws or rejects."""
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True, "userGesture": True,
                                                "timeout": int(timeout * 1000)}, timeout + 5)
        if "exceptionDetails" in result:
            raise JavaScriptError(f"{self.name}: {_exception_text(result['exceptionDetails'])}\n  in: {expression.strip()[:500]}")
        return result.get("result", {}).get("value")

    def wait_for(self, predicate: str, timeout=WAIT_SECONDS, message=None, diagnostics=None):
        """Polls the JS expression `predicate` every 100 ms until it is truthy; returns its value.
        On timeout: AssertionError naming the predicate, `message`, the last JS error if the
        predicate threw, the page's exceptions, and the value of the JS expression `diagnostics`."""
        deadline = time.monotonic() + timeout
        last_error = None
        while True:
            try:
                value = self.evaluate(predicate, timeout=max(1.0, min(10.0, deadline - time.monotonic())))
                last_error = None
                if value:
                    return value
            except JavaScriptError as error:  # e.g. during a navigation, or an object not there yet
                last_error = error
            except DevToolsError as error:
                last_error = error
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        details = [f"{self.name}: timed out after {timeout} s waiting for: {predicate.strip()}"]
        if message:
            details.append(message)
        if last_error:
            details.append(f"last error: {last_error}")
        if self.exceptions:
            details.append(f"page exceptions ({len(self.exceptions)}): {_first(self.exceptions)}")
        if self.errors:
            details.append(f"console errors ({len(self.errors)}): {_first(self.errors)}")
        if diagnostics:
            try:
                details.append(f"{diagnostics} = {json.dumps(self.evaluate(diagnostics, timeout=5), ensure_ascii=False)[:6000]}")
            except AssertionError as error:
                details.append(f"{diagnostics}: {error}")
        raise AssertionError("\n".join(details))

    # ---------------------------------------------------------------- input

    def click(self, selector: str):
        """Clicks the centre of the first element matching `selector` with real mouse events."""
        box = self.wait_for(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            if (!e) return null;
            e.scrollIntoView({{block: "center"}});
            const r = e.getBoundingClientRect();
            return r.width && r.height ? {{x: r.x + r.width / 2, y: r.y + r.height / 2}} : null;
        }})()""", message=f"no visible element {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"],
                                                   "button": "left", "clickCount": 1})

    def type(self, selector: str, text: str, clear=True):
        """Focuses `selector` and types `text` as key input (input events fire as for a user)."""
        self.wait_for(f"!!document.querySelector({json.dumps(selector)})", message=f"no element {selector}")
        self.evaluate(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            e.focus();
            if ({json.dumps(clear)}) {{ e.select && e.select(); }}
        }})()""")
        if clear:
            self.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Delete", "code": "Delete",
                                                 "windowsVirtualKeyCode": 46})
            self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Delete", "code": "Delete",
                                                 "windowsVirtualKeyCode": 46})
        self.send("Input.insertText", {"text": text})

    def select(self, selector: str, value: str):
        """Chooses `value` in the <select> `selector` as a user would (input and change events)."""
        self.wait_for(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            return !!e && Array.from(e.options).some(o => o.value === {json.dumps(value)} && !o.disabled);
        }})()""", message=f"no option {value!r} in {selector}",
            diagnostics=f"Array.from((document.querySelector({json.dumps(selector)}) || {{options: []}}).options).map(o => o.value)")
        self.evaluate(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            e.focus();
            e.value = {json.dumps(value)};
            e.dispatchEvent(new Event("input", {{bubbles: true}}));
            e.dispatchEvent(new Event("change", {{bubbles: true}}));
        }})()""")

    def press(self, key: str, code=None, key_code=None):
        """A key press (e.g. press("Enter", "Enter", 13))."""
        base = {"key": key, "code": code or key}
        if key_code:
            base["windowsVirtualKeyCode"] = key_code
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **base, **({"text": "\r"} if key == "Enter" else {})})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **base})

    # ---------------------------------------------------------------- evidence

    def screenshot(self, name: str) -> Path:
        """A PNG of the viewport saved as <artifacts>/browser/NAME.png; returns the path."""
        data = self.send("Page.captureScreenshot", {"format": "png"}, timeout=30)["data"]
        path = artifacts_folder() / f"{name}.png"
        path.write_bytes(base64.b64decode(data))
        return path

    def check(self, console_errors=True):
        """Fails if the page threw an uncaught exception or rejected a promise unhandled, or
        (console_errors) called console.error or console.assert failed. Failed loads (the Log
        domain, e.g. a refused WebSocket) are only reported with other failures."""
        assert not self.exceptions, (f"{self.name} threw {len(self.exceptions)} time(s): {_first(self.exceptions)}"
                                     f"\nconsole errors: {_first(self.errors)}")
        if console_errors:
            assert not self.console_errors, f"{self.name} logged console errors: {_first(self.console_errors)}"

    def close(self):
        try:
            self.browser.browser.send("Target.closeTarget", {"targetId": self.target_id}, timeout=5)
        except (DevToolsError, OSError):
            pass
        self.connection.close()


class Context:
    """A browser context: its own cookies and storage, shared by its pages (tabs), like one
    browser profile. Closing it closes its pages."""

    def __init__(self, browser: "Chromium"):
        self.browser = browser
        self.id = browser.browser.send("Target.createBrowserContext", {"disposeOnDetach": True})["browserContextId"]
        self.pages = []

    def new_page(self, name=None) -> Page:
        # the viewport is set by Page (Emulation.setDeviceMetricsOverride): createTarget takes a
        # size only for a context's first window
        target = self.browser.browser.send("Target.createTarget", {
            "url": "about:blank", "browserContextId": self.id})["targetId"]
        page = Page(self.browser, target, name or f"tab{len(self.pages) + 1}")
        self.pages.append(page)
        return page

    def check(self):
        for page in self.pages:
            page.check()

    def close(self):
        for page in self.pages:
            page.close()
        try:
            self.browser.browser.send("Target.disposeBrowserContext", {"browserContextId": self.id}, timeout=10)
        except (DevToolsError, OSError):
            pass


class Chromium:
    """A headless chromium process with remote debugging on a free loopback port. `spki`: base64
    SPKI SHA-256 hashes of certificates to accept (self-signed test certificates)."""

    def __init__(self, spki=(), extra_args=()):
        if CHROMIUM is None:
            raise RuntimeError("chromium is not installed")
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="callgate-chromium-")
        self.log_path = Path(self.profile) / "chromium.log"
        args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                f"--user-data-dir={self.profile}", f"--remote-debugging-port={self.port}",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                # tabs in the background keep their timers (reconnects, acks) at full speed
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows", "--no-default-browser-check",
                "--disable-extensions", "--mute-audio", "--password-store=basic",
                *extra_args]
        if spki:
            args.append("--ignore-certificate-errors-spki-list=" + ",".join(spki))
        args.append("about:blank")
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True)
        self.browser = None
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/version", timeout=2) as response:
                        url = json.load(response)["webSocketDebuggerUrl"]
                    break
                except (OSError, ValueError, KeyError):
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chromium did not start:\n" + self.log_path.read_text(errors="replace")[-3000:])
                time.sleep(0.2)
            self.browser = _Connection(self.port, url.split(str(self.port), 1)[1])
        except BaseException:
            self.close()
            raise

    def new_context(self) -> Context:
        return Context(self)

    def default_page(self) -> Page:
        """The tab chromium opened at start (about:blank), in the default context."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=5) as response:
            target = next(t for t in json.load(response) if t.get("type") == "page")
        return Page(self, target["id"], "default")

    def close(self):
        if self.browser is not None:
            try:
                self.browser.send("Browser.close", timeout=5)
            except (DevToolsError, OSError):
                pass
            self.browser.close()
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 9)  # its own session: the renderers and the zygote too
            except OSError:
                self.process.kill()
            self.process.wait(timeout=10)
        self.log_file.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def _first(texts, count=3, length=600) -> str:
    """The first few distinct texts, each cut short (a page may throw the same thing 1000 times)."""
    distinct = list(dict.fromkeys(texts))
    shown = [text if len(text) <= length else text[:length] + "…" for text in distinct[:count]]
    more = f" … and {len(distinct) - count} more distinct" if len(distinct) > count else ""
    return json.dumps(shown, ensure_ascii=False) + more


def _remote_text(arg) -> str:
    if "value" in arg:
        value = arg["value"]
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return arg.get("description") or arg.get("unserializableValue") or arg.get("type", "")


def _exception_text(details) -> str:
    exception = details.get("exception") or {}
    text = exception.get("description") or details.get("text") or "exception"
    where = details.get("url") or ""
    if where:
        text += f" ({where}:{details.get('lineNumber', 0) + 1}:{details.get('columnNumber', 0) + 1})"
    return text
