// What the phone reads from and changes in session descriptions (RFC 8866): the direction of the
// audio stream (RFC 3264 §5.1, §6.1, §8.4: hold is sendonly or inactive), whether RFC 4733
// telephone-event is offered, and the direction edit for a hold offer. Pure text functions;
// the browser's RTCPeerConnection makes and applies the descriptions.

const DIRECTIONS = ["sendrecv", "sendonly", "recvonly", "inactive"];

/** The description split into the session part and its m= sections (lines without CRLF). */
export function sections(sdp) {
  const lines = sdp.split(/\r?\n/).filter((line) => line !== "");
  const session = [];
  const media = [];
  for (const line of lines) {
    if (line.startsWith("m=")) media.push([line]);
    else if (media.length) media[media.length - 1].push(line);
    else session.push(line);
  }
  return { session, media };
}

const join = ({ session, media }) => [...session, ...media.flat()].join("\r\n") + "\r\n";
const directionIn = (lines) => DIRECTIONS.find((d) => lines.includes(`a=${d}`)) || null;
const kindOf = (section) => section[0].slice(2).split(" ")[0];

/** The direction of the first `kind` stream: its own attribute, else the session's, else
 * sendrecv (RFC 3264 §5.1). A rejected stream (port 0) is inactive. RFC 2543 hold (c= 0.0.0.0,
 * RFC 3264 §8.4) counts as sendonly unless an attribute says otherwise. Null: no such stream. */
export function mediaDirection(sdp, kind = "audio") {
  const { session, media } = sections(sdp);
  const section = media.find((s) => kindOf(s) === kind);
  if (!section) return null;
  if (/^m=\S+ 0 /.test(section[0])) return "inactive";
  const direction = directionIn(section) || directionIn(session);
  if (direction) return direction;
  const connection = section.find((l) => l.startsWith("c=")) || session.find((l) => l.startsWith("c="));
  return connection && /\s0\.0\.0\.0$/.test(connection) ? "sendonly" : "sendrecv";
}

/** Sets the direction of every `kind` stream (removing the other direction attributes of the
 * stream and of the session level, which would otherwise apply). */
export function setMediaDirection(sdp, direction, kind = "audio") {
  if (!DIRECTIONS.includes(direction)) throw new RangeError(`not a direction: ${direction}`);
  const parts = sections(sdp);
  const sessionDirection = directionIn(parts.session);
  parts.session = parts.session.filter((l) => !DIRECTIONS.includes(l.slice(2)));
  parts.media = parts.media.map((section) => {
    const own = directionIn(section) || sessionDirection;
    const kept = section.filter((l) => !DIRECTIONS.includes(l.slice(2)));
    const want = kindOf(section) === kind ? direction : own;
    return want ? [...kept, `a=${want}`] : kept;
  });
  return join(parts);
}

/** Whether the side that wrote a description with this direction holds the call: sendonly
 * or inactive, the two hold forms of RFC 3264 §8.4 and RFC 6337 §5.3. */
export function isHold(direction) {
  return direction === "sendonly" || direction === "inactive";
}

/** Whether the first `kind` stream offers RFC 4733 telephone-event. */
export function hasTelephoneEvent(sdp, kind = "audio") {
  const section = sections(sdp).media.find((s) => kindOf(s) === kind);
  return !!section && section.some((l) => /^a=rtpmap:\d+ telephone-event\//i.test(l));
}

/** Whether the far end holds the call, judged from its answer to our offer (RFC 3264 §6.1: the
 * answer's direction is at most the reverse of the offer's). Offering sendrecv, an answer of
 * sendonly or inactive is its hold; offering sendonly (our hold), inactive means it holds too
 * and recvonly that it does not; offering inactive tells nothing (null). */
export function farEndHolds(offered, answered) {
  if (offered === "inactive" || offered === "recvonly") return null;
  if (offered === "sendonly") return answered === "inactive";
  return answered === "sendonly" || answered === "inactive";
}
