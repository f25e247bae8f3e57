import Testing
@testable import Switchboard

/// Who click-to-call and device Action URLs name (docs/click-to-call.md §1, §4).
struct LookupTests {
    @Test func anAgentIsNamedByLoginOrPrimaryExtension() {
        let board = Harness.board()
        #expect(board.agent(named: "alice") == "alice")
        #expect(board.agent(named: "2002") == "bob")
        #expect(board.agent(named: "nobody") == nil)
        #expect(board.agent(named: "+2002") == nil)
        #expect(board.agent(named: "9999") == nil)
    }

    @Test func aWorkplaceIsThePhonesOwnerUntilSomeoneSignsInOnIt() throws {
        let board = Harness.board()
        #expect(board.agent(atWorkplace: "10.0.0.7") == "alice")
        #expect(board.agent(atWorkplace: "web-hotdesk") == nil)
        #expect(board.agent(atWorkplace: "10.9.9.9") == nil)
        // dana sits at the unowned hot desk: it is hers while she is signed in on it.
        _ = try board.signIn("dana", identifiers: [], now: Harness.t0)
        _ = try board.execute(.selectIdentifier(identifier: "web-hotdesk"), for: "dana", now: Harness.t0)
        #expect(board.agent(atWorkplace: "web-hotdesk") == "dana")
        #expect(board.agent(onLine: "2009") == "dana")
    }

    @Test func aLineIsAnExtensionInAnyOfThePhonesSpellings() {
        let board = Harness.board()
        for line in ["2001", "sip:2001", "2001@pbx.example", "sip:2001@pbx.example", "alice-phone"] {
            #expect(board.agent(onLine: line) == "alice", "\(line)")
        }
        for line in ["", "sip:", "@pbx", "20a1", "4242"] {
            #expect(board.agent(onLine: line) == nil, "\(line)")
        }
    }

    @Test func anAgentsPartyIsThePairedPhoneElseThePrimaryExtension() throws {
        let board = Harness.board()
        #expect(board.party(of: "alice")?.party == "2001")
        #expect(board.party(of: "alice")?.alias == "Alena Nováková")
        _ = try board.signIn("alice", identifiers: [], now: Harness.t0)
        _ = try board.execute(.selectIdentifier(identifier: "web-hotdesk"), for: "alice", now: Harness.t0)
        #expect(board.party(of: "alice")?.party == "2009")
        #expect(board.party(of: "nobody") == nil)
    }

    @Test func theDirectoryListsEveryInternalExtension() {
        #expect(Directory.sample.internalExtensions == ["2001", "2002", "2003", "2004", "2009"])
    }
}
