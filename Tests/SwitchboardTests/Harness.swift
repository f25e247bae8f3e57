import AgentProtocol
import CallControlMessages
@testable import Switchboard

/// Shared helpers: a switchboard on the sample directory, agents brought to READY, and events
/// written as short lines ("alice callRinging INCOMING state=2") so sequences compare exactly.
enum Harness {
    static let t0: Int64 = 1_700_000_000

    /// Random bytes for the calls' names, as the gateway's come from the kernel.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in generator.next() }
    }

    static func board(acwSeconds: Int = 0, ringSeconds: Int = 20, externalAnswerSeconds: Int? = nil) -> Switchboard {
        var directory = Directory.sample
        directory.settings.acwSeconds = acwSeconds
        directory.settings.ringSeconds = ringSeconds
        directory.settings.externalAnswerSeconds = externalAnswerSeconds
        return Switchboard(directory: directory, randomBytes: Harness.randomBytes)
    }

    /// Signs `username` in, pairs their own phone ("sip:200x") and provisions it; events dropped.
    static func ready(_ board: Switchboard, _ usernames: String..., now: Int64 = t0) throws {
        for name in usernames {
            let ext = ["alice": "2001", "bob": "2002", "carol": "2003", "dana": "2004"][name]!
            _ = try board.signIn(name, identifiers: [], now: now)
            _ = try board.execute(.selectIdentifier(identifier: "sip:\(ext)"), for: name, now: now)
            _ = try board.execute(.provision, for: name, now: now)
        }
        _ = board.takeEvents()
    }

    static func describe(_ event: AddressedEvent) -> String {
        let head = "\(event.user) \(event.event.name)"
        switch event.event {
        case .stateChange(let status, let reason):
            return "\(head) \(status.rawValue)" + (reason.map { " \($0)" } ?? "")
        case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHold(let call),
             .callResume(let call), .callMute(let call), .callUnmute(let call):
            return "\(head) \(call.direction.rawValue) state=\(call.state.rawValue)"
        case .callHangup(let call):
            return "\(head) \(call.direction.rawValue) state=\(call.state.rawValue) cause=\(call.cause.rawValue)"
        case .agentSuspend(let queue), .agentResume(let queue):
            return "\(head) \(queue)"
        case .waitingCallersChange(let count):
            return "\(head) \(count)"
        default:
            return head
        }
    }

    static func lines(_ board: Switchboard) -> [String] {
        board.takeEvents().map(describe)
    }

    /// The Call carried by the last call event for `user` in `events`.
    static func lastCall(_ events: [AddressedEvent], for user: String) -> Call? {
        for event in events.reversed() where event.user == user {
            switch event.event {
            case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHold(let call),
                 .callResume(let call), .callMute(let call), .callUnmute(let call), .callHangup(let call):
                return call
            default: continue
            }
        }
        return nil
    }

    static func uniqueid(_ reply: CallControlReply) -> String? {
        if case .fields(let fields) = reply, case .string(let id)? = fields["uniqueid"] { return id }
        return nil
    }

    /// The error code `body` throws, nil if it does not throw.
    static func code(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as SwitchboardError {
            return error.code
        } catch {
            return "not a SwitchboardError: \(error)"
        }
    }

    static func user(_ board: Switchboard, _ name: String, now: Int64) -> User {
        board.snapshot(of: name, now: now)!.user
    }
}
