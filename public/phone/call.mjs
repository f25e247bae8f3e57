// Over 400 lines on purpose: one INVITE dialog's state machine; hold, DTMF and transfer are in
// call-hold.mjs, call-dtmf.mjs and call-transfer.mjs already.
// One call: the INVITE dialog (RFC 3261 §13–15) and its WebRTC media. Outgoing: INVITE with an
// offer, 18x (early media when it carries the answer: the first description received is the
// answer, §13.2.1), 2xx and ACK, CANCEL before the answer (§9.1). Incoming: 180, 183 with an
// answer for early media, 200 and the ACK (64·T1 without one ends the call, §13.3.1.4), CANCEL.
// In the call: mute, BYE, and what call-hold.mjs (re-INVITE), call-dtmf.mjs and
// call-transfer.mjs (REFER) add to the class.

import { parseNameAddr, parseUri } from "./address.mjs";
import { Cause, State, causeForStatus } from "./call-state.mjs";
import { Dialog } from "./dialog.mjs";
import { audioCounters, createPeerConnection, localDescription, openMicrophone, playRemote } from "./media.mjs";
import { mediaDirection, setMediaDirection } from "./sdp.mjs";
import { TIMEOUT, cancelFor } from "./transaction.mjs";
import { ALLOW, SUPPORTED, randomToken } from "./user-agent.mjs";
import { holdMethods } from "./call-hold.mjs";
import { dtmfMethods } from "./call-dtmf.mjs";
import { transferMethods } from "./call-transfer.mjs";

const now = () => Math.floor(Date.now() / 1000);

export class Call {
  /** `phone` gives ua, options (media, dtmf, holdDirection) and emit(type, call, detail). */
  constructor(phone, { direction, remoteUri, remoteName = null, invite = null, server = null, referredBy = null }) {
    this.phone = phone;
    this.ua = phone.ua;
    this.options = phone.options;
    this.direction = direction;
    this.remoteUri = remoteUri;
    this.remoteName = remoteName;
    this.referredBy = referredBy;
    this.id = invite ? invite.callId : randomToken(12);
    this.state = State.NEW;
    this.cause = Cause.NOT_SET;
    this.created = now();
    this.connected = null;
    this.disconnected = null;
    this.muted = false;
    this.held = false;
    this.remoteHeld = false;
    this.earlyMedia = false;
    this.dialog = null;
    this.pc = null;
    this.stream = null;
    this.invite = invite;
    this.inviteServer = server;
    this.localTag = randomToken(5);
    this.remoteAnswered = false;
    this.localAnswer = null;
    this.provisionalSeen = false;
    this.earlyEmitted = false;
    this.cancelRequested = false;
    this.cancelSent = false;
    this.lastStatus = null;           // the final status that ended it, if one did
    this.ackTimer = null;
    this.awaitingAck = null;
    this.offerPending = false;
    this.glareTimer = null;
    this.transferSubscription = null; // as transferee: the REFER we act on
    this.transferring = false;        // as transferor: our REFER is in progress
    this.ua.calls.add(this);
  }

  get number() { return parseUri(this.remoteUri).user ?? this.remoteUri; }
  get ended() { return this.state === State.HANGUP; }

  /** The view of this call in the Call object's terms (docs/sip.md "Call info"). */
  info() {
    return {
      uniqueid: this.id, direction: this.direction === "outgoing" ? "OUTGOING" : "INCOMING",
      number: this.number, name: this.remoteName, uri: this.remoteUri, state: this.state, cause: this.cause,
      created: this.created, connected: this.connected, disconnected: this.disconnected,
      held: this.held, remoteHeld: this.remoteHeld, muted: this.muted, earlyMedia: this.earlyMedia,
      referredBy: this.referredBy,
    };
  }

  emit(type, detail = {}) { this.phone.emit(type, this, detail); }

  setState(state, event, detail) {
    this.state = state;
    if (event) this.emit(event, detail);
  }

  owns(message) { return !!this.dialog && this.dialog.matches(message); }

  /** Runs `step` after every earlier one of this call has finished: SIP events are handled in
   * arrival order although applying a description is asynchronous. */
  serial(step) {
    this.queue = (this.queue || Promise.resolve()).then(step).catch((error) => {
      this.emit("callError", { error: String(error?.message || error) });
    });
    return this.queue;
  }

  // ------------------------------------------------------------------ media

