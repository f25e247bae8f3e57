import Foundation
import Testing
@testable import Gateway

/// The configuration file as `ConfigReader` reads it (the strict JSON reader and `JSONFields`,
/// as the directory is read): each wrong type, unknown key and syntax error named by its path.
@Suite struct ConfigReaderTests {
    func problem(_ bytes: [UInt8]) -> String? {
        var config = GatewayConfig()
        do {
            try config.apply(json: Data(bytes))
            return nil
        } catch {
            return error.description
        }
    }

    func problem(_ json: String) -> String? { problem(Array(json.utf8)) }

    @Test func typesAreNamedByPath() {
        #expect(problem(#"{"threads": 2, "listen": ["127.0.0.1:0"], "static": {"enabled": false}}"#) == nil)
        #expect(problem(#"{"threads": 2.0}"#) == nil, "a whole-valued number is an integer")
        #expect(problem(#"{"threads": 2.5}"#) == "config: threads: must be an integer")
        #expect(problem(#"{"threads": true}"#) == "config: threads: must be an integer")
        #expect(problem(#"{"threads": "2"}"#) == "config: threads: must be an integer")
        #expect(problem(#"{"threads": 0}"#) == "config: threads: must be between 1 and 256")
        #expect(problem(#"{"static": {"enabled": 1}}"#) == "config: static.enabled: must be true or false")
        #expect(problem(#"{"static": {"folder": 7}}"#) == "config: static.folder: must be a string")
        #expect(problem(#"{"listen": "127.0.0.1:0"}"#) == "config: listen: must be an array")
        #expect(problem(#"{"listen": ["127.0.0.1:0", 8080]}"#) == "config: listen[1]: must be a string")
        #expect(problem(#"{"static": []}"#) == "config: static: must be an object")
        #expect(problem(#"{"tls": {"sniCertificates": [7]}}"#) == "config: tls.sniCertificates[0]: must be an object")
        #expect(problem(#"{"tls": {"sniCertificates": [{"serverNames": ["a"], "certificateFile": "c", "privateKeyFile": "k", "x": 1}]}}"#)
            == "config: tls.sniCertificates[0].x: unknown key")
        #expect(problem(#"{"proxy": {"protocol": 2}}"#) == "config: proxy.protocol: must be a mode or an object of listener addresses to modes")
        #expect(problem(#"{"auth": {"sso": {"providers": {"crm": 5}}}}"#) != nil)
    }

    /// `null` is the same as leaving the key out: the default stays.
    @Test func nullIsAbsent() {
        var config = GatewayConfig()
        #expect(throws: Never.self) { try config.apply(json: Data(#"{"threads": null, "static": null}"#.utf8)) }
        #expect(config.threads == GatewayConfig().threads)
        #expect(config.staticFiles == StaticSettings())
    }

    /// The strict reader: what Foundation's would let through is refused, with the byte.
    @Test func syntaxIsStrict() {
        #expect(problem(#"{"threads": 2, "threads": 3}"#)?.hasPrefix("config: (file): not valid JSON at byte ") == true)
        #expect(problem(#"{"threads": 2,}"#)?.hasPrefix("config: (file): not valid JSON at byte ") == true)
        #expect(problem(#"{"threads": 2} // two"#)?.hasPrefix("config: (file): not valid JSON at byte ") == true)
        #expect(problem(Array(#"{"static": {"folder": "p"#.utf8) + [0xFF] + Array(#""}}"#.utf8))?.hasSuffix("string is not valid UTF-8") == true)
        #expect(problem("") != nil)
        #expect(problem(#"["threads"]"#) == "config: (file): the top level must be a JSON object")
    }
}
