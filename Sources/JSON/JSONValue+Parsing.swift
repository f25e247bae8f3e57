extension JSONValue {
    /// The single JSON value of `text`, read by the strict RFC 8259 parser the gateway uses for
    /// everything it receives (`JSONParser`: no comments, trailing commas or duplicate names,
    /// nesting at most 32 deep). For configuration files and other modules (`Switchboard`'s
    /// directory); no size limit is applied, the caller checks one if it needs to.
    public init(parsing text: String) throws(JSONSyntaxError) {
        var text = text
        let result = text.withUTF8 { JSONParser.parse(UnsafeRawBufferPointer($0)) }
        self = try result.get()
    }

    /// The single JSON value of `bytes`, as `init(parsing:)` reads a `String`, but from bytes as
    /// received, so that invalid UTF-8 is refused (RFC 8259 §8.1) rather than replaced.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) {
        self = try JSONParser.parse(bytes).get()
    }
}