  async openMedia() {
    this.stream = await openMicrophone(this.options.audioConstraints);
    if (this.ended) {
      this.stopMedia();
      throw new Error("call ended");
    }
    this.pc = createPeerConnection({ iceServers: this.options.iceServers });
    this.remoteAudio = playRemote(this.pc, this.options.remoteAudio);
    return this.stream.getAudioTracks()[0];
  }

  /** The audio transceiver (the only one: calls are audio only). */
  get transceiver() { return this.pc?.getTransceivers()[0] || null; }
  get micTrack() { return this.stream?.getAudioTracks()[0] || null; }

  stopMedia() {
    this.stream?.getTracks().forEach((track) => track.stop());
    this.pc?.close();
    if (this.remoteAudio) this.remoteAudio.srcObject = null;
  }

  /** Applies a remote description. RFC 2543 hold (c=0.0.0.0 without an attribute) is made an
   * explicit sendonly first, as browsers ignore c= (RFC 3264 §8.4). */
  async applyRemote(type, sdp) {
    const direction = mediaDirection(sdp);
    if (direction === "sendonly" && !/^a=sendonly/m.test(sdp)) sdp = setMediaDirection(sdp, "sendonly");
    await this.pc.setRemoteDescription({ type, sdp });
    return direction;
  }

  async stats() { return audioCounters(this.pc); }

  // ------------------------------------------------------------------ outgoing

  /** Places the call: microphone, offer, INVITE. */
  async dial(headers = []) {
    this.setState(State.NEW, "callNew");
    let sdp;
    try {
      const track = await this.openMedia();
      this.pc.addTransceiver(track, { direction: "sendrecv", streams: [this.stream] });
      sdp = await localDescription(this.pc, "offer", this.options.iceGatheringTimeoutMs);
    } catch (error) {
      if (!this.ended) this.end(Cause.UNKNOWN, { error: String(error.message || error) });
      return;
    }
    if (this.ended) return;
    this.setState(State.CONNECTING, "callConnecting");
    const fromTag = this.localTag;
    const build = (cseq, auth) => this.ua.createRequest("INVITE", this.remoteUri, {
      to: this.remoteName ? `"${this.remoteName}" <${this.remoteUri}>` : `<${this.remoteUri}>`,
      callId: this.id, cseq, fromTag, body: sdp,
      headers: [["Contact", this.ua.contact()], ["Allow", ALLOW], ["Supported", SUPPORTED],
        ["Content-Type", "application/sdp"], ...headers, ...auth],
    });
    this.ua.sendAuthenticated(build, 1, {
      isCancelled: () => this.cancelRequested,
      onSent: (request) => {
        this.invite = request;
        this.provisionalSeen = false;
      },
      onProvisional: (response) => this.serial(() => this.outgoingProvisional(response)),
      onFinal: (response) => this.serial(() => this.outgoingFinal(response)),
      onTimeout: () => { if (!this.ended) this.end(Cause.UNAVAILABLE, { status: 408 }); },
    });
  }

  async outgoingProvisional(response) {
    this.provisionalSeen = true;
    if (this.cancelRequested) {
      this.sendCancel();
      return;
    }
    if (this.ended || this.dialog || response.status === 100) return;
    if (response.body && !this.remoteAnswered) {
      this.remoteAnswered = true;
      await this.applyRemote("answer", response.body);
      this.earlyMedia = true;
    }
    if (this.state !== State.RINGING) this.setState(State.RINGING, "callRinging", { status: response.status });
    if (this.earlyMedia && !this.earlyEmitted) {
      this.earlyEmitted = true;
      this.emit("callProgress", { status: response.status, earlyMedia: true });
    }
  }

  async outgoingFinal(response) {
    const { status } = response;
    if (status >= 300) {
      if (!this.ended) {
        this.end(this.cancelRequested ? Cause.CALLER_HANGUP : causeForStatus(status), { status, reason: response.reason });
      }
      return;
    }
    const tag = parseNameAddr(response.get("to")).params.tag;
    if (this.dialog && this.dialog.remoteTag === tag) {
      // the same 2xx again (a UDP hop behind the proxy retransmits it): ACK again (§13.2.2.4)
      this.ua.send(this.dialog.createRequest("ACK", { seq: this.invite.cseq.seq, via: this.ua.via() }));
      return;
    }
    if (this.dialog || this.ended) {
      // a 2xx from another fork, or after we gave up: ACK it and end that dialog (§13.2.2.4)
      const other = Dialog.asUac(this.invite, response);
      this.ua.send(other.createRequest("ACK", { seq: this.invite.cseq.seq, via: this.ua.via() }));
      this.ua.layer.sendRequest(other.createRequest("BYE", { via: this.ua.via() }));
      return;
    }
    this.dialog = Dialog.asUac(this.invite, response);
    this.ua.send(this.dialog.createRequest("ACK", { seq: this.invite.cseq.seq, via: this.ua.via() }));
    if (!this.remoteAnswered && response.body) {
      this.remoteAnswered = true;
      await this.applyRemote("answer", response.body);
    }
    this.connected = now();
    this.setState(State.CONNECTED, "callConnect", { status });
  }

