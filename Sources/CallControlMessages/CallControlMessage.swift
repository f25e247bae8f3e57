import JSON
import AgentProtocol

/// One message of the call-control protocol (docs/backend-protocol.md §12): one JSON object in
/// one WebSocket text message, with a string member `type`.
///
/// Members a receiver does not know are ignored, and so are unknown `type`s (`.unknown`), so
/// either side may add to the protocol without a version change.
public enum CallControlMessage: Hashable, Sendable {
    /// Both ways, first on the connection.
    case hello(CallControlHello)
    /// Gateway → back end: one `CallControlRequest`, with an id the answer repeats.
    case request(id: UInt64, CallControlRequest)
    /// Back end → gateway: the answer to request `id`.
    case answer(id: UInt64, CallControlAnswer)
    /// Back end → gateway: an agent event for `user`, the user's event number `n` in the back
    /// end's epoch (`EventNumber`).
    case event(user: String, n: UInt64, event: AgentEvent)
    /// Gateway → back end, after its `hello`, when it connects again: the back end's `epoch` it
    /// last knew and, per user, the last `n` it received (0: none yet), and, if given, the users
    /// it has signed in now. The back end sends every event it still has after those, then
    /// `resynced` (docs/backend-protocol.md §12.5).
    case resync(epoch: String, after: [String: UInt64], signedIn: [String]?)
    /// Back end → gateway: the end of a resync; `lost` names the users whose missed events it
    /// could not all send (another epoch, or no longer kept): the gateway gives their tabs a fresh
    /// state. `signedOut` names users of the gateway's `signedIn` that the back end no longer has
    /// signed in for it: the gateway signs them in again.
    case resynced(lost: [String], signedOut: [String])
    /// A `type` this version does not know, or an event name it does not know; ignored.
    case unknown(type: String)

