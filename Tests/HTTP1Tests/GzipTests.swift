import Foundation
import Testing
@testable import HTTP1

/// One-shot gzip (RFC 1952), checked against an independent decoder: the system's `gzip -dc`.
@Suite struct GzipTests {
    /// `gzip -dc` of `compressed`.
    static func gunzip(_ compressed: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Write from another thread: a large output would otherwise fill the pipe and stall both.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(compressed))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }

    static let text = Array(String(repeating: "window.ucsOperator.dial('+420602123456'); // über\n", count: 400).utf8)

    @Test func gunzipRestoresText() throws {
        let compressed = try Gzip.compress(Self.text)
        #expect(compressed.count < Self.text.count / 10)
        #expect(try Self.gunzip(compressed) == Self.text)
    }

    @Test func headerIsGzipWithoutNameOrTime() throws {
        let compressed = try Gzip.compress(Array("Hello".utf8))
        // RFC 1952 §2.3: ID1 ID2 CM=8 (deflate), FLG=0, MTIME=0; the trailer ends with ISIZE = 5.
        #expect(Array(compressed.prefix(8)) == [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(Array(compressed.suffix(4)) == [0x05, 0x00, 0x00, 0x00])
        #expect(try Gzip.compress(Array("Hello".utf8)) == compressed) // deterministic
    }

    @Test func emptyAndIncompressibleInputs() throws {
        #expect(try Self.gunzip(try Gzip.compress([])) == [])
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let compressed = try Gzip.compress(noise, level: 1)
        #expect(compressed.count > noise.count) // stored blocks plus header: the caller keeps the plain one
        #expect(try Self.gunzip(compressed) == noise)
    }

    @Test func everyLevelRoundTrips() throws {
        for level in [0, 1, 6, 9, 12] { // clamped to 1...9
            #expect(try Self.gunzip(try Gzip.compress(Self.text, level: level)) == Self.text)
        }
    }
}
