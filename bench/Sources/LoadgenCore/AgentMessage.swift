/// What the fan-out client needs to know about one text message from the server: an event's name
/// and `seq`, or a reply's id and whether it is a result or an error (docs/agent-protocol.md §1).
///
/// The scan stops as soon as it has what it needs: the event name and `seq`, or the id and
/// `result`/`error`. Callgate writes those members first, so the `data` of an event is not read.
/// Member order is not relied on, only made cheap. Per-session events carry no `seq`, so for them
/// the whole object is walked.
public struct AgentMessage: Equatable, Sendable {
    /// The event name's raw bytes, between the quotes (nil for anything but an event).
    public var eventName: Range<Int>?
    /// `seq` of a per-user event.
    public var seq: Int?
    /// A reply's `id`, when it is an integer.
    public var replyID: Int?
    public var isResult = false
    public var isError = false

    public init() {}

    public var isReply: Bool { self.isResult || self.isError }

    public static func scan(_ bytes: UnsafeRawBufferPointer) -> AgentMessage {
        var message = AgentMessage()
        var scanner = JSONScanner(bytes)
        while let member = scanner.nextMember() {
            if scanner.name(member.name, is: "event") {
                guard let value = scanner.takeValue(), value.count >= 2, bytes[value.lowerBound] == UInt8(ascii: "\"") else { break }
                message.eventName = value.lowerBound + 1 ..< value.upperBound - 1
                if message.seq != nil { break }
            } else if scanner.name(member.name, is: "seq") {
                guard let value = scanner.takeValue() else { break }
                message.seq = JSONScanner.integer(value, in: bytes)
                if message.eventName != nil { break }
            } else if scanner.name(member.name, is: "id") {
                guard let value = scanner.takeValue() else { break }
                message.replyID = JSONScanner.integer(value, in: bytes)
                if message.isReply { break }
            } else if scanner.name(member.name, is: "result") {
                message.isResult = true
                if message.replyID != nil { break }
            } else if scanner.name(member.name, is: "error") {
                message.isError = true
                if message.replyID != nil { break }
            }
        }
        return message
    }

    /// Whether this message is the event `name` (its UTF-8 bytes).
    @inlinable
    public func isEvent(_ name: [UInt8], in bytes: UnsafeRawBufferPointer) -> Bool {
        guard let range = self.eventName, range.count == name.count else { return false }
        return name.withUnsafeBytes { expected in
            memcmpEqual(UnsafeRawBufferPointer(rebasing: bytes[range]), expected)
        }
    }
}

@inlinable
func memcmpEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}

/// The requests the fan-out client sends, as compact JSON text (docs/agent-protocol.md §2).
public enum AgentRequest {
    /// `tab`: the id a browser tab keeps across its reconnects (§4, "Tab id").
    public static func login(id: Int, username: String, password: String, tab: String? = nil) -> [UInt8] {
        Self.request(id: id, method: "login", params: [("username", .string(username)), ("password", .string(password))] + Self.tab(tab))
    }

    public static func selectIdentifier(id: Int, identifier: String) -> [UInt8] {
        Self.request(id: id, method: "selectIdentifier", params: [("identifier", .string(identifier))])
    }

    public static func provision(id: Int) -> [UInt8] {
        Self.request(id: id, method: "provision", params: nil)
    }

    /// §4: resume the user's session in a new tab with the token from `login`.
    public static func attach(id: Int, lastSeq: Int, token: String, tab: String? = nil) -> [UInt8] {
        Self.request(id: id, method: "attach", params: [("lastSeq", .int(lastSeq)), ("token", .string(token))] + Self.tab(tab))
    }

    /// §2.1: answer the call ringing for the user.
    public static func answer(id: Int) -> [UInt8] {
        Self.request(id: id, method: "answer", params: nil)
    }

    private static func tab(_ tab: String?) -> [(String, JSONValue)] {
        tab.map { [("tab", .string($0))] } ?? []
    }

    /// §4: the tab has shown the ringing call `seq`.
    public static func ack(id: Int, seq: Int) -> [UInt8] {
        Self.request(id: id, method: "ack", params: [("seq", .int(seq))])
    }

    static func request(id: Int, method: String, params: [(String, JSONValue)]?) -> [UInt8] {
        var text = "{\"id\":\(id),\"method\":\(JSONValue.string(method).rendered)"
        if let params {
            text += ",\"params\":{" + params.map { "\(JSONValue.string($0.0).rendered):\($0.1.rendered)" }.joined(separator: ",") + "}"
        }
        return Array((text + "}").utf8)
    }
}
