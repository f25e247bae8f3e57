// Call + hold: re-INVITEs (RFC 3261 §14). Ours put the far end on hold (sendonly or inactive,
// RFC 3264 §8.4, RFC 6337 §5.3) and back, or refresh the target after a reconnect; 491 glare is
// retried after §14.1's wait. Theirs are answered, keeping our own hold. Installed on
// Call.prototype by call.mjs.

import { Cause, State } from "./call-state.mjs";
import { parseNameAddr } from "./address.mjs";
import { localDescription } from "./media.mjs";
import { farEndHolds, isHold, mediaDirection } from "./sdp.mjs";
import { ALLOW } from "./user-agent.mjs";

export const holdMethods = {
  /** A re-INVITE from the far end: answer its offer (keeping our own hold, which the browser
   * does by intersecting directions), or offer in the 200 when it has none. */
  async receiveReinvite(request, server) {
    if (this.offerPending) {
      server.respond(491, "Request Pending"); // §14.2
      return;
    }
    this.offerPending = true;
    try {
      let sdp;
      if (request.body) {
        const direction = await this.applyRemote("offer", request.body);
        sdp = await localDescription(this.pc, "answer", this.options.iceGatheringTimeoutMs);
        this.remoteHoldChanged(isHold(direction));
      } else {
        sdp = await localDescription(this.pc, "offer", this.options.iceGatheringTimeoutMs);
        this.awaitingAck = "answer";
      }
      server.respond(200, "OK", { body: sdp, headers: [["Contact", this.ua.contact()], ["Content-Type", "application/sdp"]] });
      this.waitForAck();
    } catch (error) {
      if (!server.final) server.respond(488, "Not Acceptable Here");
      this.emit("callError", { error: String(error.message || error) });
    } finally {
      this.offerPending = false;
    }
  },

  remoteHoldChanged(held) {
    if (held === this.remoteHeld) return;
    this.remoteHeld = held;
    this.emit(held ? "callHold" : "callResume", { by: "remote" });
  },

  /** Puts the far end on hold: re-INVITE with sendonly (or the configured inactive) and nothing
   * sent meanwhile (the microphone is detached: no music on hold in a browser). */
  hold() { return this.changeHold(true); },

  unhold() { return this.changeHold(false); },

  async changeHold(hold) {
    if (this.ended || !this.dialog || this.dialog.state !== "confirmed" || this.held === hold) return false;
    if (this.offerPending) return false;
    const transceiver = this.transceiver;
    const previous = { direction: transceiver.direction, track: transceiver.sender.track };
    let ok = false;
    try {
      transceiver.direction = hold ? this.options.holdDirection : "sendrecv";
      await transceiver.sender.replaceTrack(hold ? null : this.micTrack);
      ok = await this.reinvite();
    } catch (error) {
      this.emit("callError", { error: String(error?.message || error) });
    }
    if (!ok) {
      if (!this.ended) {
        transceiver.direction = previous.direction;
        await transceiver.sender.replaceTrack(previous.track);
      }
      return false;
    }
    this.held = hold;
    this.setState(hold ? State.HOLD : State.CONNECTED, hold ? "callHold" : "callResume", { by: "local" });
    return true;
  },

  /** A re-INVITE with a new offer from the current transceiver state. Resolves true on 2xx.
   * 491 (glare) is retried after §14.1's random wait; 408/481 end the call (§12.2.1.2); any
   * other failure rolls the offer back. Also used to refresh the target after a reconnect. */
  async reinvite() {
    this.offerPending = true;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const sdp = await localDescription(this.pc, "offer", this.options.iceGatheringTimeoutMs);
        const response = await new Promise((resolve) => this.request("INVITE", {
          body: sdp, contentType: "application/sdp", headers: [["Contact", this.ua.contact()], ["Allow", ALLOW]],
        }, { onFinal: resolve, onTimeout: () => resolve({ status: 408 }) }));
        if (this.ended) return false;
        if (response.status >= 200 && response.status < 300) {
          this.ua.send(this.dialog.createRequest("ACK", { seq: response.cseq.seq, via: this.ua.via() }));
          if (response.get("contact")) this.dialog.remoteTarget = parseNameAddr(response.get("contact")).uri;
          const direction = await this.applyRemote("answer", response.body);
          const holds = farEndHolds(mediaDirection(sdp), direction);
          if (holds !== null) this.remoteHoldChanged(holds);
          return true;
        }
        await this.pc.setLocalDescription({ type: "rollback" });
        if (response.status === 408 || response.status === 481) {
          this.hangup({ cause: Cause.UNKNOWN, reason: `re-INVITE ${response.status}` });
          return false;
        }
        if (response.status !== 491) return false;
        // §14.1: the owner of the Call-ID (the caller) waits 2.1–4 s, the other side 0–2 s
        const wait = this.direction === "outgoing" ? 2100 + Math.random() * 1900 : Math.random() * 2000;
        await new Promise((resolve) => { this.glareTimer = this.ua.timers.setTimeout(resolve, wait); });
        if (this.ended) return false;
      }
      return false;
    } finally {
      this.offerPending = false;
    }
  },
};
