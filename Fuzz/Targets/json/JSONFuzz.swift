// fuzz-options: -max_len=4096
import FuzzSupport
import JSON

/// The strict JSON parser (RFC 8259) every text the gateway receives goes through, and the
/// writer every text it sends comes from. Input: the text.
///
/// Properties:
/// - a value that parses, written out (`encoded()`), parses back to the same value, and writing
///   that again gives the same bytes (one canonical form);
/// - the bytes parse the same way as the `String` they decode to, when they are UTF-8;
/// - an error's offset lies within the text;
/// - the input decoded as a string (any Unicode, controls, U+2028) is written as a JSON string,
///   and as an object's member name, that parses back to the same string.
@main enum JSONFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        let result = Result { () throws(JSONSyntaxError) in try JSONValue(parsing: data) }
        switch result {
        case .success(let value):
            let written = value.encoded()
            let again = requireAcceptedJSON(written, "a parsed value written out")
            requireEqual(again, value, "the value written out and parsed again")
            requireEqual(again.encoded(), written, "writing the value again")
        case .failure(let error):
            require((0...data.count).contains(error.offset), "error offset \(error.offset) outside \(data.count) bytes")
        }
        if let text = String(validating: data, as: UTF8.self) {
            let fromString = Result { () throws(JSONSyntaxError) in try JSONValue(parsing: text) }
            requireEqual(fromString, result, "parsing the String against parsing the bytes")
        }

        let text = String(decoding: data, as: UTF8.self)
        let string = JSONValue.string(text)
        requireEqual(requireAcceptedJSON(string.encoded(), "a string written out"), string, "a string written out")
        let object = JSONValue.object([text: .array([.null, .bool(true), .integer(data.count)])])
        requireEqual(requireAcceptedJSON(object.encoded(), "an object written out"), object, "an object written out")
    }
}
