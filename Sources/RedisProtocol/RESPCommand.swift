/// One command for a Redis server: its name and arguments, sent as a RESP array of bulk
/// strings, the only type a client sends (RESP3.md "RESP3 overview"; the protocol spec's
/// "Sending commands to a Redis server"): `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
public struct RESPCommand: Sendable, Hashable {
    public var arguments: [[UInt8]]

    public init(arguments: [[UInt8]]) {
        precondition(!arguments.isEmpty, "a command has at least its name")
        self.arguments = arguments
    }

    /// `RESPCommand("SET", "key", value, "PX", 500)`.
    public init(_ name: String, _ arguments: any RESPArgument...) {
        self.init(name, arguments)
    }

    public init(_ name: String, _ arguments: [any RESPArgument]) {
        self.init(arguments: [Array(name.utf8)] + arguments.map(\.respBytes))
    }

    /// The command's name, upper-cased (for metrics and logs; never the arguments, which may be secrets).
    public var name: String { String(decoding: arguments[0], as: UTF8.self).uppercased() }

    /// Appends the wire form to `buffer`.
    public func encode(into buffer: inout [UInt8]) {
        Self.header(UInt8(ascii: "*"), arguments.count, into: &buffer)
        for argument in arguments {
            Self.header(UInt8(ascii: "$"), argument.count, into: &buffer)
            buffer.append(contentsOf: argument)
            buffer.append(0x0D)
            buffer.append(0x0A)
        }
    }

    public var encoded: [UInt8] {
        var buffer: [UInt8] = []
        encode(into: &buffer)
        return buffer
    }

    private static func header(_ type: UInt8, _ count: Int, into buffer: inout [UInt8]) {
        buffer.append(type)
        buffer.append(contentsOf: String(count).utf8)
        buffer.append(0x0D)
        buffer.append(0x0A)
    }
}

/// What can be a command's argument: bytes as they are, text as UTF-8, integers in decimal.
public protocol RESPArgument: Sendable {
    var respBytes: [UInt8] { get }
}

extension String: RESPArgument {
    public var respBytes: [UInt8] { Array(utf8) }
}

extension Substring: RESPArgument {
    public var respBytes: [UInt8] { Array(utf8) }
}

extension Array: RESPArgument where Element == UInt8 {
    public var respBytes: [UInt8] { self }
}

extension Int: RESPArgument {
    public var respBytes: [UInt8] { Array(String(self).utf8) }
}

extension Int64: RESPArgument {
    public var respBytes: [UInt8] { Array(String(self).utf8) }
}

extension UInt64: RESPArgument {
    public var respBytes: [UInt8] { Array(String(self).utf8) }
}
