import Testing
@testable import AgentDelivery
import ActionURLs
import ClickToCall
import LastCallersWidget
import AgentProtocol
import CallControlMessages
import AuthSchemes
import MuxEnvelope
import JSON
import WSFraming

/// A delivery engine driven in memory: tabs opened by number, requests sent, and the call-control
/// back end's answers and events written by each test (a scripted stand-in for the back end, in
/// place of the Switchboard or a remote one). Nothing here is a socket or a clock.
struct EngineHarness {
    var engine: DeliveryEngine
    var time = DeliveryTime(milliseconds: 10_000, unixSeconds: 1_700_000_000)
    private var lastID = 0

    static let plan = NumberPlan(defaultCountry: "420", nationalNumberDigits: 9, internalExtensions: ["2001", "2002"])!

    init(actionURLs: Bool = false, clickDedupSeconds: Int = 5, sharedStream: Bool = false, instance: String = "",
         _ configure: (inout DeliverySettings) -> Void = { _ in }) {
        var settings = DeliverySettings()
        configure(&settings)
        engine = DeliveryEngine(settings: settings, numbering: Self.plan,
                                displayNames: ["alice": "Alena Nováková", "bob": "Bob Novák"], lastCallers: LastCallers(),
                                clickDedupSeconds: clickDedupSeconds, actionURLOffsetSeconds: actionURLs ? 3_600 : nil,
                                sharedStream: sharedStream, instance: instance)
    }

    mutating func handle(_ input: DeliveryInput) -> [DeliveryAction] {
        engine.handle(input, at: time)
    }

    mutating func advance(milliseconds: UInt64) {
        time.milliseconds += milliseconds
        time.unixMilliseconds += Int64(milliseconds)
        time.unixSeconds = time.unixMilliseconds / 1_000
    }

    mutating func nextID() -> RequestID {
        lastID += 1
        return .number("\(lastID)")
    }

    /// A request of `tab`; its id is the harness's next.
    mutating func request(_ tab: TabID, _ command: AgentCommand) -> [DeliveryAction] {
        handle(.request(tab, nextID(), command))
    }

    @discardableResult
    mutating func open(_ number: UInt64, address: String = "10.0.0.1", identity: Identity? = nil) -> TabID {
        let tab = TabID(number)
        _ = handle(.tabOpened(tab, TabOrigin(address: address, identifiers: ["web-\(number)", address], upgradeIdentity: identity)))
        return tab
    }

    /// `login` with the right password; the back end signs `user` in with `state`. The actions
    /// after the sign-in's answer.
    @discardableResult
    mutating func logIn(_ tab: TabID, _ user: String, state: AgentState = .ready, options: SignInOptions = SignInOptions())
        -> [DeliveryAction] {
        let asked = request(tab, .login(username: user, password: "secret", remember: false, options: options))
        guard let check = asked.passwordTicket else {
            Issue.record("no password check in \(asked)")
            return asked
        }
        let checked = handle(.passwordChecked(check, .right(enabled: true)))
        guard let (ticket, request) = checked.callControl.first, let ticket else {
            Issue.record("no sign-in in \(checked)")
            return checked
        }
        #expect(request == .signIn(user: user, identifiers: engine.tabs[tab]!.origin.identifiers))
        return handle(.callControlAnswered(ticket, .signedIn(Self.signIn(user, state: state))))
    }

    /// Events of the back end for `user`.
    mutating func emit(_ user: String, _ events: AgentEvent...) -> [DeliveryAction] {
        handle(.callControlEvents(events.map { AddressedEvent(user: user, event: $0) }))
    }

    /// Answers the first call-control request of `actions` that waits for an answer.
    mutating func answer(_ actions: [DeliveryAction], _ answer: CallControlAnswer) -> [DeliveryAction] {
        guard let ticket = actions.callControl.compactMap(\.ticket).first else {
            Issue.record("nothing waits for an answer in \(actions)")
            return []
        }
        return handle(.callControlAnswered(ticket, answer))
    }

    // MARK: the back end's objects

    static func user(_ name: String) -> User {
        User(id: name.count, displayname: name, status: .ready)
    }

    static func snapshot(_ name: String) -> AgentSnapshot {
        AgentSnapshot(status: .ready, user: user(name), now: 1_700_000_000, lastSeq: 0)
    }

    static func signIn(_ name: String, state: AgentState) -> SignIn {
        SignIn(user: user(name), state: state, identificators: [], identifier: state == .ready ? nil : "web-1",
               snapshot: state == .ready ? snapshot(name) : nil)
    }

    static func call(_ uniqueid: String, _ direction: CallDirection = .incoming, state: CallState = .ringing,
                     number: String = "+420602123456") -> Call {
        var call = Call(uniqueid: uniqueid, call_guid: "guid-\(uniqueid)", id: 1, direction: direction, state: state,
                        number: number, caller_number: direction == .incoming ? number : "2001",
                        called_number: direction == .incoming ? "2001" : number, created: 1_700_000_000, now: 1_700_000_000)
        if direction == .incoming { call.caller_number_norm = number } else { call.called_number_norm = number }
        return call
    }
}

/// One message the engine sent, read back from its bytes.
struct Sent: Equatable {
    let event: String
    let seq: Int64?
    let epoch: String?
    let data: JSONValue
    let tabs: [TabID]
}

extension [DeliveryAction] {
    /// Every event sent, in order.
    var sent: [Sent] {
        compactMap { action in
            guard case .send(let bytes, let tabs) = action,
                  case .object(let message)? = try? JSONValue(parsing: String(decoding: bytes, as: UTF8.self)),
                  case .string(let event)? = message["event"] else { return nil }
            var epoch: String?
            if case .string(let value)? = message["epoch"] { epoch = value }
            return Sent(event: event, seq: message["seq"]?.int64Value, epoch: epoch, data: message["data"] ?? .null, tabs: tabs)
        }
    }

    /// The names of the events `tab` received, in order.
    func events(to tab: TabID) -> [String] {
        sent.filter { $0.tabs.contains(tab) }.map(\.event)
    }

    var replies: [(tab: TabID, reply: AgentReply)] {
        compactMap { if case .reply(let tab, let reply) = $0 { (tab, reply) } else { nil } }
    }

    var callControl: [(ticket: Ticket?, request: CallControlRequest)] {
        compactMap { if case .callControl(let request, let ticket) = $0 { (ticket, request) } else { nil } }
    }

    var passwordTicket: Ticket? {
        lazy.compactMap { if case .checkPassword(let ticket, _, _) = $0 { ticket } else { nil } }.first
    }

    var verifyTicket: Ticket? {
        lazy.compactMap { if case .verify(let ticket, _, _) = $0 { ticket } else { nil } }.first
    }

    /// The `callgate_route_events_total` events counted.
    var counted: [String] {
        compactMap { if case .count(_, let event) = $0 { event } else { nil } }
    }

    var answers: [(ask: AskID, answer: DeliveryAnswer)] {
        compactMap { if case .answer(let ask, let answer) = $0 { (ask, answer) } else { nil } }
    }

    var published: [ActionURLValues] {
        compactMap { if case .publish(let values) = $0 { values } else { nil } }
    }

    var logged: [LogLine] {
        compactMap { if case .log(let line) = $0 { line } else { nil } }
    }
}