  sendCancel() {
    if (!this.invite || this.cancelSent) return;
    this.cancelSent = true;
    this.ua.layer.sendRequest(cancelFor(this.invite), {});
  }

  // ------------------------------------------------------------------ incoming

  /** A new INVITE for us: 180 Ringing (with a To tag: an early dialog, §12.1.1). */
  ring() {
    this.dialog = Dialog.asUas(this.invite, this.localTag);
    this.inviteServer.respond(180, "Ringing", { toTag: this.localTag, headers: [["Contact", this.ua.contact()]] });
    this.setState(State.RINGING, "callRinging", {});
  }

  /** Makes the local answer to the INVITE's offer (or an offer when it had none). */
  async prepareAnswer() {
    if (this.localAnswer) return this.localAnswer;
    const track = await this.openMedia();
    if (this.invite.body) {
      await this.applyRemote("offer", this.invite.body);
      const transceiver = this.transceiver;
      await transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams?.(this.stream);
      transceiver.direction = "sendrecv";
      this.localAnswer = await localDescription(this.pc, "answer", this.options.iceGatheringTimeoutMs);
    } else {
      // no offer in the INVITE: ours goes in the 200, the answer comes in the ACK (§13.2.1)
      this.pc.addTransceiver(track, { direction: "sendrecv", streams: [this.stream] });
      this.localAnswer = await localDescription(this.pc, "offer", this.options.iceGatheringTimeoutMs);
      this.awaitingAck = "answer";
    }
    return this.localAnswer;
  }

  /** Early media: 183 Session Progress with the answer, before answering. */
  async progress() {
    if (this.direction !== "incoming" || this.state !== State.RINGING || !this.invite.body) return false;
    const sdp = await this.prepareAnswer();
    if (this.ended || this.inviteServer.final) return false;
    this.inviteServer.respond(183, "Session Progress", {
      toTag: this.localTag, body: sdp, headers: [["Contact", this.ua.contact()], ["Content-Type", "application/sdp"]],
    });
    this.earlyMedia = true;
    this.emit("callProgress", { earlyMedia: true });
    return true;
  }

  /** Answers: 200 OK with the answer, then waits for the ACK. */
  async answer() {
    if (this.direction !== "incoming" || this.state !== State.RINGING) return false;
    this.setState(State.CONNECTING);
    let sdp;
    try {
      sdp = await this.prepareAnswer();
    } catch (error) {
      if (!this.ended) {
        this.inviteServer.respond(500, "Media Failure", { toTag: this.localTag });
        this.end(Cause.UNKNOWN, { error: String(error.message || error) });
      }
      return false;
    }
    if (this.ended || this.inviteServer.final) return false;
    this.inviteServer.respond(200, "OK", {
      toTag: this.localTag, body: sdp,
      headers: [["Contact", this.ua.contact()], ["Allow", ALLOW], ["Supported", SUPPORTED], ["Content-Type", "application/sdp"]],
    });
    this.dialog.confirm();
    this.waitForAck();
    this.connected = now();
    this.setState(State.CONNECTED, "callConnect", {});
    return true;
  }

  /** §13.3.1.4: a 2xx that gets no ACK within 64·T1 ends the call with BYE. */
  waitForAck() {
    this.ackTimer = this.ua.timers.setTimeout(() => {
      this.ackTimer = null;
      if (!this.ended) this.hangup({ cause: Cause.UNKNOWN, reason: "no ACK" });
    }, TIMEOUT);
  }

