import AgentProtocol
import CallControlMessages
import Testing
@testable import Switchboard

@Suite struct SessionTests {
    let t0 = Harness.t0

    @Test func signInIdentifyDeviceProvision() throws {
        let board = Harness.board()
        #expect(board.state(of: "alice") == .credentials)
        let signIn = try board.signIn("alice", identifiers: ["10.9.9.9", "sip:2002", "web-alice", "sip:2001"], now: t0)
        #expect(signIn.state == .identify)
        #expect(signIn.identifier == "web-alice")     // sip:2002 is bob's phone
        #expect(signIn.identificators.count == 2)      // alice-phone and the unowned hot desk
        #expect(signIn.identificators.first == .object(["id": .string("alice-phone"), "name": .string("Yealink T54W (Alena)"),
                                                        "extension": .integer(2001),
                                                        "identifiers": .array([.string("10.0.0.7"), .string("sip:2001"), .string("web-alice")])]))
        #expect(signIn.user.displayname == "Alena Nováková")
        #expect(signIn.user.status == .offline)
        #expect(signIn.user.queues.keys.sorted() == [100, 200, 300])
        #expect(signIn.snapshot == nil)
        #expect(board.state(of: "alice") == .identify)
        #expect(board.takeEvents().isEmpty)

        #expect(try board.execute(.selectIdentifier(identifier: "web-alice"), for: "alice", now: t0) == .ok)
        #expect(board.state(of: "alice") == .device)
        #expect(board.takeEvents() == [AddressedEvent(user: "alice", event: .device([
            "id": .string("alice-phone"), "name": .string("Yealink T54W (Alena)"), "extension": .integer(2001),
            "identifier": .string("web-alice")]))])

        #expect(try board.execute(.provision, for: "alice", now: t0 + 1) == .ok)
        #expect(board.state(of: "alice") == .ready)
        let events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice stateChange READY", "alice ready"])
        guard case .ready(let state) = events[1].event else { Issue.record("no ready"); return }
        #expect(state.status == .ready)
        #expect(state.call == nil)
        #expect(state.device?["extension"] == .integer(2001))
        #expect(state.auxReasons == .array([.string("Oběd"), .string("Porada"), .string("Školení")]))
        #expect(state.queues == .object([
            "100": .object(["name": .string("Podpora"), "type": .integer(1)]),
            "200": .object(["name": .string("Prodej"), "type": .integer(1)]),
            "300": .object(["name": .string("Kampaň"), "type": .integer(0)]),
        ]))
        #expect(state.agents == .object(["bob": .string("OFFLINE"), "carol": .string("OFFLINE"), "dana": .string("OFFLINE")]))
        #expect(state.waitingCallers == 0)
        #expect(state.now == t0 + 1)
        #expect(state.lastSeq == 0)
        #expect(state.ringingSound == nil)

        // A second tab: READY with a snapshot, nothing emitted.
        let second = try board.signIn("alice", identifiers: [], now: t0 + 2)
        #expect(second.state == .ready)
        #expect(second.snapshot?.status == .ready)
        #expect(board.takeEvents().isEmpty)
    }

    @Test func signInRefusals() throws {
        var directory = Directory.sample
        directory.users[1].enabled = false
        let board = Switchboard(directory: directory, randomBytes: Harness.randomBytes)
        #expect(Harness.code { _ = try board.signIn("mallory", identifiers: [], now: t0) } == "unknownUser")
        #expect(Harness.code { _ = try board.signIn("bob", identifiers: [], now: t0) } == "accountDisabled")
        #expect(board.state(of: "bob") == .credentials)
    }

    @Test func pairingRefusals() throws {
        let board = Harness.board()
        _ = try board.signIn("alice", identifiers: [], now: t0)
        _ = try board.signIn("bob", identifiers: [], now: t0)
        #expect(Harness.code { _ = try board.execute(.selectIdentifier(identifier: "cisco"), for: "alice", now: t0) } == "unknownIdentifier")
        #expect(Harness.code { _ = try board.execute(.selectIdentifier(identifier: "sip:2002"), for: "alice", now: t0) } == "deviceNotAllowed")
        #expect(Harness.code { _ = try board.execute(.provision, for: "alice", now: t0) } == "noDevice")
        _ = try board.execute(.selectIdentifier(identifier: "web-hotdesk"), for: "alice", now: t0)
        #expect(Harness.code { _ = try board.execute(.selectIdentifier(identifier: "sip:2009"), for: "bob", now: t0) } == "deviceInUse")
        // The identifier candidate skips a phone another user has paired.
        _ = try board.signIn("carol", identifiers: ["sip:2009", "sip:2003"], now: t0).identifier.map { #expect($0 == "sip:2003") }
        #expect(Harness.code { _ = try board.execute(.login(username: "alice", password: "x", remember: false, options: SignInOptions()), for: "alice", now: t0) } == "unsupportedCommand")
        #expect(Harness.code { _ = try board.execute(.hangup, for: "dana", now: t0) } == "notSignedIn")
    }

    @Test func identifyAndLogout() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        #expect(try board.execute(.identify, for: "alice", now: t0 + 5) == .ok)
        #expect(board.state(of: "alice") == .identify)
        let events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice identify"])
        guard case .identify(let list) = events[0].event else { Issue.record("no identify"); return }
        #expect(list.count == 2)

        _ = try board.execute(.selectIdentifier(identifier: "sip:2001"), for: "alice", now: t0 + 6)
        _ = try board.execute(.provision, for: "alice", now: t0 + 6)
        // Status was READY already: no stateChange, just ready.
        #expect(Harness.lines(board) == ["alice device", "alice ready"])

        #expect(try board.execute(.logout, for: "alice", now: t0 + 10) == .ok)
        #expect(Harness.lines(board) == ["alice stateChange OFFLINE"])
        #expect(board.state(of: "alice") == .credentials)
        #expect(board.snapshot(of: "alice", now: t0 + 10) == nil)
        #expect(board.agents.first?.state == .credentials)
        // Statistics: 10 s READY and idle.
        let again = try board.signIn("alice", identifiers: [], now: t0 + 20)
        #expect(again.user.readytime == 10)
        #expect(again.user.idletime == 10)
    }

    @Test func statusReasonsSuspendAndNotify() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        #expect(try board.execute(.changeStatus(status: .aux, reason: "Oběd"), for: "alice", now: t0 + 10) == .ok)
        #expect(Harness.code { _ = try board.execute(.changeStatus(status: .aux, reason: "Kafe"), for: "alice", now: t0 + 11) } == "unknownReason")
        #expect(Harness.code { _ = try board.execute(.changeStatus(status: .aux, reason: nil), for: "alice", now: t0 + 11) } == "unknownReason")
        _ = try board.execute(.changeStatus(status: .aux, reason: "Oběd"), for: "alice", now: t0 + 12)   // unchanged: no event
        _ = try board.execute(.changeStatus(status: .aux, reason: "Porada"), for: "alice", now: t0 + 40)
        _ = try board.execute(.changeStatus(status: .ready, reason: "ignored"), for: "alice", now: t0 + 100)
        #expect(Harness.lines(board) == ["alice stateChange AUX Oběd", "alice stateChange AUX Porada", "alice stateChange READY"])
        let user = Harness.user(board, "alice", now: t0 + 100)
        #expect(user.readytime == 10)
        #expect(user.idletime == 10)
        #expect(user.auxtime == 90)
        #expect(user.auxtimes == ["Oběd": 30, "Porada": 60])
        #expect(board.snapshot(of: "alice", now: t0 + 100)?.reason == nil)

        #expect(try board.execute(.suspend(queue: 100), for: "alice", now: t0 + 100) == .ok)
        _ = try board.execute(.suspend(queue: 100), for: "alice", now: t0 + 100)   // already: no event
        #expect(Harness.code { _ = try board.execute(.suspend(queue: 999), for: "alice", now: t0 + 100) } == "unknownQueue")
        #expect(Harness.code { _ = try board.execute(.resume(queue: 999), for: "alice", now: t0 + 100) } == "unknownQueue")
        #expect(Harness.code { _ = try board.execute(.suspend(queue: 200), for: "bob", now: t0 + 100) } == "notSignedIn")
        #expect(Harness.lines(board) == ["alice agentSuspend 100"])
        try Harness.ready(board, "bob", now: t0 + 100)
        #expect(Harness.code { _ = try board.execute(.suspend(queue: 200), for: "bob", now: t0 + 100) } == "notQueueMember")
        #expect(try board.execute(.resume(queue: 100), for: "alice", now: t0 + 130) == .ok)
        #expect(Harness.lines(board) == ["alice agentResume 100"])
        let queue = Harness.user(board, "alice", now: t0 + 130).queues[100]!
        #expect(queue.suspendtime == 30)
        #expect(queue.suspended == false)

        let note = NotifyParams(title: "Pozor", type: .warning, group: "crm", other: ["values": .object([:])])
        #expect(try board.execute(.notify(note), for: "alice", now: t0 + 130) == .ok)
        #expect(board.takeEvents() == [AddressedEvent(user: "alice", event: .message(AgentMessage(message: "Pozor", type: .warning, group: "crm", data: ["values": .object([:])])))])

        #expect(try board.execute(.selectRingingSound(ringingSound: .christmas), for: "alice", now: t0 + 130) == .ok)
        guard case .state(let state) = try board.execute(.state, for: "alice", now: t0 + 130) else { Issue.record("no state"); return }
        #expect(state.ringingSound == .christmas)
        #expect(state.status == .ready)
        #expect(board.agents.map(\.username) == ["alice", "bob", "carol", "dana"])
        #expect(board.agents.map(\.state) == [.ready, .ready, .credentials, .credentials])
    }
}
