import Glibc

/// Line-oriented logging to standard error: `time level event key=value ...`. One write per
/// line, so lines from several loops never interleave.
enum Log {
    enum Level: Int, Comparable, Sendable {
        case debug, info, warning, error
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["debug", "info", "warn", "error"][rawValue] }
    }

    nonisolated(unsafe) static var minimumLevel: Level = .info

    static func debug(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.debug, event, fields) }
    static func info(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.info, event, fields) }
    static func warning(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.warning, event, fields) }
    static func error(_ event: String, _ fields: KeyValuePairs<String, String> = [:]) { write(.error, event, fields) }
    /// Fields made at run time (the delivery engine's `LogLine`).
    static func info(_ event: String, _ fields: [(key: String, value: String)]) { write(.info, event, fields) }

    private static func write(_ level: Level, _ event: String, _ fields: some Sequence<(key: String, value: String)>) {
        guard level >= minimumLevel else { return }
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var time = tm()
        var seconds = spec.tv_sec
        gmtime_r(&seconds, &time)
        var line = String(
            format2(Int(time.tm_year) + 1900, 4) + "-" + format2(Int(time.tm_mon) + 1, 2) + "-" + format2(Int(time.tm_mday), 2)
                + "T" + format2(Int(time.tm_hour), 2) + ":" + format2(Int(time.tm_min), 2) + ":" + format2(Int(time.tm_sec), 2)
                + "." + format2(spec.tv_nsec / 1_000_000, 3) + "Z")
        line += " \(level.name) \(event)"
        for (key, value) in fields {
            line += " \(key)=" + (value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? quoted(value) : value)
        }
        line += "\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    private static func format2(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func quoted(_ value: String) -> String {
        "\"" + value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation in the logging path).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
