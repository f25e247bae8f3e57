internal import Foundation
import WSFraming

/// A control message of the mux envelope: one JSON object in one WebSocket text frame, with a
/// string member `type` (docs/backend-protocol.md, "Control messages").
///
/// Members a receiver does not know are ignored, and so are unknown `type`s (`.unknown`), so
/// either side may add to the protocol without breaking the other.
public enum MuxControl: Hashable, Sendable {
    /// Gateway → back end, first on every upstream connection.
    case hello(version: Int, instance: String, channel: String)
    /// Gateway → back end: a browser session begins, or is re-announced (`resumed`).
    case open(MuxSessionAnnouncement)
    /// Either way: the session ended. From the gateway, `code` is what the browser sent (1005
    /// when its close frame had no code, 1006 when it vanished without one) or what the gateway
    /// closed it with (4008 on queue overflow); from the back end, the code to close the browser
    /// with, filtered by `CloseCode(muxBackendCode:)`.
    case close(session: UInt32, code: UInt16, reason: String)
    /// A `type` this version does not know; ignored by the receiver.
    case unknown(type: String)

    /// Compact JSON, members in the documented order, nil as `null`; see `JSONWriter` for the
    /// string escaping.
    public func encoded() -> [UInt8] {
        var json = JSONWriter()
        switch self {
        case .hello(let version, let instance, let channel):
            json.raw(#"{"type":"hello","version":"#)
            json.integer(version)
            json.raw(#","instance":"#)
            json.string(instance)
            json.raw(#","channel":"#)
            json.string(channel)
        case .open(let session):
            json.raw(#"{"type":"open","session":"#)
            json.integer(session.session)
            json.raw(#","channel":"#)
            json.string(session.channel)
            json.raw(#","user":"#)
            json.optionalString(session.user)
            json.raw(#","provider":"#)
            json.optionalString(session.provider)
            json.raw(#","address":"#)
            json.string(session.address)
            json.raw(#","path":"#)
            json.string(session.path)
            json.raw(#","query":"#)
            json.string(session.query)
            json.raw(#","subprotocol":"#)
            json.optionalString(session.subprotocol)
            json.raw(#","origin":"#)
            json.optionalString(session.origin)
            json.raw(#","resumed":"#)
            json.bool(session.resumed)
        case .close(let session, let code, let reason):
            json.raw(#"{"type":"close","session":"#)
            json.integer(session)
            json.raw(#","code":"#)
            json.integer(code)
            json.raw(#","reason":"#)
            json.string(reason)
        case .unknown(let type):
            json.raw(#"{"type":"#)
            json.string(type)
        }
        json.raw("}")
        return json.bytes
    }

    /// Decodes a received text frame. Control frames are rare, so Foundation's parser is used.
    ///
    /// Members not listed below are ignored. Required members:
    /// - `hello`: `version` (integer), `instance`, `channel` (strings);
    /// - `open`: `session` (integer 1–4294967295), `channel`, `address`, `path`, `query`
    ///   (strings), `resumed` (boolean); `user`, `provider`, `subprotocol`, `origin` are a string,
    ///   `null` or absent;
    /// - `close`: `session`. `code` is an integer, 1000 when absent; an integer outside
    ///   0–65535 is read as 1011 (it could not pass to the browser anyway). `reason` is a
    ///   string, "" when absent.
    /// Integers may be written with a fraction or exponent as long as the value is whole
    /// (`17.0`, `1.7e1`); booleans are not integers.
    public static func decode(_ text: UnsafeRawBufferPointer) -> Result<MuxControl, MuxProtocolError> {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(text)),
              let object = parsed as? [String: Any] else { return .failure(.controlNotJSONObject) }
        guard let type = object["type"] as? String else { return .failure(.controlWithoutType) }
        let members = Members(object: object, type: type)
        switch type {
        case "hello":
            return Result { () throws(MuxProtocolError) in
                let version = try members.integer("version")
                guard let version = Int(exactly: version) else { throw members.invalid("version") }
                return .hello(version: version, instance: try members.string("instance"),
                              channel: try members.string("channel"))
            }
        case "open":
            return Result { () throws(MuxProtocolError) in
                .open(MuxSessionAnnouncement(
                    session: try members.session(),
                    channel: try members.string("channel"),
                    user: try members.optionalString("user"),
                    provider: try members.optionalString("provider"),
                    address: try members.string("address"),
                    path: try members.string("path"),
                    query: try members.string("query"),
                    subprotocol: try members.optionalString("subprotocol"),
                    origin: try members.optionalString("origin"),
                    resumed: try members.bool("resumed")))
            }
        case "close":
            return Result { () throws(MuxProtocolError) in
                let session = try members.session()
                var code: UInt16 = 1000
                if object["code"] != nil {
                    code = UInt16(exactly: try members.integer("code")) ?? CloseCode.internalError.rawValue
                }
                let reason = object["reason"] == nil ? "" : try members.string("reason")
                return .close(session: session, code: code, reason: reason)
            }
        default:
            return .success(.unknown(type: type))
        }
    }
}

/// Typed access to the members of a decoded control object.
private struct Members {
    let object: [String: Any]
    let type: String

    /// `true` and `false` come out of JSONSerialization as NSNumbers of their own class.
    private static let booleanClass = ObjectIdentifier(Swift.type(of: NSNumber(value: true)))

    func invalid(_ member: String) -> MuxProtocolError {
        .invalidControlMember(type: type, member: member)
    }

    func string(_ member: String) throws(MuxProtocolError) -> String {
        guard let value = object[member] as? String else { throw invalid(member) }
        return value
    }

    func optionalString(_ member: String) throws(MuxProtocolError) -> String? {
        switch object[member] {
        case nil, is NSNull: return nil
        case let value as String: return value
        default: throw invalid(member)
        }
    }

    func bool(_ member: String) throws(MuxProtocolError) -> Bool {
        guard let number = object[member] as? NSNumber,
              ObjectIdentifier(Swift.type(of: number)) == Self.booleanClass else { throw invalid(member) }
        return number.boolValue
    }

    /// A whole number, as an Int64 (saturated far outside any range the protocol uses).
    func integer(_ member: String) throws(MuxProtocolError) -> Int64 {
        guard let number = object[member] as? NSNumber,
              ObjectIdentifier(Swift.type(of: number)) != Self.booleanClass else { throw invalid(member) }
        let value = number.doubleValue
        guard value.isFinite, value.rounded(.towardZero) == value else { throw invalid(member) }
        if value >= 0x1p62 { return Int64.max }
        if value <= -0x1p62 { return Int64.min }
        return Int64(value)
    }

    func session() throws(MuxProtocolError) -> UInt32 {
        guard let session = UInt32(exactly: try integer("session")), session != 0 else { throw invalid("session") }
        return session
    }
}
