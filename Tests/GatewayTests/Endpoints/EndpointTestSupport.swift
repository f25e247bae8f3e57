import Foundation
import HTTP1
import WSFraming
@testable import Gateway

/// Endpoints are tested without a socket: a `ServerContext` from a configuration, a request head
/// built here, and the `EndpointAction` the endpoint returns.
enum EndpointTestSupport {
    /// A context for `json` (merged over the defaults), with its own state directory.
    static func context(_ json: String = "{}") throws -> ServerContext {
        var config = GatewayConfig()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("callgate-endpoints-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        config.stateDirectory = directory
        try config.apply(json: Data(json.utf8))
        return try ServerContext(config: config)
    }

    /// A request from `peer` (by default an address that is not loopback) on a plain connection.
    static func request(_ method: String = "GET", _ target: String, headers: [(String, String)] = [],
                        peer: String = "192.0.2.7", tls: Bool = false) -> EndpointRequest {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: "gateway.example")
        for (name, value) in headers { fields.add(name: name, value: value) }
        return EndpointRequest(head: HTTPRequestHead(method: method, target: target, headers: fields), peerHost: peer,
                               isTLS: tls, metrics: LoopMetrics())
    }

    /// RFC 6455 §1.3's key and the accept value it must give.
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="
    static let acceptValue = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    /// A valid opening handshake (RFC 6455 §4.2.1) for `target`, with `headers` added.
    static func upgrade(_ target: String, headers: [(String, String)] = [], peer: String = "192.0.2.7") -> EndpointRequest {
        request("GET", target, headers: [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
                                         ("Sec-WebSocket-Version", "13")] + headers, peer: peer)
    }

    /// `upgrade` with one of its header fields replaced (nil: left out).
    static func upgrade(_ target: String, replacing name: String, with value: String?) -> EndpointRequest {
        var fields: [(String, String)] = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
                                          ("Sec-WebSocket-Version", "13")].filter { $0.0 != name }
        if let value { fields.append((name, value)) }
        return request("GET", target, headers: fields)
    }
}

extension EndpointAction {
    /// Whether the endpoint handed the request to the agent hub (its checks passed).
    var asksHub: Bool {
        if case .askHub = self { return true }
        return false
    }

    /// The upgrade, when the endpoint accepted one.
    var accepted: AcceptedUpgrade? {
        if case .upgrade(let accepted) = self { return accepted }
        return nil
    }
}

extension AcceptedUpgrade {
    /// The 101 as text.
    var responseText: String { String(decoding: response(), as: UTF8.self) }
}

extension HTTPAnswer {
    func header(_ name: String) -> String? { head.headers[name] }
    func headers(_ name: String) -> [String] { head.headers.values(for: name) }
}
