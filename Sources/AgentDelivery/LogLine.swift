/// A log line the engine asks for (`Log.info` in the gateway): an event name and its fields, in
/// order.
public struct LogLine: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public let key: String
        public let value: String
    }

    public let event: String
    public let fields: [Field]

    public init(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) {
        self.event = event
        self.fields = fields.map { Field(key: $0.key, value: $0.value) }
    }

    /// The value of `key`, if the line has it.
    public subscript(key: String) -> String? {
        fields.first { $0.key == key }?.value
    }
}
