/// A `;name=value` parameter of a URI or header field (RFC 3261 §25.1 `generic-param`,
/// `uri-parameter`), as written: a quoted value keeps its quotes, an escaped one its escapes.
/// Names compare case-insensitively (§19.1.4, §20).
public struct SIPParameter: Hashable, Sendable {
    public var name: String
    /// Nil for a parameter without `=` (`;lr`, `;rport`).
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == SIPParameter {
    /// The first parameter named `name` (case-insensitive): `.some(nil)` when it has no value,
    /// nil when absent.
    public func value(of name: String) -> String?? {
        let lowered = name.lowercased()
        guard let parameter = first(where: { $0.name.lowercased() == lowered }) else { return nil }
        return .some(parameter.value)
    }

    public func contains(named name: String) -> Bool {
        value(of: name) != nil
    }
}
