import JSON

/// The answer about one number: the JSON form of the widget (`GET /lastcaller/?…&format=json`)
/// and the `lastCallers` the ringing event carries.
///
///     {"number":"+420602123456","callers":[{"agent":"alice","name":"Alice Nováková","at":1700000000}]}
///
/// `number` is the E.164 number looked up (null when the caller id was not an external number);
/// `callers` is most recent first; `name` is null when the display name is unknown; `at` is
/// Unix seconds. Written with `JSONWriter` (RFC 8259, members in this order).
public struct LastCallersReply: Hashable, Sendable {
    public var number: String?
    public var callers: [LastCaller]

    public init(number: String?, callers: [LastCaller]) {
        self.number = number
        self.callers = callers
    }

    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 64 + 80 * callers.count)
        json.raw(#"{"number":"#); json.optionalString(number)
        json.raw(#","callers":["#)
        for (index, caller) in callers.enumerated() {
            if index > 0 { json.raw(",") }
            caller.write(into: &json)
        }
        json.raw("]}")
        return json.bytes
    }

    /// `callers` as a JSON array of the same objects, for a Call's `data["lastCallers"]` on the
    /// INCOMING `callRinging` (the agent bar ignores members it does not know).
    public static func jsonValue(_ callers: [LastCaller]) -> JSONValue {
        .array(callers.map { caller in
            .object(["agent": .string(caller.agent), "name": caller.displayName.map(JSONValue.string) ?? .null,
                     "at": .integer(caller.at)])
        })
    }
}
