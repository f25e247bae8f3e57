import Testing
import WSFraming
@testable import Routes

/// Upstream first (docs/config.md): which routes connect their upstream before the 101, what
/// they offer it, and the status each failure gets.
@Suite struct UpstreamFirstTests {
    @Test func failuresMapToGatewayStatuses() {
        let refused = UpstreamFailure.refused("upstream answered the upgrade with 403")
        let unreachable = UpstreamFailure.unreachable("Connection refused")
        #expect(refused.httpStatus == 502 && unreachable.httpStatus == 503 && UpstreamFailure.timedOut.httpStatus == 504)
        #expect([refused.event, unreachable.event, UpstreamFailure.timedOut.event]
                == ["upstream_refused", "upstream_unreachable", "upstream_timeout"])
        #expect(refused.reason.hasSuffix("with 403"))
        // Retry-After only where waiting helps (RFC 9110 §10.2.3 with 503).
        #expect(unreachable.responseHeaders(retryAfterSeconds: 7).map { "\($0.0): \($0.1)" } == ["Retry-After: 7"])
        #expect(refused.responseHeaders(retryAfterSeconds: 7).isEmpty)
        #expect(UpstreamFailure.timedOut.responseHeaders(retryAfterSeconds: 7).isEmpty)
        // After a 101 every failure is a bad gateway close.
        #expect(UpstreamFailure.timedOut.closeAfterUpgrade.code == .badGateway)
    }

    @Test func whichRoutesConnectTheirUpstreamFirst() {
        let pipe = Route(channel: "report", path: "/report", backend: .upstream("ws://127.0.0.1:1/"), authentication: .required)
        #expect(pipe.connectsUpstreamFirst(identified: true))
        #expect(!pipe.connectsUpstreamFirst(identified: false), "a first-message credential comes after the 101")
        var open = pipe
        open.authentication = .none
        #expect(open.connectsUpstreamFirst(identified: false))
        var mux = open
        mux.mode = .mux
        #expect(!mux.connectsUpstreamFirst(identified: true))
        var embedded = open
        embedded.backend = .embedded("echo")
        #expect(!embedded.connectsUpstreamFirst(identified: true))
    }

    @Test func theBrowsersOffersAreForwardedFilteredByTheRoutesList() {
        var route = Route(channel: "phone", path: "/phone", backend: .upstream("ws://127.0.0.1:1/"))
        #expect(route.subprotocolsToForward(offered: ["sip", "x-other"]) == ["sip", "x-other"])
        #expect(route.subprotocolsToForward(offered: []) == [])
        route.subprotocols = ["x-other", "sip"]
        #expect(route.subprotocolsToForward(offered: ["sip", "chat", "x-other"]) == ["sip", "x-other"], "the browser's order")
        #expect(route.subprotocolsToForward(offered: ["chat"]) == [])
    }
}
