/// A click-to-call number after `NumberPlan.classify`: either an internal extension, kept as
/// its digits, or an external number in E.164.
public enum DialNumber: Hashable, Sendable {
    /// Digits only, 2–6 of them, known to the number plan (`2001`).
    case internalExtension(String)
    /// `+` and 7–15 digits (`+74952294989`).
    case external(String)

    /// The number as the back end dials it: the extension's digits or the E.164 text.
    public var text: String {
        switch self {
        case .internalExtension(let digits): digits
        case .external(let e164): e164
        }
    }

    /// `.pbx` for an extension, `.city` for an external number.
    public var direction: DialDirection {
        switch self {
        case .internalExtension: .pbx
        case .external: .city
        }
    }
}
