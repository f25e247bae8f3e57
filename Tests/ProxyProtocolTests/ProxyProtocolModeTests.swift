import Testing
@testable import ProxyProtocol

/// Who may send a PROXY header: the decision rests on the TCP peer being a trusted proxy,
/// never on guessing from the bytes (proxy-protocol.txt §2).
@Suite struct ProxyProtocolModeTests {
    static let v1Line = Array("PROXY TCP4 203.0.113.7 10.0.0.1 40000 443\r\nGET".utf8)
    static let v2Header = ProxyHeaderParser.v2Signature + [0x21, 0x11, 0x00, 0x0C, 203, 0, 113, 7, 10, 0, 0, 1, 0x9C, 0x40, 0x01, 0xBB]
    static let http = Array("GET / HTTP/1.1\r\n".utf8)

    static func admit(_ mode: ProxyProtocolMode, _ bytes: [UInt8], trusted: Bool) -> ProxyProtocolMode.Admission {
        bytes.withUnsafeBytes { mode.admit($0, peerIsTrusted: trusted) }
    }

    @Test func aTrustedProxyMustSendAHeaderOfAnAcceptedVersion() {
        let client = IPAddress("203.0.113.7")
        #expect(Self.admit(.v1, Self.v1Line, trusted: true) == .proceed(client: client, headerLength: 43))
        #expect(Self.admit(.any, Self.v1Line, trusted: true) == .proceed(client: client, headerLength: 43))
        #expect(Self.admit(.v2, Self.v2Header, trusted: true) == .proceed(client: client, headerLength: 28))
        #expect(Self.admit(.any, Self.v2Header, trusted: true) == .proceed(client: client, headerLength: 28))
        #expect(Self.admit(.v2, Self.v1Line, trusted: true) == .refuse(.versionNotAccepted(.v1)))
        #expect(Self.admit(.v1, Self.v2Header, trusted: true) == .refuse(.versionNotAccepted(.v2)))
        #expect(Self.admit(.v2, Self.http, trusted: true) == .refuse(.headerMissing))
        #expect(Self.admit(.any, Array("PROXY TCP9 x\r\n".utf8), trusted: true) == .refuse(.malformed(.v1UnknownProtocol("TCP9"))))
        #expect(Self.admit(.any, Array(Self.v2Header[..<15]), trusted: true) == .needMore)
    }

    @Test func aLocalHeaderKeepsThePeersAddress() {
        let local = ProxyHeaderParser.v2Signature + [0x20, 0x00, 0x00, 0x00]
        #expect(Self.admit(.v2, local, trusted: true) == .proceed(client: nil, headerLength: 16))
    }

    @Test func anUntrustedPeersHeaderIsRefusedAndItsPlainRequestServed() {
        #expect(Self.admit(.any, Self.v1Line, trusted: false) == .refuse(.untrustedPeer))
        #expect(Self.admit(.v2, Self.v2Header, trusted: false) == .refuse(.untrustedPeer))
        // Even a header this listener would not take, or a broken one.
        #expect(Self.admit(.v2, Self.v1Line, trusted: false) == .refuse(.untrustedPeer))
        #expect(Self.admit(.any, Array("PROXY TCP9 x\r\n".utf8), trusted: false) == .refuse(.untrustedPeer))
        #expect(Self.admit(.v2, Self.http, trusted: false) == .proceed(client: nil, headerLength: 0))
    }

    @Test func offTakesEverythingAsItIs() {
        #expect(Self.admit(.off, Self.v1Line, trusted: true) == .proceed(client: nil, headerLength: 0))
        #expect(ProxyProtocolMode(rawValue: "v2") == .v2)
        #expect(ProxyProtocolMode(rawValue: "V2") == nil)
    }
}
