import Foundation

/// Runs `openssl` or `python3` so the auth tests check Callgate against an independent
/// implementation instead of against itself.
public enum ExternalTool {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The tool's standard output; throws when it cannot start or exits non-zero.
    public static func run(_ tool: String, _ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(tool) exited \(process.terminationStatus): \(errorText)")
        }
        return Array(data)
    }

    /// Output of `python3 -c script args…` as text.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        String(decoding: try run("python3", ["-c", script] + arguments), as: UTF8.self)
    }

    /// Output of `sh -c script sh args…` as text.
    public static func shell(_ script: String, _ arguments: [String] = []) throws -> String {
        String(decoding: try run("sh", ["-c", script, "sh"] + arguments), as: UTF8.self)
    }
}
