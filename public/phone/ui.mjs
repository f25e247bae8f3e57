// The standalone web phone page (index.html): a form around createPhone(). It keeps every event
// in window.phoneEvents and the phone in window.phone, for a person debugging and for the
// browser tests (Tests/interop/test_phone_browser.py).

import { createPhone } from "./phone.mjs";

const $ = (id) => document.getElementById(id);
const root = $("phone");
const fields = ["url", "user", "password", "domain"];
const query = new URLSearchParams(location.search);
const events = (window.phoneEvents = []);
let phone = null;

for (const name of fields) if (query.has(name)) $(name).value = query.get(name);
if (!$("url").value) $("url").value = `${location.protocol === "https:" ? "wss" : "ws"}://${location.hostname || "127.0.0.1"}:8088`;

for (const tone of "123456789*0#") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = tone;
  button.dataset.tone = tone;
  button.disabled = true;
  button.addEventListener("click", () => phone?.sendDtmf(tone));
  $("keypad").append(button);
}

function log(text) {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  $("log").prepend(item);
}

function describe(event) {
  const call = event.call ? ` ${event.call.direction === "INCOMING" ? "from" : "to"} ${event.call.number}` : "";
  const extra = ["status", "reason", "cause", "digit", "tones", "by", "target", "error"]
    .filter((key) => event[key] !== undefined || (key === "cause" && event.type === "callHangup"))
    .map((key) => `${key}=${key === "cause" ? event.call?.cause : event[key]}`).join(" ");
  return `${event.type}${call} ${extra}`.trim();
}

function render() {
  const state = phone?.state();
  const call = state?.calls.at(-1) || null;
  root.dataset.registration = !phone ? "stopped" : state.registered ? "registered" : root.dataset.registration;
  root.dataset.callState = call ? String(call.state) : "";
  const inCall = !!call && (call.state === 3 || call.state === 5);
  $("answer").disabled = !(call && call.direction === "INCOMING" && call.state === 2);
  $("hangup").disabled = !call;
  $("hold").disabled = !inCall;
  $("hold").setAttribute("aria-pressed", String(!!call?.held));
  $("hold").textContent = call?.held ? "Resume" : "Hold";
  $("mute").disabled = !inCall;
  $("mute").setAttribute("aria-pressed", String(!!call?.muted));
  $("transfer").disabled = !inCall;
  for (const button of $("keypad").children) button.disabled = !inCall;
  $("unregister").disabled = !phone;
  const names = ["new", "connecting", "ringing", "connected", "ended", "on hold"];
  $("call-info").textContent = call
    ? `${call.direction === "INCOMING" ? "From" : "To"} ${call.name ? call.name + " " : ""}${call.number}: ${names[call.state]}${call.remoteHeld ? " (held by the other side)" : ""}${call.muted ? ", muted" : ""}`
    : "No call";
}

function onEvent(event) {
  events.push(event);
  log(describe(event));
  if (event.type === "registered") $("status").textContent = `Registered as ${phone.state().aor}`;
  if (event.type === "registrationFailed") {
    root.dataset.registration = "failed";
    $("status").textContent = `Registration refused: ${event.status} ${event.reason || ""}`;
  }
  if (event.type === "disconnected") {
    root.dataset.registration = "disconnected";
    $("status").textContent = `Disconnected, retrying in ${Math.round((event.retryInMs || 0) / 1000)} s`;
  }
  render();
}

function start() {
  phone?.stop();
  const value = (name) => $(name).value.trim();
  phone = window.phone = createPhone({
    url: value("url"), user: value("user"), password: value("password") || null,
    domain: value("domain") || undefined, remoteAudio: $("remote-audio"), onEvent,
    registerExpires: query.has("expires") ? Number(query.get("expires")) : undefined,
    dtmf: query.get("dtmf") || undefined, holdDirection: query.get("hold") || undefined,
    // ?log=1: every SIP message on the console
    onLog: query.get("log") === "1" ? (direction, text) => console.debug(`SIP ${direction}\n${text}`) : null,
  });
  $("status").textContent = "Connecting…";
  phone.start();
  render();
}

$("settings").addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
$("unregister").addEventListener("click", () => {
  phone?.stop();
  phone = window.phone = null;
  $("status").textContent = "Not registered";
  render();
});
$("dial-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (phone && $("target").value.trim()) phone.call($("target").value.trim());
});
$("answer").addEventListener("click", () => phone?.answer());
$("hangup").addEventListener("click", () => phone?.hangup());
$("hold").addEventListener("click", () => (phone?.find()?.held ? phone.unhold() : phone?.hold()));
$("mute").addEventListener("click", () => phone?.mute());
$("transfer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (phone && $("transfer-target").value.trim()) phone.blindTransfer($("transfer-target").value.trim());
});

render();
if (query.get("start") === "1") start();
