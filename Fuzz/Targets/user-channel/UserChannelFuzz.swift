// fuzz-options: -max_len=4096
import AgentDelivery
import FuzzSupport

/// What arrives on a user's channel and on the instances' channel in Redis (docs/cluster.md §6):
/// `UserChannelMessage` (`e`), its ack (`a`) and resend (`r`), `TabJoined` (`j`), `TabPresence`
/// (`p`) and the heartbeat (`h`). Written only by Callgate's instances and Lua scripts, but read
/// from a shared server, so held to the same rules as any parser. Input: the channel message's
/// bytes; its first line also gives the fields of the messages written in the second property.
///
/// Properties:
/// - at most one reader accepts any bytes (each shape has its own first letter);
/// - what a reader accepts, written out again (`bytes`), is read back as the same value;
/// - values built from fields that hold no space (instance names, addresses, epochs: what
///   Callgate writes) are read back as themselves, the last field of `j` and `e` with any bytes.
@main enum UserChannelFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        var accepted = 0
        if let message = UserChannelMessage(bytes: bytes) {
            accepted += 1
            requireEqual(UserChannelMessage(bytes: message.bytes), message, "an event written out again")
        }
        if let seq = UserChannelMessage.ack(bytes) {
            accepted += 1
            requireEqual(UserChannelMessage.ack(UserChannelMessage.ackBytes(seq: seq)), seq, "an ack written out again")
        }
        if let seq = UserChannelMessage.resend(bytes) {
            accepted += 1
            requireEqual(UserChannelMessage.resend(UserChannelMessage.resendBytes(seq: seq)), seq, "a resend written out again")
        }
        if let joined = TabJoined(bytes: bytes) {
            accepted += 1
            requireEqual(TabJoined(bytes: joined.bytes), joined, "a join written out again")
        }
        if let presence = TabPresence(bytes: bytes) {
            accepted += 1
            requireEqual(TabPresence(bytes: presence.bytes), presence, "a presence written out again")
        }
        if let instance = TabPresence.heartbeat(bytes) {
            accepted += 1
            requireEqual(TabPresence.heartbeat(TabPresence.heartbeatBytes(instance: instance)), instance, "a heartbeat written out again")
        }
        require(accepted <= 1, "\(accepted) readers accepted the same bytes")
        written(from: data)
    }

    /// Values built from the input's fields read back as themselves.
    static func written(from data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let flag = input.byte()
        let number = UInt64(input.uint32()) << 16 | UInt64(input.uint16())
        let word = token(input.text())
        let other = token(input.text())
        let tail = Array(input.remaining())
        let seq = max(number, 1)

        let entry = StreamEntry(position: StreamPosition(epoch: word, seq: seq), bytes: tail)
        let message = UserChannelMessage(entry: entry, publishedMilliseconds: Int64(number))
        requireEqual(UserChannelMessage(bytes: message.bytes), message, "an event with a message of any bytes")
        requireEqual(UserChannelMessage.ack(UserChannelMessage.ackBytes(seq: seq)), seq, "an ack")

        let tab = String(decoding: tail, as: UTF8.self)
        let joined = TabJoined(instance: word, address: other, browserTab: tab.isEmpty ? nil : tab, autologout: flag & 1 == 1)
        requireEqual(TabJoined(bytes: joined.bytes), joined, "a join with any browser tab id")

        let presence = TabPresence(instance: word, tabs: Int(number & 0xFFFF), firstJoined: Int64(number) - 1 << 40, ask: flag & 2 == 2)
        requireEqual(TabPresence(bytes: presence.bytes), presence, "a presence")
        requireEqual(TabPresence.heartbeat(TabPresence.heartbeatBytes(instance: word)), word, "a heartbeat")
    }

    /// A field as Callgate writes it: no space, never empty, valid UTF-8 (what a decoded field is).
    static func token(_ text: String) -> String {
        let word = String(text.unicodeScalars.filter { $0 != " " }.map(Character.init))
        return word.isEmpty ? "x" : word
    }
}
