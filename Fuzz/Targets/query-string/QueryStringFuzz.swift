// fuzz-options: -max_len=2048
import FuzzSupport
import CallControlMessages
import HTTP1
import Switchboard

/// Query strings read leniently (`QueryString`, WHATWG form decoding: the upgrade's credentials,
/// the agent bar's identifier, what goes upstream), percent-encoding, and the admin API's
/// requests (`AdminCommand`, docs/admin-api.md). Input: a byte (bit 0: POST), the query
/// (visible ASCII), names to remove (comma-separated), a line of any text, an admin path.
///
/// Properties:
/// - the pairs written again canonically (every byte but the unreserved ones percent-encoded)
///   read as the same pairs; `value(named:)` is the first pair of
///   that name and `values(named:)` all of them;
/// - the query without some names (`removing(names:)`, what goes upstream) reads as the pairs
///   without those names, in order;
/// - any text percent-encoded decodes to itself, with or without `+` as space;
/// - an admin request either is a command the query and path hold or a refusal with a 4xx
///   status and a JSON body Callgate's parser accepts.
@main enum QueryStringFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let post = input.bool()
        let raw = input.requestTarget()
        let names = Set(input.text().split(separator: ",").map(String.init))
        let text = input.text()
        let adminPath = AdminCommand.prefix + input.requestTarget()

        let query = QueryString(raw)
        let pairs = query.pairs.map { [$0.name, $0.value] }
        let canonical = query.pairs.map { QueryString.percentEncode($0.name) + "=" + QueryString.percentEncode($0.value) }
        requireEqual(QueryString(canonical.joined(separator: "&")).pairs.map { [$0.name, $0.value] }, pairs, "pairs written again")
        for pair in query.pairs {
            requireEqual(query.value(named: pair.name), query.pairs.first { $0.name == pair.name }?.value, "value(named:)")
            requireEqual(query.values(named: pair.name), query.pairs.filter { $0.name == pair.name }.map(\.value), "values(named:)")
        }
        let kept = QueryString(query.removing(names: names)).pairs.map { [$0.name, $0.value] }
        requireEqual(kept, query.pairs.filter { !names.contains($0.name) }.map { [$0.name, $0.value] }, "removing \(names)")

        let encoded = QueryString.percentEncode(text)
        require(encoded.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-._~%".utf8.contains(byte)
        }, "percent-encoded \(encoded)")
        for plus in [false, true] {
            requireEqual(QueryString.percentDecode(encoded, plusAsSpace: plus), text, "percent-encoded and decoded")
        }

        let method = post ? "POST" : "GET"
        switch AdminCommand.parse(method: method, path: adminPath, query: raw) {
        case .success(.placeCall(let from, _)):
            requireEqual(method, "POST", "placing a call")
            requireEqual(query.value(named: "from"), from, "the caller")
        case .success(.answer(let uniqueid)), .success(.hangup(let uniqueid)):
            requireEqual(method, "POST", "answering or hanging up")
            require(!uniqueid.isEmpty, "an empty uniqueid")
        case .success(.listCalls), .success(.listAgents):
            requireEqual(method, "GET", "listing")
        case .failure(let error):
            require([400, 404, 405].contains(error.status), "status \(error.status)")
            requireAcceptedJSON(error.body, "the refusal \(error)")
        }
    }
}
