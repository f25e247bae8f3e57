import Foundation
import Glibc
import Synchronization
import Testing
@testable import Gateway
@testable import WSFraming

/// A connection is alive while it *receives* (docs/config.md, `limits.idleTimeoutMilliseconds`):
/// an agent tab that gets an event every 100 ms but sends nothing is pinged once it has been
/// silent for the idle time, and dropped when the ping goes unanswered, whatever the gateway
/// writes to it meanwhile. The tab that sends is never pinged.
@Suite(.serialized) struct LivenessTests {
    static let idle = 400, pong = 400

    /// A tab of alice's: logged in with her password, or attached with the session token of
    /// another tab's login (quick: no password hashing, so no ping while it waits).
    private func signedIn(_ gateway: RunningGateway, token: String? = nil, tabID: String? = nil,
                          timeout: Int = 5) throws -> (tab: TestPeer, token: String) {
        let tab = try TestPeer(port: gateway.port, receiveTimeoutSeconds: timeout)
        #expect(tab.upgrade(path: "/ws")?.hasPrefix("HTTP/1.1 101") == true)
        let id = tabID.map { #","tab":"\#($0)""# } ?? ""
        let request = token.map { #"{"id":1,"method":"attach","params":{"lastSeq":0,"token":"\#($0)"\#(id)}}"# }
            ?? #"{"id":1,"method":"login","params":{"username":"alice","password":"alice"\#(id)}}"#
        tab.sendFrame(.text, Array(request.utf8))
        while let frame = tab.readFrame() {
            let text = String(decoding: frame.payload, as: UTF8.self)
            guard text.hasPrefix(#"{"id":1,"result""#) else { continue }
            if let token { return (tab, token) }
            let start = try #require(text.range(of: #""token":""#)).upperBound
            return (tab, String(text[start...].prefix { $0 != "\"" }))
        }
        throw TestFailure("alice's \(token == nil ? "login" : "attach") got no reply")
    }

    final class Stop: Sendable {
        let flag = Atomic(false)
        let lastID = Atomic(0)
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func aTabThatOnlyReceivesIsPingedThenDroppedAtThePongDeadline() throws {
        let gateway = try RunningGateway {
            $0.limits.idleTimeoutMilliseconds = Self.idle
            $0.limits.pongTimeoutMilliseconds = Self.pong
        }
        defer { gateway.stop() }
        let (talker, token) = try signedIn(gateway, timeout: 1)
        let quiet = try signedIn(gateway, token: token).tab
        quiet.sendFrame(.pong, [])   // unsolicited (RFC 6455 §5.5.3): quiet's last frame to the gateway
        let silentSince = Date()

        // The other tab of the same user notifies every 100 ms: a `message` event to both tabs.
        let stop = Stop()
        let sender = Thread {
            var id = 10
            while !stop.flag.load(ordering: .relaxed) {
                id += 1
                talker.sendFrame(.text, Array(#"{"id":\#(id),"method":"notify","params":{"title":"tick \#(id)"}}"#.utf8))
                stop.lastID.store(id, ordering: .relaxed)
                usleep(100_000)
            }
        }
        sender.start()
        defer { stop.flag.store(true, ordering: .relaxed) }

        var pingAt: Double?, messagesAfterPing = 0, closeCode: UInt16?
        while let frame = quiet.readFrame() {
            let elapsed = Date().timeIntervalSince(silentSince)
            if elapsed > 5 { break }   // never dropped: the checks below fail
            switch frame.opcode {
            case .ping where pingAt == nil: pingAt = elapsed
            case .text where pingAt != nil: messagesAfterPing += 1
            case .close: closeCode = 1
            default: break
            }
        }
        let droppedAt = Date().timeIntervalSince(silentSince)
        stop.flag.store(true, ordering: .relaxed)
        let ping = try #require(pingAt, "the tab was never pinged")
        // The loop's timers tick every 250 ms.
        #expect(ping >= Double(Self.idle) / 1000 && ping < Double(Self.idle) / 1000 + 0.6, "pinged after \(ping) s")
        #expect(droppedAt >= ping + Double(Self.pong) / 1000 - 0.05 && droppedAt < ping + Double(Self.pong) / 1000 + 0.6,
                "dropped \(droppedAt - ping) s after the ping")
        #expect(messagesAfterPing > 0, "events kept coming between the ping and the drop")
        #expect(closeCode == nil, "dropped without a closing handshake")
        #expect(gateway.eventually { gateway.metric(.idleTimeouts) == 1 })

        // The tab that sends was never pinged while it sent (up to the reply to its last notify;
        // a ping while its login was being checked, before it sent anything else, does not count).
        usleep(150_000)
        let last = #"{"id":\#(stop.lastID.load(ordering: .relaxed)),"#
        var talking = false, talkerPinged = false
        while let frame = talker.readFrame() {
            let text = String(decoding: frame.payload, as: UTF8.self)
            talking = talking || text.hasPrefix(#"{"id":11,"#)
            talkerPinged = talkerPinged || (talking && frame.opcode == .ping)
            if text.hasPrefix(last) { break }
        }
        #expect(talking && !talkerPinged)
    }

    /// The next `primary` event's data, e.g. `{"primary":true,"tabs":2}`.
    private func primary(_ tab: TestPeer) -> String? {
        while let frame = tab.readFrame() {
            let text = String(decoding: frame.payload, as: UTF8.self)
            if text.hasPrefix(#"{"event":"primary","data":"#) { return String(text.dropFirst(26).dropLast()) }
        }
        return nil
    }

    /// docs/agent-protocol.md §4: a connection with the tab id of one of the user's connections
    /// takes its place (here the primary's) and the old one is closed with 4009.
    @Test func aTabThatComesBackTakesItsPlaceAndTheOldConnectionIsClosed() throws {
        let gateway = try RunningGateway()
        defer { gateway.stop() }
        let (first, token) = try signedIn(gateway, tabID: "tab-A")
        #expect(primary(first) == #"{"primary":true,"tabs":1}"#)
        let other = try signedIn(gateway, token: token).tab              // no tab id: a tab of its own
        #expect(primary(other) == #"{"primary":false,"tabs":2}"#)
        #expect(primary(first) == #"{"primary":true,"tabs":2}"#)

        let back = try signedIn(gateway, token: token, tabID: "tab-A").tab
        #expect(primary(back) == #"{"primary":true,"tabs":2}"#)         // first's place: primary at once
        #expect(primary(other) == #"{"primary":false,"tabs":2}"#)
        #expect(first.readCloseCode() == 4009)

        // A tab id no other connection of the user has is just a new tab.
        let fourth = try signedIn(gateway, token: token, tabID: "tab-B").tab
        #expect(primary(fourth) == #"{"primary":false,"tabs":3}"#)
    }
}
