import AuthSchemes

/// Why a click-to-call request was refused: the parse errors of `ClickToCallRequest.parse` and
/// `NumberPlan.classify`, and the outcomes only the gateway can find (authentication, the agent,
/// the back end), so that every refusal maps to a status in one place and is answered in the
/// dialect's style by `ClickToCallReply.failure(_:dialect:)`.
///
/// | case | status | code |
/// |---|---|---|
/// | `notFound` | 404 | `notFound` |
/// | `methodNotAllowed` | 405 | `methodNotAllowed` |
/// | `missingNumber`, `numberTooLong`, `numberHasInvalidCharacters`, `numberNotDialable` | 400 | `missingNumber`, `numberTooLong`, `invalidNumber`, `invalidNumber` |
/// | `unknownExtension` | 400 | `unknownExtension` |
/// | `unknownParameter`, `repeatedParameter`, `invalidParameter`, `undecodableQuery` | 400 | same name |
/// | `missingAgent`, `conflictingAgents` | 400 | same name |
/// | `unsupportedCommand` | 400 | `unsupportedCommand` |
/// | `unauthorized(AuthError)` | 401 | `unauthorized` |
/// | `forbidden` | 403 | `forbidden` |
/// | `unknownAgent` | 404 | `unknownAgent` |
/// | `agentUnavailable` | 409 | `agentUnavailable` |
/// | `backendFailed` | 502 | `backendFailed` |
///
/// Reason texts never quote a credential; they may name a parameter (its name, not its value).
public enum ClickToCallError: Error, Equatable, Sendable {
    /// The path is not a click-to-call dialect's (the gateway serves something else there).
    case notFound
    /// Only GET places calls (every source document shows a link); the associated text is the `Allow` value.
    case methodNotAllowed(allowed: String)
    /// The parameter that should hold the number (`number`, `target`, `key=number=`,
    /// `destnumber`) is absent or empty.
    case missingNumber(parameter: String)
    /// More than `NumberPlan.maxNumberLength` characters, or more than 15 digits (E.164's limit).
    case numberTooLong
    /// Letters or other characters that are not digits, a leading `+`, or the separators
    /// space, `-`, `.`, `/`, `(`, `)`.
    case numberHasInvalidCharacters
    /// Well-formed but not a number Callgate can dial; the text says why.
    case numberNotDialable(String)
    /// `direction=pbx` (or a short digits-only number) that is not a known internal extension.
    case unknownExtension
    case unknownParameter(String)
    case repeatedParameter(String)
    /// A parameter's value breaks its rule; `expected` says what is allowed.
    case invalidParameter(name: String, expected: String)
    /// A query escape that does not decode (`%zz`) or does not give UTF-8, or a query too long.
    case undecodableQuery
    /// `/wp_autocallstart` without `user`, `wp` or `line`.
    case missingAgent
    /// More than one of `user`, `wp`, `line`, named in that order.
    case conflictingAgents([String])
    /// A known path asked for something other than dialling (Mia `action=answer`, Yealink
    /// `key=OK`); the text names the command.
    case unsupportedCommand(String)

    // The gateway's outcomes.

    /// The dialect's accepted authentication was absent or refused.
    case unauthorized(AuthError)
    /// Authenticated (or anonymous) but not allowed: a client address not on the allow-list.
    case forbidden
    /// The agent selector resolves to no user (unknown login, workplace or line).
    case unknownAgent
    /// The user exists but no phone or session of theirs can place the call now (signed out,
    /// no device, busy); the text says which.
    case agentUnavailable(String)
    /// The back end refused or failed the dial; the text is its reason.
    case backendFailed(String)

    public var status: Int {
        switch self {
        case .notFound, .unknownAgent: 404
        case .methodNotAllowed: 405
        case .unauthorized: 401
        case .forbidden: 403
        case .agentUnavailable: 409
        case .backendFailed: 502
        case .missingNumber, .numberTooLong, .numberHasInvalidCharacters, .numberNotDialable, .unknownExtension,
             .unknownParameter, .repeatedParameter, .invalidParameter, .undecodableQuery, .missingAgent,
             .conflictingAgents, .unsupportedCommand:
            400
        }
    }

    /// A stable machine-readable name (JSON `code`, the text replies' second word, metrics).
    public var code: String {
        switch self {
        case .notFound: "notFound"
        case .methodNotAllowed: "methodNotAllowed"
        case .missingNumber: "missingNumber"
        case .numberTooLong: "numberTooLong"
        case .numberHasInvalidCharacters, .numberNotDialable: "invalidNumber"
        case .unknownExtension: "unknownExtension"
        case .unknownParameter: "unknownParameter"
        case .repeatedParameter: "repeatedParameter"
        case .invalidParameter: "invalidParameter"
        case .undecodableQuery: "undecodableQuery"
        case .missingAgent: "missingAgent"
        case .conflictingAgents: "conflictingAgents"
        case .unsupportedCommand: "unsupportedCommand"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .unknownAgent: "unknownAgent"
        case .agentUnavailable: "agentUnavailable"
        case .backendFailed: "backendFailed"
        }
    }

    /// A short human text (English, one line).
    public var reason: String {
        switch self {
        case .notFound: "no click-to-call interface here"
        case .methodNotAllowed(let allowed): "method not allowed; use \(allowed)"
        case .missingNumber(let parameter): "\(parameter) is required: the number to call"
        case .numberTooLong: "the number is too long (E.164 allows at most 15 digits)"
        case .numberHasInvalidCharacters:
            "the number may contain only digits, a leading +, spaces and - . / ( )"
        case .numberNotDialable(let why): "the number cannot be dialled: \(why)"
        case .unknownExtension: "not a known internal extension"
        case .unknownParameter(let name): "unknown parameter \(Self.printable(name))"
        case .repeatedParameter(let name): "parameter \(Self.printable(name)) is given more than once"
        case .invalidParameter(let name, let expected): "\(name) must be \(expected)"
        case .undecodableQuery: "the query string has an invalid %-escape, is not UTF-8, or is too long"
        case .missingAgent: "give one of user, wp, line: whose phone places the call"
        case .conflictingAgents(let names): "give only one of user, wp, line (got \(names.joined(separator: ", ")))"
        case .unsupportedCommand(let command): "only dialling is supported here, not \(Self.printable(command))"
        case .unauthorized(let error): error.reason
        case .forbidden: "this client is not allowed to place calls"
        case .unknownAgent: "no such agent"
        case .agentUnavailable(let why): "the agent cannot place a call now: \(why)"
        case .backendFailed(let why): "the call could not be placed: \(why)"
        }
    }

    /// A name echoed from the request, cut to 40 characters and without control characters, so a
    /// reason stays one short line.
    package static func printable(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "?" : $0
        }))
        return cleaned.count > 40 ? String(cleaned.prefix(40)) + "…" : cleaned
    }
}
