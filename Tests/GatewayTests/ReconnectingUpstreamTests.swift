import Testing
import RetryBackoff
@testable import Gateway

/// The reconnect schedule `MuxUpstream` and `RemoteCallControl` share, without a socket: a try
/// that cannot start is a failure with its reason, each failure waits a full-jitter delay within
/// the backoff's ceiling and is counted, and no retry is due before its time.
@Suite struct ReconnectingUpstreamTests {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "ECONNREFUSED" }
    }

    @Test func failuresAreCountedAndRetriedAfterAFullJitterDelay() {
        var upstream = ReconnectingUpstream(channel: "mux", subprotocol: "callgate.mux.v1",
                                            backoff: Backoff(baseMilliseconds: 100, capMilliseconds: 400))
        let metrics = LoopMetrics()
        #expect(upstream.mayConnect(now: 0) && !upstream.retryIsDue(now: 0)) // nothing failed yet: no retry scheduled
        #expect(upstream.connect { throw Refused() } == "cannot connect: ECONNREFUSED")
        var now: UInt64 = 1_000
        for ceiling in [100, 200, 400, 400] {
            let (wasOpen, delay) = upstream.failed(now: now, metrics: metrics)
            #expect(!wasOpen && (1...ceiling).contains(delay))
            #expect(upstream.retryAt == now + UInt64(delay))
            #expect(!upstream.mayConnect(now: now + UInt64(delay) - 1) && !upstream.retryIsDue(now: now + UInt64(delay) - 1))
            #expect(upstream.mayConnect(now: now + UInt64(delay)) && upstream.retryIsDue(now: now + UInt64(delay)))
            now += 1_000
        }
        metrics.publish()
        let published = metrics.snapshot()
        #expect(published.labelled[#"callgate_route_events_total{channel="mux",event="upstream_connect_failed"}"#] == 4)
        #expect(published.upstreams["mux"]?.up == false)
        // A try that starts clears the schedule.
        #expect(upstream.connect { throw Refused() } != nil && upstream.retryAt == nil)
    }
}
