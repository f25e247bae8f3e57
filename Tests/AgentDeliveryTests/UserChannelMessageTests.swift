import Testing
@testable import AgentDelivery

/// The user channel's plain lines (docs/cluster.md §6): what an instance reads back from Redis
/// pub/sub is an event entry, a ringing ack, or nothing it acts on.
@Suite struct UserChannelMessageTests {
    @Test func anEntryRoundTripsWithSpacesInItsMessage() {
        let entry = StreamEntry(position: StreamPosition(epoch: "e1", seq: 42), bytes: Array(#"{"a":"b c"}"#.utf8))
        let message = UserChannelMessage(entry: entry, publishedMilliseconds: 1_796_629_275_123)
        #expect(String(decoding: message.bytes, as: UTF8.self) == #"e 42 e1 1796629275123 {"a":"b c"}"#)
        #expect(UserChannelMessage(bytes: message.bytes) == message)
    }

    @Test func aTombstoneHasNoMessage() {
        let read = UserChannelMessage(bytes: Array("e 7 e2 5 ".utf8))
        #expect(read?.entry == StreamEntry(position: StreamPosition(epoch: "e2", seq: 7), bytes: []))
        #expect(read?.entry.isTombstone == true)
    }

    @Test func anAckIsReadOnlyInItsShape() {
        #expect(UserChannelMessage.ack(UserChannelMessage.ackBytes(seq: 17)) == 17)
        for other in ["a ", "a x", "a -1", "e 17", "a 1 2", ""] {
            #expect(UserChannelMessage.ack(Array(other.utf8)) == nil, "\(other)")
        }
    }

    @Test func aResendIsReadOnlyInItsShape() {
        #expect(UserChannelMessage.resend(UserChannelMessage.resendBytes(seq: 9)) == 9)
        #expect(UserChannelMessage.ack(UserChannelMessage.resendBytes(seq: 9)) == nil)
        for other in ["r ", "r x", "r -1", "a 9", "r 1 2", ""] {
            #expect(UserChannelMessage.resend(Array(other.utf8)) == nil, "\(other)")
        }
    }

    @Test func aTabJoinedRoundTripsWithOrWithoutABrowserTabId() {
        let joined = TabJoined(instance: "gw-1:4242", address: "2001:db8::7", browserTab: "tab with spaces", autologout: true)
        #expect(String(decoding: joined.bytes, as: UTF8.self) == "j 1 gw-1:4242 2001:db8::7 tab with spaces")
        #expect(TabJoined(bytes: joined.bytes) == joined)
        let plain = TabJoined(instance: "gw-2:1", address: "10.0.0.1", browserTab: nil, autologout: false)
        #expect(String(decoding: plain.bytes, as: UTF8.self) == "j 0 gw-2:1 10.0.0.1 ")
        #expect(TabJoined(bytes: plain.bytes) == plain)
        for other in ["j", "j ", "j 1 gw 10.0.0.1", "j 2 gw 10.0.0.1 t", "j 1  10.0.0.1 t", "j 1 gw  t", "j 11 gw a t", "a 5"] {
            #expect(TabJoined(bytes: Array(other.utf8)) == nil, "\(other)")
        }
    }

    @Test func aPresenceAndAHeartbeatRoundTrip() {
        let presence = TabPresence(instance: "gw-1:4242", tabs: 3, firstJoined: 1_796_629_275_123, ask: true)
        #expect(String(decoding: presence.bytes, as: UTF8.self) == "p 1 gw-1:4242 3 1796629275123")
        #expect(TabPresence(bytes: presence.bytes) == presence)
        #expect(TabPresence(bytes: Array("p 0 gw 0 0".utf8)) == TabPresence(instance: "gw", tabs: 0, firstJoined: 0, ask: false))
        for other in ["p", "p ", "p 2 gw 1 5", "p 1  1 5", "p 1 gw -1 5", "p 1 gw 1", "p 1 gw 1 5 6", "p 1 gw x 5", "j 1 gw 1 5"] {
            #expect(TabPresence(bytes: Array(other.utf8)) == nil, "\(other)")
        }
        #expect(TabPresence.heartbeat(TabPresence.heartbeatBytes(instance: "gw-2:77")) == "gw-2:77")
        for other in ["h", "h ", "h a b", "p gw"] {
            #expect(TabPresence.heartbeat(Array(other.utf8)) == nil, "\(other)")
        }
    }

    @Test func otherShapesAreNotEntries() {
        for other in ["", "e", "e ", "a 5", "e 0 e1 5 x", "e -1 e1 5 x", "e 5  5 x", "e 5 e1 x y", "e 5 e1", "x 5 e1 5 y",
                      "e 18446744073709551616 e1 5 x"] {
            #expect(UserChannelMessage(bytes: Array(other.utf8)) == nil, "\(other)")
        }
    }
}
