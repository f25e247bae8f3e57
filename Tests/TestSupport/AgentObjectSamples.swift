import AgentProtocol

/// A Call, a Queue and a User with every field set to a value that is not its default, as the
/// agent-protocol and call-control tests write and read them back (AgentObjectTests states their
/// exact encodings).
public enum AgentObjectSamples {
    public static func fullCall() -> Call {
        var call = Call(uniqueid: "1700000000.42", call_guid: "018bcfe5-6800-7abc-8def-0123456789ab", id: 65535, direction: .incoming, state: .connected,
                        number: "+420602123456", caller_number: "602123456", called_number: "800123456",
                        created: 1_700_000_000, now: 1_700_000_030, caller_type: .trunk)
        call.called_name = "Hotline"
        call.called_number_norm = "+420800123456"
        call.caller_channel = "SIP/trunk-0001"
        call.caller_extension = nil
        call.caller_group_id = 3
        call.caller_internal = false
        call.caller_line_id = 11
        call.caller_muted = true
        call.caller_name = "Jan \"Honza\" Novák"
        call.caller_number_norm = "+420602123456"
        call.caller_user_id = 9
        call.caller_username = "jan"
        call.cause = .calledHungUp
        call.connected = 1_700_000_005
        call.connected_channel = "SIP/201-0002"
        call.connected_group_id = 2
        call.connected_internal = true
        call.connected_line_id = 4
        call.connected_muted = false
        call.connected_name = "Alice"
        call.connected_number = "201"
        call.connected_number_norm = nil
        call.connected_type = .line
        call.connected_user_id = 7
        call.connected_username = "alice"
        call.data = ["crmId": .string("C-9")]
        call.disconnected = 1_700_000_029
        call.external_id = "EXT-1"
        call.name = "Novák"
        call.outbound_id = nil
        call.recorded = true
        call.subcalls = 2
        return call
    }

    public static func fullQueue() -> Queue {
        var queue = Queue(queue_id: 12, type: .incoming, priority: 1, supervisor: false, suspended: true, team_id: 4)
        queue.answered = 31
        queue.ringtime = 120
        queue.suspendtime = 600
        queue.talktime = 5400
        queue.transferred = 2
        queue.transferred_external = 1
        queue.unanswered = 3
        return queue
    }

    public static func fullUser() -> User {
        var user = User(id: 7, displayname: "Alice Nováková", firstname: "Alice", lastname: "Nováková", locale: "cs", status: .aux)
        user.acwtime = 1
        user.auxtime = 2
        user.auxtimes = ["Oběd": 1800, "Porada": 600]
        user.data = ["team": .string("B2B")]
        user.email = "alice@example.com"
        user.external_id = "ad-7"
        user.group_id = 2
        user.idletime = 3
        user.in_calls_answered = 4
        user.in_calls_unanswered = 5
        user.in_ringtime = 6
        user.in_talktime = 7
        user.lines = [.object(["id": .number("4"), "name": .string("201")])]
        user.number = "+420602000111"
        user.out_calls_answered = 8
        user.out_calls_unanswered = 9
        user.out_ringtime = 10
        user.out_talktime = 11
        user.primary_extension = 201
        user.queues = [12: fullQueue(), 3: Queue(queue_id: 3, type: .outgoing)]
        user.readytime = 12
        user.ringtime = 13
        user.superuser = false
        user.talktime = 14
        user.transferred = 15
        user.transferred_external = 16
        return user
    }
}