  receiveAck(ack) {
    if (this.ackTimer !== null) this.ua.timers.clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.awaitingAck === "answer" && ack.body) {
      this.awaitingAck = null;
      this.serial(() => this.applyRemote("answer", ack.body));
    }
  }

  /** The caller cancelled (§9.2): 487 to the INVITE. */
  cancelled() {
    if (this.inviteServer && !this.inviteServer.final) this.inviteServer.respond(487, "Request Terminated", { toTag: this.localTag });
    this.end(Cause.CALLER_HANGUP, {});
  }

  /** Refuses a ringing call (486 Busy Here or 603 Decline). */
  reject(status = 603, reason = status === 486 ? "Busy Here" : "Decline") {
    if (this.direction !== "incoming" || this.inviteServer.final) return false;
    this.inviteServer.respond(status, reason, { toTag: this.localTag });
    this.end(Cause.REJECTED, { status });
    return true;
  }

  // ------------------------------------------------------------------ in the dialog

  /** Sends a request in the dialog (answering digest challenges); handlers as sendAuthenticated. */
  request(method, { headers = [], body = "", contentType = null } = {}, handlers = {}) {
    const build = (seq, auth) => {
      this.dialog.localSeq = Math.max(this.dialog.localSeq, seq);
      const all = [...headers, ...(contentType ? [["Content-Type", contentType]] : []), ...auth];
      return this.dialog.createRequest(method, { seq, headers: all, body, via: this.ua.via() });
    };
    this.ua.sendAuthenticated(build, this.dialog.localSeq + 1, {
      onProvisional: () => {}, onFinal: () => {}, onTimeout: () => {}, ...handlers,
    });
  }

  receiveRequest(request, server) {
    this.serial(() => this.handleRequest(request, server));
  }

  handleRequest(request, server) {
    if (!this.dialog.receiveRequest(request)) {
      server.respond(500, "Out Of Order", { headers: [["Retry-After", "1"]] }); // §12.2.2
      return;
    }
    switch (request.method) {
      case "BYE":
        server.respond(200, "OK");
        this.end(this.transferSubscription || this.transferring ? Cause.TRANSFER
          : this.direction === "outgoing" ? Cause.CALLED_HANGUP : Cause.CALLER_HANGUP, { by: "remote" });
        return;
      case "INVITE":
        return this.receiveReinvite(request, server);
      case "INFO":
        this.receiveInfo(request, server);
        return;
      case "REFER":
        this.receiveRefer(request, server);
        return;
      case "NOTIFY":
        this.receiveNotify(request, server);
        return;
      case "OPTIONS":
        server.respond(200, "OK", { headers: [["Allow", ALLOW]] });
        return;
      default:
        server.respond(405, "Method Not Allowed", { headers: [["Allow", ALLOW]] });
    }
  }

  // ------------------------------------------------------------------ mute

  /** Toggles the microphone (the bar's `mute()` is a toggle, docs/compatibility.md §1.4), or sets it when `on` is given. */
  mute(on = !this.muted) {
    if (this.ended) return false;
    this.muted = on;
    if (this.micTrack) this.micTrack.enabled = !on;
    this.emit(on ? "callMute" : "callUnmute");
    return true;
  }

  // ------------------------------------------------------------------ ending

  /** Ends the call from this side, whatever its state: CANCEL before the answer (sent once a
   * provisional response came, §9.1), decline a ringing incoming call, BYE a connected one. */
  hangup({ cause = null, reason = null } = {}) {
    if (this.ended) return false;
    if (this.direction === "outgoing" && !this.dialog) {
      this.cancelRequested = true;
      if (this.provisionalSeen) this.sendCancel();
      this.end(cause ?? Cause.CALLER_HANGUP, { by: "local" });
      return true;
    }
    if (this.direction === "incoming" && this.inviteServer && !this.inviteServer.final) {
      this.inviteServer.respond(603, "Decline", { toTag: this.localTag });
      this.end(cause ?? Cause.REJECTED, { by: "local" });
      return true;
    }
    if (this.dialog) this.request("BYE", reason ? { headers: [["Reason", `SIP;text="${reason}"`]] } : {});
    this.end(cause ?? (this.direction === "outgoing" ? Cause.CALLER_HANGUP : Cause.CALLED_HANGUP), { by: "local" });
    return true;
  }

  end(cause, detail = {}) {
    if (this.ended) return;
    if (detail.status) this.lastStatus = detail.status;
    this.cause = cause;
    this.disconnected = now();
    for (const timer of [this.ackTimer, this.glareTimer]) if (timer !== null) this.ua.timers.clearTimeout(timer);
    this.stopMedia();
    this.ua.calls.delete(this);
    this.setState(State.HANGUP, "callHangup", detail);
  }
}

Object.assign(Call.prototype, holdMethods, dtmfMethods, transferMethods);
