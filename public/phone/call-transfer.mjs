// Call + blind transfer (RFC 3515): REFER to the far end and the NOTIFY sipfrag reports back
// (§2.4.5), and being transferred: 202, a new call to Refer-To, NOTIFY with its outcome.
// Installed on Call.prototype by call.mjs.

import { parseNameAddr, parseUri } from "./address.mjs";
import { Cause } from "./call-state.mjs";

export const transferMethods = {
  /** Asks the far end to call `target` (REFER) and ends this call once it reports success
   * (NOTIFY with a 2xx sipfrag, RFC 3515 §2.4.5). */
  transfer(target) {
    if (this.ended || !this.dialog || this.dialog.state !== "confirmed") return false;
    const uri = this.phone.targetUri(target);
    this.transferring = true;
    this.request("REFER", {
      headers: [["Refer-To", `<${uri}>`], ["Referred-By", `<${this.ua.aor}>`], ["Contact", this.ua.contact()]],
    }, {
      onFinal: (response) => {
        if (response.status >= 300) {
          this.transferring = false;
          this.emit("transferFailed", { status: response.status, reason: response.reason });
        }
      },
      onTimeout: () => {
        this.transferring = false;
        this.emit("transferFailed", { status: 408 });
      },
    });
    this.emit("transferStarted", { target: uri });
    return true;
  },

  receiveNotify(request, server) {
    server.respond(200, "OK");
    if (!/^refer\b/i.test(request.get("event") || "") || !this.transferring) return;
    const status = Number((/^SIP\/2\.0 (\d{3})/.exec(request.body || "") || [])[1] || 0);
    if (status >= 200 && status < 300) {
      this.emit("transferSucceeded", { status });
      this.hangup({ cause: Cause.TRANSFER });
    } else if (status >= 300) {
      this.transferring = false;
      this.emit("transferFailed", { status });
    }
  },

  /** The far end transfers us: accept (202), call the Refer-To target, report with NOTIFY. */
  receiveRefer(request, server) {
    let target;
    try {
      target = parseNameAddr(request.get("refer-to") || "").uri;
      parseUri(target);
    } catch {
      server.respond(400, "Bad Refer-To");
      return;
    }
    if (this.transferSubscription) {
      server.respond(491, "Request Pending");
      return;
    }
    server.respond(202, "Accepted", { headers: [["Contact", this.ua.contact()]] });
    this.transferSubscription = { target };
    this.notifyTransfer("SIP/2.0 100 Trying", "active;expires=60");
    this.emit("callTransferred", { target });
    const referredBy = request.get("referred-by");
    const next = this.phone.placeCall(target, {
      referredBy: referredBy ? parseNameAddr(referredBy).uri : this.remoteUri,
      headers: referredBy ? [["Referred-By", referredBy]] : [],
    });
    const report = (type, call) => {
      if (call !== next) return;
      if (type === "callConnect") {
        this.notifyTransfer("SIP/2.0 200 OK", "terminated;reason=noresource");
        this.phone.off(report);
      } else if (type === "callHangup") {
        this.notifyTransfer(`SIP/2.0 ${call.lastStatus || 503} Failed`, "terminated;reason=noresource");
        this.transferSubscription = null;
        this.phone.off(report);
      }
    };
    this.phone.on(report);
  },

  notifyTransfer(sipfrag, subscriptionState) {
    if (this.ended) return;
    this.request("NOTIFY", {
      body: sipfrag + "\r\n", contentType: "message/sipfrag;version=2.0",
      headers: [["Event", "refer"], ["Subscription-State", subscriptionState], ["Contact", this.ua.contact()]],
    });
  },
};
