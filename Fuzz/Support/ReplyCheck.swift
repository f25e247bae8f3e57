import MuxEnvelope
import JSON

/// A text Callgate writes must be JSON its own strict parser accepts (issue 18: "never emit JSON
/// Callgate itself would refuse"). Returns the value.
@discardableResult
public func requireAcceptedJSON(_ bytes: [UInt8], _ what: @autoclosure () -> String) -> JSONValue {
    let result = bytes.withUnsafeBytes { text in
        Result { () throws(JSONSyntaxError) in try JSONValue(parsing: text) }
    }
    switch result {
    case .success(let value):
        return value
    case .failure(let error):
        fatalError("property violated: \(what()) is JSON Callgate refuses (\(error.reason) at byte \(error.offset)): "
            + String(decoding: bytes, as: UTF8.self))
    }
}

/// A reply to a request (`{"id":…,"result"|"error":…}`): JSON Callgate accepts, an object whose
/// `"id"` is the request's id (read back by the parser and by `RequestIDScanner` as the same
/// literal), or that has no `"id"` when the request had none. Returns its members.
@discardableResult
public func requireReply(_ bytes: [UInt8], id: RequestID?, _ what: @autoclosure () -> String) -> [String: JSONValue] {
    guard case .object(let members) = requireAcceptedJSON(bytes, what()) else {
        fatalError("property violated: \(what()) is not a JSON object")
    }
    if let id {
        let literal = requireAcceptedJSON(Array(id.json.utf8), "the id \(id.json)")
        requireEqual(members["id"], literal, "\(what()): the id")
        requireEqual(RequestIDScanner.requestID(in: bytes), id, "\(what()): the id as the scanner reads it")
    } else {
        requireEqual(members["id"], nil, "\(what()): an id for a request without one")
    }
    return members
}
