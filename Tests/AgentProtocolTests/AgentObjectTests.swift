import Foundation
import Testing
@testable import AgentProtocol
import TestSupport

/// docs/compatibility.md §1.6 "Struktura objektů": Call, User and Queue encode every field under the guide's name.
@Suite struct AgentObjectTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func keys(_ bytes: [UInt8]) throws -> Set<String> {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        return Set(object.keys)
    }

    /// Typed out from the guide's Call list, in its order.
    private static let seedCallKeys: Set<String> = [
        "called_name", "called_number", "called_number_norm", "caller_channel", "caller_extension",
        "caller_group_id", "caller_internal", "caller_line_id", "caller_muted", "caller_name", "caller_number",
        "caller_number_norm", "caller_type", "caller_user_id", "caller_username", "cause", "connected",
        "connected_channel", "connected_group_id", "connected_internal", "connected_line_id", "connected_muted",
        "connected_name", "connected_number", "connected_number_norm", "connected_type", "connected_user_id",
        "connected_username", "created", "data", "direction", "disconnected", "external_id", "id", "name", "now",
        "number", "outbound_id", "recorded", "state", "subcalls", "uniqueid",
    ]

    /// The guide's keys and Callgate's `call_guid` (docs/compatibility.md §4.3, `<$call_guid>`).
    private static let callKeys = seedCallKeys.union(["call_guid"])

    /// Typed out from the guide's User list.
    private static let seedUserKeys: Set<String> = [
        "acwtime", "auxtime", "auxtimes", "data", "displayname", "email", "external_id", "firstname", "group_id",
        "id", "idletime", "in_calls_answered", "in_calls_unanswered", "in_ringtime", "in_talktime", "lastname",
        "lines", "locale", "number", "out_calls_answered", "out_calls_unanswered", "out_ringtime", "out_talktime",
        "primary_extension", "queues", "readytime", "ringtime", "status", "superuser", "talktime", "transferred",
        "transferred_external",
    ]

    /// Typed out from the guide's Queue list (it ends with `unanswered`).
    private static let seedQueueKeys: Set<String> = [
        "answered", "priority", "queue_id", "ringtime", "supervisor", "suspended", "suspendtime", "talktime",
        "team_id", "transferred", "transferred_external", "type", "unanswered",
    ]

    @Test func callEncodesEverySeedFieldExactly() throws {
        let bytes = AgentObjectSamples.fullCall().encoded()
        #expect(try keys(bytes) == Self.callKeys)
        #expect(Set(Call.keys) == Self.callKeys && Call.keys.count == 43 && Call.keys == Call.keys.sorted())
        #expect(text(bytes) == #"{"call_guid":"018bcfe5-6800-7abc-8def-0123456789ab","called_name":"Hotline","called_number":"800123456","called_number_norm":"+420800123456","caller_channel":"SIP/trunk-0001","caller_extension":null,"caller_group_id":3,"caller_internal":false,"caller_line_id":11,"caller_muted":true,"caller_name":"Jan \"Honza\" Novák","caller_number":"602123456","caller_number_norm":"+420602123456","caller_type":"trunk","caller_user_id":9,"caller_username":"jan","cause":4,"connected":1700000005,"connected_channel":"SIP/201-0002","connected_group_id":2,"connected_internal":true,"connected_line_id":4,"connected_muted":false,"connected_name":"Alice","connected_number":"201","connected_number_norm":null,"connected_type":"line","connected_user_id":7,"connected_username":"alice","created":1700000000,"data":{"crmId":"C-9"},"direction":"INCOMING","disconnected":1700000029,"external_id":"EXT-1","id":65535,"name":"Novák","now":1700000030,"number":"+420602123456","outbound_id":null,"recorded":true,"state":3,"subcalls":2,"uniqueid":"1700000000.42"}"#)
    }

    @Test func newCallHasNullTimesAndCauseMinusOne() throws {
        let call = Call(uniqueid: "u", call_guid: "g", id: 1, direction: .outgoing, state: .new, number: "0800123456",
                        caller_number: "201", called_number: "0800123456", created: 5, now: 6)
        #expect(text(call.encoded()) == #"{"call_guid":"g","called_name":null,"called_number":"0800123456","called_number_norm":null,"caller_channel":null,"caller_extension":null,"caller_group_id":null,"caller_internal":false,"caller_line_id":null,"caller_muted":false,"caller_name":null,"caller_number":"201","caller_number_norm":null,"caller_type":"line","caller_user_id":null,"caller_username":null,"cause":-1,"connected":null,"connected_channel":null,"connected_group_id":null,"connected_internal":false,"connected_line_id":null,"connected_muted":false,"connected_name":null,"connected_number":null,"connected_number_norm":null,"connected_type":null,"connected_user_id":null,"connected_username":null,"created":5,"data":{},"direction":"OUTGOING","disconnected":null,"external_id":null,"id":1,"name":null,"now":6,"number":"0800123456","outbound_id":null,"recorded":false,"state":0,"subcalls":0,"uniqueid":"u"}"#)
        #expect(try keys(call.encoded()) == Self.callKeys)
    }

    @Test func enumsEncodeAsTheSeedsValues() {
        #expect(CallState.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5])
        #expect(HangupCause.allCases.map(\.rawValue) == [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(CallDirection.allCases.map(\.rawValue) == ["OUTGOING", "INCOMING"])
        #expect(ChannelType.allCases.map(\.rawValue) == ["line", "trunk"])
        #expect(QueueType.allCases.map(\.rawValue) == [0, 1])
        #expect(HangupCause(rawValue: 9) == nil && CallState(rawValue: 6) == nil)
    }

    @Test func queueEncodesEverySeedFieldExactly() throws {
        let bytes = AgentObjectSamples.fullQueue().encoded()
        #expect(try keys(bytes) == Self.seedQueueKeys)
        #expect(Set(Queue.keys) == Self.seedQueueKeys)
        #expect(text(bytes) == #"{"answered":31,"priority":1,"queue_id":12,"ringtime":120,"supervisor":false,"suspended":true,"suspendtime":600,"talktime":5400,"team_id":4,"transferred":2,"transferred_external":1,"type":1,"unanswered":3}"#)
        #expect(text(Queue(queue_id: 3, type: .outgoing).encoded()) == #"{"answered":0,"priority":0,"queue_id":3,"ringtime":0,"supervisor":false,"suspended":false,"suspendtime":0,"talktime":0,"team_id":null,"transferred":0,"transferred_external":0,"type":0,"unanswered":0}"#)
    }

    @Test func userEncodesEverySeedFieldExactly() throws {
        let bytes = AgentObjectSamples.fullUser().encoded()
        #expect(try keys(bytes) == Self.seedUserKeys)
        #expect(Set(User.keys) == Self.seedUserKeys && User.keys.count == 32)
        #expect(text(bytes) == #"{"acwtime":1,"auxtime":2,"auxtimes":{"Oběd":1800,"Porada":600},"data":{"team":"B2B"},"displayname":"Alice Nováková","email":"alice@example.com","external_id":"ad-7","firstname":"Alice","group_id":2,"id":7,"idletime":3,"in_calls_answered":4,"in_calls_unanswered":5,"in_ringtime":6,"in_talktime":7,"lastname":"Nováková","lines":[{"id":4,"name":"201"}],"locale":"cs","number":"+420602000111","out_calls_answered":8,"out_calls_unanswered":9,"out_ringtime":10,"out_talktime":11,"primary_extension":201,"queues":{"3":{"answered":0,"priority":0,"queue_id":3,"ringtime":0,"supervisor":false,"suspended":false,"suspendtime":0,"talktime":0,"team_id":null,"transferred":0,"transferred_external":0,"type":0,"unanswered":0},"12":{"answered":31,"priority":1,"queue_id":12,"ringtime":120,"supervisor":false,"suspended":true,"suspendtime":600,"talktime":5400,"team_id":4,"transferred":2,"transferred_external":1,"type":1,"unanswered":3}},"readytime":12,"ringtime":13,"status":"AUX","superuser":false,"talktime":14,"transferred":15,"transferred_external":16}"#)
        let queues = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])["queues"] as? [String: Any]
        #expect(try keys(AgentObjectSamples.fullQueue().encoded()) == Set(try #require(queues?["12"] as? [String: Any]).keys))
    }

    @Test func snapshotCarriesTheSeedsStateKeysAndLastSeq() throws {
        var snapshot = AgentSnapshot(status: .ready, user: User(id: 1, displayname: "A"), now: 1_700_000_000, lastSeq: 42)
        let keys = try keys(snapshot.encoded())
        #expect(keys == Set(AgentSnapshot.keys + ["lastSeq"]))
        #expect(Set(AgentSnapshot.keys) == ["status", "reason", "call", "user", "device", "auxReasons", "callReasons",
                                            "queues", "groups", "agents", "waitingCallers", "now"])
        snapshot.ringingSound = .lovingYou
        snapshot.call = AgentObjectSamples.fullCall()
        snapshot.device = ["identifier": .string("cisco")]
        let text = text(snapshot.encoded())
        #expect(text.hasPrefix(#"{"status":"READY","reason":null,"call":{"call_guid":"018bcfe5-6800-7abc-8def-0123456789ab","called_name":"Hotline","#))
        #expect(text.hasSuffix(#""device":{"identifier":"cisco"},"auxReasons":{},"callReasons":{},"queues":{},"groups":{},"agents":{},"waitingCallers":0,"now":1700000000,"ringingSound":"lovingYou","lastSeq":42}"#))
    }
}
