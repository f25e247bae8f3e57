import WSFraming
import JSON

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

    /// Decodes a received text frame with the strict `JSONParser`.
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
        guard case .success(.object(let object)) = JSONParser.parse(text) else { return .failure(.controlNotJSONObject) }
        guard case .string(let type)? = object["type"] else { return .failure(.controlWithoutType) }
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
    let object: [String: JSONValue]
    let type: String

    func invalid(_ member: String) -> MuxProtocolError {
        .invalidControlMember(type: type, member: member)
    }

    func string(_ member: String) throws(MuxProtocolError) -> String {
        guard case .string(let value)? = object[member] else { throw invalid(member) }
        return value
    }

    func optionalString(_ member: String) throws(MuxProtocolError) -> String? {
        switch object[member] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw invalid(member)
        }
    }

    func bool(_ member: String) throws(MuxProtocolError) -> Bool {
        guard case .bool(let value)? = object[member] else { throw invalid(member) }
        return value
    }

    /// A whole number, as an Int64 (saturated far outside any range the protocol uses).
    func integer(_ member: String) throws(MuxProtocolError) -> Int64 {
        guard let value = object[member] else { throw invalid(member) }
        if let exact = value.int64Value { return exact }
        guard case .number(let literal) = value, let double = Double(literal), double.isFinite,
              double.rounded(.towardZero) == double else { throw invalid(member) }
        return double > 0 ? Int64.max : Int64.min
    }

    func session() throws(MuxProtocolError) -> UInt32 {
        guard let session = UInt32(exactly: try integer("session")), session != 0 else { throw invalid("session") }
        return session
    }
}
