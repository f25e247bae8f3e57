import Foundation
import Glibc
import Testing
@testable import WSFraming

/// CPU per compressed message when one event goes to many connections (a fan-out), with a
/// stream per connection against the shared streams (`DeflateStreamPool`), where every message
/// finds the compressor last used by another connection: reset, history primed, compressed.
/// Opt-in: `WSFRAMING_BENCHMARK=1 swift test --filter PerMessageDeflateBenchmarkTests`.
@Suite(.serialized, .enabled(if: getenv("WSFRAMING_BENCHMARK") != nil, "set WSFRAMING_BENCHMARK=1"))
struct PerMessageDeflateBenchmarkTests {
    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Microseconds per message: `rounds` events, each compressed for every codec in turn.
    private func fanOut(_ codecs: [PerMessageDeflate], rounds: Int) throws -> Double {
        let events = (0..<rounds).map { Array(compressibleText(count: 1100 + $0 * 37).suffix(1000)) }
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        let start = Self.now()
        for event in events {
            for codec in codecs {
                output.removeAll(keepingCapacity: true)
                try event.withUnsafeBytes { try codec.compress($0, into: &output) }
            }
        }
        return (Self.now() - start) / Double(rounds * codecs.count) * 1e6
    }

    @Test(arguments: [1, 4, 8])
    func fanOutOfAnEvent(memoryLevel: Int) throws {
        let parameters = PerMessageDeflateParameters(serverMaxWindowBits: 12, clientNoContextTakeover: true)
        let options = PerMessageDeflateOptions(memoryLevel: memoryLevel)
        let dedicated = (0..<500).map { _ in PerMessageDeflate(parameters: parameters, role: .server, options: options) }
        let pool = DeflateStreamPool()
        let shared = (0..<500).map { _ in PerMessageDeflate(parameters: parameters, role: .server, options: options, pool: pool) }
        let noContext = PerMessageDeflateParameters(serverMaxWindowBits: 12, serverNoContextTakeover: true, clientNoContextTakeover: true)
        let resetting = (0..<500).map { _ in PerMessageDeflate(parameters: noContext, role: .server, options: options, pool: pool) }
        _ = try fanOut(dedicated, rounds: 2)
        _ = try fanOut(shared, rounds: 2)
        let each = try fanOut(dedicated, rounds: 10)
        let primed = try fanOut(shared, rounds: 10)
        let fresh = try fanOut(resetting, rounds: 10)
        print(String(format: "memLevel %d, 1000-byte events to 500 connections: stream per connection %.1f µs, shared with history %.1f µs, shared without context %.1f µs per message",
                     memoryLevel, each, primed, fresh))
        #expect(primed > 0 && each > 0 && fresh > 0)
    }
}
