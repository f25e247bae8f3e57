// The WebRTC side of a call: the microphone (getUserMedia with the agent bar's
// audioInputConstraints, docs/compatibility.md §1.2), the peer connection, waiting for ICE gathering to finish
// (SIP carries one complete description, no trickle), playing the far end, and the audio
// packet counters of getStats (W3C webrtc-stats: inbound-rtp, outbound-rtp).

export const ICE_GATHERING_TIMEOUT_MS = 5000;

/** The microphone. `constraints` are the bar's audioInputConstraints (docs/compatibility.md
 * §1.2: echoCancellation, noiseSuppression, autoGainControl) or any MediaTrackConstraints;
 * absent ones are the browser's defaults. */
export async function openMicrophone(constraints = {}) {
  const audio = constraints && Object.keys(constraints).length ? constraints : true;
  return navigator.mediaDevices.getUserMedia({ audio, video: false });
}

export function createPeerConnection({ iceServers = [] } = {}) {
  return new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
}

/** Resolves when ICE gathering is complete, or after `timeoutMs` with what was gathered (a
 * STUN or TURN server that does not answer must not hold the call up). */
export function waitForIceGathering(pc, timeoutMs = ICE_GATHERING_TIMEOUT_MS) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const check = () => { if (pc.iceGatheringState === "complete") done(); };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", check);
  });
}

/** Makes the local description for `type` ("offer" or "answer"), applies it and returns the
 * SDP with every gathered candidate. */
export async function localDescription(pc, type, timeoutMs) {
  const description = type === "offer" ? await pc.createOffer() : await pc.createAnswer();
  await pc.setLocalDescription(description);
  await waitForIceGathering(pc, timeoutMs);
  return pc.localDescription.sdp;
}

/** Plays the far end's audio in `element` (an <audio>, or a new detached one). */
export function playRemote(pc, element) {
  const audio = element || new Audio();
  audio.autoplay = true;
  pc.addEventListener("track", (event) => {
    audio.srcObject = event.streams[0] || new MediaStream([event.track]);
    audio.play?.().catch(() => {}); // autoplay may wait for a user gesture; the tracks still flow
  });
  return audio;
}

/** Audio RTP counters: {inbound: {packets, bytes}, outbound: {packets, bytes}}. */
export async function audioCounters(pc) {
  const counters = { inbound: { packets: 0, bytes: 0 }, outbound: { packets: 0, bytes: 0 } };
  if (!pc) return counters;
  const report = await pc.getStats();
  report.forEach((stat) => {
    if (stat.kind !== "audio") return;
    if (stat.type === "inbound-rtp") {
      counters.inbound.packets += stat.packetsReceived || 0;
      counters.inbound.bytes += stat.bytesReceived || 0;
    } else if (stat.type === "outbound-rtp") {
      counters.outbound.packets += stat.packetsSent || 0;
      counters.outbound.bytes += stat.bytesSent || 0;
    }
  });
  return counters;
}
