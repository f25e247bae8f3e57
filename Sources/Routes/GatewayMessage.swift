import JSON
import AuthSchemes
import MuxEnvelope

/// The gateway's own text messages to browser sessions of a route, in the agent protocol's
/// shapes (`{"event":…,"data":…}` and `{"id":…,"error":…}`): the authentication gate's answer,
/// and a mux channel's upstream loss and return.
public enum GatewayMessage {
    /// The `error.code` of replies to requests that cannot reach the back end.
    public static let upstreamUnavailable = "upstreamUnavailable"

    /// `{"event":"upstreamLost","data":{"channel":"recording"}}`: sent to each session of a
    /// channel whose upstream connection was lost.
    public static func upstreamLost(channel: String) -> [UInt8] {
        event("upstreamLost", channel: channel)
    }

    /// `{"event":"upstreamRestored","data":{"channel":"recording"}}`: sent to each session once
    /// it has been re-announced (`resumed: true`) on a new upstream connection.
    public static func upstreamRestored(channel: String) -> [UInt8] {
        event("upstreamRestored", channel: channel)
    }

    /// `{"id":<id>,"error":{"code":"upstreamUnavailable","text":"…"}}`, with the request's id
    /// echoed byte for byte as the browser wrote it; without `"id"` when `id` is nil.
    public static func errorReply(id: RequestID?, code: String = upstreamUnavailable, text: String) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{")
        if let id {
            json.raw(#""id":"#)
            json.raw(id.json)
            json.raw(",")
        }
        json.raw(#""error":{"code":"#)
        json.string(code)
        json.raw(#","text":"#)
        json.string(text)
        json.raw("}}")
        return json.bytes
    }

    /// `{"event":"authenticated","data":{"user":"alice","provider":"CRM"}}`: the answer to a
    /// credential sent as the first message; the session is relayed from here on.
    public static func authenticated(_ identity: Identity) -> [UInt8] {
        var json = JSONWriter(capacity: 64)
        json.raw(#"{"event":"authenticated","data":{"user":"#)
        json.string(identity.user)
        json.raw(#","provider":"#)
        json.optionalString(identity.provider)
        json.raw("}}")
        return json.bytes
    }

    private static func event(_ name: StaticString, channel: String) -> [UInt8] {
        var json = JSONWriter(capacity: 64)
        json.raw(#"{"event":""#)
        json.raw(name)
        json.raw(#"","data":{"channel":"#)
        json.string(channel)
        json.raw("}}")
        return json.bytes
    }
}
