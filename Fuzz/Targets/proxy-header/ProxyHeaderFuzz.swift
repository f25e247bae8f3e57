// fuzz-options: -max_len=66000
import FuzzSupport
import ProxyProtocol

/// The PROXY protocol header (`ProxyHeaderParser`, HAProxy `doc/proxy-protocol.txt`) at the
/// start of a connection, and the address parsers behind it. Input: two bytes of cut point,
/// then the connection's first bytes.
///
/// Properties:
/// - the answer does not depend on how the bytes arrive: every prefix shorter than the one the
///   parser decided at answers `needMore`, and every longer one gives the same decision;
/// - a header is no longer than the bytes, at most 107 bytes for v1 and 16 plus its length for v2;
/// - a v1 header with addresses, written again from them (`PROXY TCP4|TCP6 …`), parses to
///   the same endpoints; every address prints as text that parses back to it;
/// - `ProxyProtocolMode.admit` proceeds for a trusted peer exactly when the parser found a
///   header of an accepted version, and never for an untrusted peer that sent one;
/// - the input as an `X-Forwarded-For` or `Forwarded` value names a client that is one of its
///   hops or the proxy.
@main enum ProxyHeaderFuzz {
    static func main() { Fuzzer.run(test) }

    enum Answer: Equatable {
        case outcome(ProxyHeaderParser.Outcome)
        case failed(ProxyProtocolError)
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Answer {
        do throws(ProxyProtocolError) { return .outcome(try ProxyHeaderParser.parse(bytes)) } catch { return .failed(error) }
    }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let cut = Int(input.uint16())
        let bytes = input.remaining()
        let whole = parse(bytes)

        // The first prefix at which the parser decides, found by growing the input.
        var decidedAt = bytes.count
        for end in 0...bytes.count where parse(UnsafeRawBufferPointer(rebasing: bytes[..<end])) != .outcome(.needMore) {
            decidedAt = end
            break
        }
        let probe = cut % (bytes.count + 1)
        let atProbe = parse(UnsafeRawBufferPointer(rebasing: bytes[..<probe]))
        if probe < decidedAt {
            requireEqual(atProbe, .outcome(.needMore), "a prefix of \(probe) bytes before the decision at \(decidedAt)")
        } else {
            requireEqual(atProbe, whole, "a prefix of \(probe) bytes after the decision at \(decidedAt)")
        }

        if case .outcome(.header(let header)) = whole {
            require(header.length <= bytes.count && header.length == decidedAt, "a header of \(header.length) bytes decided at \(decidedAt)")
            switch header.version {
            case .v1: require(header.length <= ProxyHeaderParser.v1MaximumLength, "a v1 line of \(header.length) bytes")
            case .v2: requireEqual(header.length, 16 + (Int(bytes[14]) << 8 | Int(bytes[15])), "a v2 header's length")
            }
            if header.version == .v1, let source = header.source, let destination = header.destination {
                let family = source.address.description.contains(":") ? "TCP6" : "TCP4"
                let line = Array("PROXY \(family) \(source.address) \(destination.address) \(source.port) \(destination.port)\r\n".utf8)
                let again = line.withUnsafeBytes { parse($0) }
                guard case .outcome(.header(let reparsed)) = again else { return require(false, "\(header) written again: \(again)") }
                requireEqual(reparsed.source, header.source, "the source written again")
                requireEqual(reparsed.destination, header.destination, "the destination written again")
            }
            for endpoint in [header.source, header.destination].compactMap({ $0 }) {
                requireEqual(IPAddress(endpoint.address.description), endpoint.address, "\(endpoint.address) printed and parsed")
            }
        }

        for mode in ProxyProtocolMode.allCases where mode != .off {
            let trusted = mode.admit(bytes, peerIsTrusted: true)
            switch whole {
            case .outcome(.header(let header)) where mode.accepts(header.version):
                requireEqual(trusted, .proceed(client: header.source?.address, headerLength: header.length), "trusted, \(mode)")
            case .outcome(.needMore):
                requireEqual(trusted, .needMore, "trusted, \(mode), undecided")
            default:
                require(!isProceed(trusted), "a trusted peer proceeds without an accepted header (\(mode))")
            }
            let untrusted = mode.admit(bytes, peerIsTrusted: false)
            if case .outcome(.header) = whole { require(!isProceed(untrusted), "an untrusted peer's header accepted") }
        }

        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let proxy = IPAddress("10.0.0.1")!
        let trusted = TrustedProxies(ranges: [IPAddressRange("10.0.0.0/8")!])
        for hops in [ForwardedFor.hops(forwarded: [], xForwardedFor: [text]), ForwardedFor.hops(forwarded: [text], xForwardedFor: [])] {
            let client = ForwardedFor.client(peer: proxy, hops: hops, trusted: trusted)
            require(client == .unknown || client == .address(proxy) || hops.contains(client), "a client that is not a hop: \(client)")
            for case .address(let address) in hops {
                requireEqual(IPAddress(address.description), address, "\(address) printed and parsed")
            }
        }
    }

    static func isProceed(_ admission: ProxyProtocolMode.Admission) -> Bool {
        if case .proceed = admission { return true }
        return false
    }
}
