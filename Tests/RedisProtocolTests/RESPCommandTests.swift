import Testing
import RedisProtocol

@Suite struct RESPCommandTests {
    @Test func theSpecExample() {
        // redis.io protocol spec, "Sending commands to a Redis server": LLEN mylist.
        #expect(RESPCommand("LLEN", "mylist").encoded == resp("*2\r\n$4\r\nLLEN\r\n$6\r\nmylist\r\n"))
    }

    @Test func argumentsOfEveryKind() {
        let command = RESPCommand("SET", "k", [0x00, 0x0D, 0x0A], "PX", 1500)
        #expect(command.encoded == resp("*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n") + [0x00, 0x0D, 0x0A]
                + resp("\r\n$2\r\nPX\r\n$4\r\n1500\r\n"))
        #expect(RESPCommand("INCRBY", "n", Int64(-3)).encoded == resp("*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$2\r\n-3\r\n"))
        #expect(RESPCommand("GET", "").encoded == resp("*2\r\n$3\r\nGET\r\n$0\r\n\r\n"))
        #expect(RESPCommand("ping").name == "PING")
    }

    @Test func anEncodedCommandParsesBackAsAnArrayOfBulkStrings() throws {
        let command = RESPCommand("XADD", "stream", "MAXLEN", "~", 100, "*", "d", "héllo")
        let parsed = feedSplitEverywhere(command.encoded)
        #expect(parsed.values == [.array(command.arguments.map { .bulkString($0) })])
    }
}
