import JSON

/// One caller as a shared engine keeps it (docs/cluster.md §6.5): the widget's JSON object for
/// one agent (`LastCallersReply`), `{"agent":"alice","name":"Alena Nováková","at":1700000000}`,
/// one element of the number's list per agent, most recent first.
extension LastCaller {
    public var stored: [UInt8] {
        var json = JSONWriter(capacity: 80)
        write(into: &json)
        return json.bytes
    }

    /// The object `stored` writes; nil for anything else (a foreign or damaged element is skipped).
    public init?(stored: [UInt8]) {
        guard case .object(let fields)? = try? JSONValue(parsing: String(decoding: stored, as: UTF8.self)),
              case .string(let agent)? = fields["agent"], !agent.isEmpty, let at = fields["at"]?.int64Value else { return nil }
        switch fields["name"] {
        case .string(let name)?: self.init(agent: agent, displayName: name, at: at)
        case .null?, nil: self.init(agent: agent, displayName: nil, at: at)
        default: return nil
        }
    }

    /// `{"agent":…,"name":…,"at":…}`, members in this order.
    func write(into json: inout JSONWriter) {
        json.raw(#"{"agent":"#); json.string(agent)
        json.raw(#","name":"#); json.optionalString(displayName)
        json.raw(#","at":"#); json.integer(at)
        json.raw("}")
    }
}
