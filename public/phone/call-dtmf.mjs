// Call + DTMF: tones sent as RFC 4733 telephone-events through RTCDTMFSender, else as SIP INFO
// (dtmf.mjs), and tones received by INFO. Installed on Call.prototype by call.mjs.

import { DEFAULT_DURATION_MS, DEFAULT_GAP_MS, normalizeTones, parseInfo, relayBody } from "./dtmf.mjs";

export const dtmfMethods = {
  /** Sends tones: RFC 4733 telephone-events when the sender can, else one INFO per tone.
   * `via` ("auto", "rfc4733", "info") overrides the phone's `dtmf` option for this call. */
  async sendDtmf(tones, { durationMs = DEFAULT_DURATION_MS, gapMs = DEFAULT_GAP_MS, via = this.options.dtmf } = {}) {
    tones = normalizeTones(tones);
    if (this.ended || !this.dialog || this.dialog.state !== "confirmed") return null;
    const sender = this.transceiver?.sender;
    if (via !== "info" && sender?.dtmf?.canInsertDTMF) {
      sender.dtmf.insertDTMF(tones, durationMs, gapMs);
      this.emit("dtmfSent", { tones, via: "rfc4733" });
      return "rfc4733";
    }
    if (via === "rfc4733") {
      this.emit("callError", { error: "RFC 4733 DTMF cannot be sent now (no telephone-event or no audio track)" });
      return null;
    }
    for (const tone of tones.replace(/,/g, "")) {
      const response = await new Promise((resolve) => this.request("INFO", {
        body: relayBody(tone, durationMs), contentType: "application/dtmf-relay",
      }, { onFinal: resolve, onTimeout: () => resolve({ status: 408 }) }));
      if (response.status >= 300) {
        this.emit("callError", { error: `INFO ${response.status}` });
        return null;
      }
    }
    this.emit("dtmfSent", { tones, via: "info" });
    return "info";
  },

  receiveInfo(request, server) {
    if (!request.body) {
      server.respond(200, "OK"); // an empty INFO checks that the dialog lives
      return;
    }
    const tone = parseInfo(request.get("content-type"), request.body);
    if (!tone) {
      server.respond(415, "Unsupported Media Type", { headers: [["Accept", "application/dtmf-relay, application/dtmf"]] });
      return;
    }
    server.respond(200, "OK");
    this.emit("dtmf", { digit: tone.digit, durationMs: tone.durationMs, via: "info" });
  },
};
