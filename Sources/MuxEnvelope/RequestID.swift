/// The top-level `"id"` of a browser request on a mux channel, kept exactly as the browser
/// wrote it so that an error reply echoes it byte for byte (`GatewayMessage.errorReply`).
///
/// Two ids are equal when they are written the same: `1` and `1.0`, or `"a"` and `"\u0061"`,
/// are different ids. A back end's reply matches a request only if it writes the id the same
/// way (docs/backend-protocol.md, "Requests and replies").
public enum RequestID: Hashable, Sendable {
    /// A JSON number, the literal as written (`17`, `-3`, `1.5e3`).
    case number(String)
    /// A JSON string: the characters between the quotes, escapes kept as written (`a\"b`).
    case string(String)

    /// The JSON literal, as it appeared in the request.
    public var json: String {
        switch self {
        case .number(let literal): literal
        case .string(let contents): "\"" + contents + "\""
        }
    }
}