    /// Compact JSON, members in the documented order, nil as `null` (`JSONWriter`'s escaping).
    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        switch self {
        case .hello(let hello):
            json.raw(#"{"type":"hello","version":"#); json.integer(hello.version)
            if let instance = hello.instance { json.nextKey("instance"); json.string(instance) }
            if let epoch = hello.epoch { json.nextKey("epoch"); json.string(epoch) }
            if let backend = hello.backend { json.nextKey("backend"); json.string(backend) }
        case .request(let id, let request):
            json.raw(#"{"type":"request","id":"#); json.integer(id)
            request.write(into: &json)
        case .answer(let id, let answer):
            json.raw(#"{"type":"answer","id":"#); json.integer(id)
            answer.write(into: &json)
        case .event(let user, let n, let event):
            return Self.event(user: user, n: n, encoded: event.encoded(seq: nil))
        case .resync(let epoch, let after, let signedIn):
            json.raw(#"{"type":"resync","epoch":"#); json.string(epoch)
            json.nextKey("after"); json.raw("{")
            for (index, (user, n)) in after.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { json.raw(",") }
                json.string(user); json.raw(":"); json.integer(n)
            }
            json.raw("}")
            if let signedIn { json.nextKey("signedIn"); json.value(.array(signedIn.sorted().map(JSONValue.string))) }
        case .resynced(let lost, let signedOut):
            json.raw(#"{"type":"resynced","lost":"#); json.value(.array(lost.map(JSONValue.string)))
            if !signedOut.isEmpty { json.nextKey("signedOut"); json.value(.array(signedOut.map(JSONValue.string))) }
        case .unknown(let type):
            json.raw(#"{"type":"#); json.string(type)
        }
        json.raw("}")
        return json.bytes
    }

    /// An event message around an event the agent protocol already encoded
    /// (`{"event":…,"data":{…}}`, no `seq`): `{"type":"event","user":…,"n":…,"event":…,"data":{…}}`.
    /// The back end encodes each event once, however many gateways it sends it to.
    public static func event(user: String, n: UInt64, encoded event: [UInt8]) -> [UInt8] {
        var json = JSONWriter(capacity: event.count + 48)
        json.raw(#"{"type":"event","user":"#); json.string(user)
        json.nextKey("n"); json.integer(n)
        json.raw(",")
        var bytes = json.bytes
        bytes.append(contentsOf: event.dropFirst())
        return bytes
    }

    /// Decodes a received text message with the strict `JSONParser` (docs/backend-protocol.md
    /// §12.7): `.malformed` for anything the receiver must close the connection for,
    /// `.badRequest` for a request the back end answers with an error.
    public static func decode(_ text: UnsafeRawBufferPointer) -> Result<CallControlMessage, CallControlProtocolError> {
        let object: [String: JSONValue]
        switch JSONParser.parse(text) {
        case .success(.object(let members)): object = members
        case .success: return .failure(.malformed("a message that is not a JSON object"))
        case .failure(let error): return .failure(.malformed("not valid JSON (\(error.reason) at byte \(error.offset))"))
        }
        guard case .string(let type)? = object["type"] else { return .failure(.malformed("a message without a string \"type\"")) }
        let fields = JSONFields(object, path: type)
        return Result { () throws(CallControlProtocolError) in
            if type == "request" {
                // Without an id there is nothing to answer; with one, what follows may be refused.
                let id: UInt64, name: String
                do throws(JSONFieldError) {
                    id = try fields.uint64("id")
                    name = try fields.string("request")
                } catch {
                    throw .malformed(error.description)
                }
                return .request(id: id, try CallControlRequest.read(name, fields, id: id))
            }
            do throws(JSONFieldError) {
                switch type {
                case "hello":
                    return .hello(CallControlHello(version: try fields.int("version"), instance: try fields.optionalString("instance"),
                                                   epoch: try fields.optionalString("epoch"), backend: try fields.optionalString("backend")))
                case "answer":
                    return .answer(id: try fields.uint64("id"), try CallControlAnswer.read(fields))
                case "event":
                    let user = try fields.string("user"), n = try fields.uint64("n"), name = try fields.string("event")
                    guard let event = try AgentEvent(name: name, data: try fields.value("data"), path: "event.data") else {
                        return .unknown(type: "event \(name)")
                    }
                    return .event(user: user, n: n, event: event)
                case "resync":
                    let after = try fields.fields("after")
                    var numbers: [String: UInt64] = [:]
                    for user in after.members.keys { numbers[user] = try after.uint64(user) }
                    let signedIn = fields.has("signedIn") ? try users(fields, "signedIn") : nil
                    return .resync(epoch: try fields.string("epoch"), after: numbers, signedIn: signedIn)
                case "resynced":
                    return .resynced(lost: try users(fields, "lost"),
                                     signedOut: try users(fields, "signedOut", default: []))
                default:
                    return .unknown(type: type)
                }
            } catch {
                throw .malformed(error.description)
            }
        }
    }

    /// An array of user names; `fallback` when the member is absent.
    private static func users(_ fields: JSONFields, _ key: String, default fallback: [JSONValue]? = nil) throws(JSONFieldError) -> [String] {
        try fields.each(key, default: fallback) { value, path throws(JSONFieldError) -> String in
            guard case .string(let user) = value else { throw JSONFieldError(path: path, expected: "a string") }
            return user
        }
    }
}

/// The first message each side sends (docs/backend-protocol.md §12.2).
public struct CallControlHello: Hashable, Sendable {
    /// `CallControlProtocol.version`.
    public var version: Int
    /// Gateway → back end: the instance, as in `X-Callgate-Instance`.
    public var instance: String?
    /// Back end → gateway: its epoch (`EventNumber`), the same on every connection until it
    /// restarts without its event counters.
    public var epoch: String?
    /// Back end → gateway: what it is, for logs (`callgate-switchboard 0.1.0`).
    public var backend: String?

    public init(version: Int = CallControlProtocol.version, instance: String? = nil, epoch: String? = nil, backend: String? = nil) {
        self.version = version
        self.instance = instance
        self.epoch = epoch
        self.backend = backend
    }
}
