import AuthSchemes
import SIP
import Testing
@testable import Switchboard

@Suite struct DirectoryTests {
    @Test func sampleParses() throws {
        let directory = Directory.sample
        #expect(directory.users.map(\.username) == ["alice", "bob", "carol", "dana"])
        #expect(directory.devices.map(\.id) == ["alice-phone", "bob-phone", "carol-phone", "dana-phone", "hotdesk"])
        #expect(directory.queues.map(\.id) == [100, 200, 300])
        #expect(directory.queues.map(\.name) == ["Podpora", "Prodej", "Kampaň"])
        #expect(directory.queues.map(\.type) == [.incoming, .incoming, .outgoing])
        #expect(directory.auxReasons == ["Oběd", "Porada", "Školení"])
        #expect(directory.listDevices)
        #expect(directory.settings.acwSeconds == 5)
        #expect(directory.settings.ringSeconds == 20)
        #expect(directory.settings.externalAnswerSeconds == nil)
        #expect(directory.settings.defaultCountry == "420")
        #expect(directory.settings.sipDomain == "callgate.test")
        let alice = try #require(directory.user(named: "alice"))
        #expect(alice.displayname == "Alena Nováková")
        #expect(alice.primaryExtension == 2001)
        #expect(alice.queues.map(\.queue) == [100, 200, 300])
        #expect(directory.user(named: "dana")?.superuser == true)
        #expect(directory.device(identifier: "web-alice")?.extension == 2001)
        #expect(directory.device(identifier: "sip:2009")?.owner == nil)
        #expect(directory.groups[9] == "Vedení")
    }

    /// Each sample user's demo password is their username; the hashes were made with
    /// `openssl kdf … PBKDF2` (100 000 iterations).
    @Test func samplePasswordsVerify() {
        for user in Directory.sample.users {
            let hash = user.passwordHash ?? ""
            #expect(hash.hasPrefix("$pbkdf2-sha256$i=100000$"))
            if case .failure(let error) = PasswordHash.verify(password: user.username, against: hash) {
                Issue.record("\(user.username): \(error)")
            }
            if case .success = PasswordHash.verify(password: user.username + "x", against: hash) {
                Issue.record("\(user.username): a wrong password verified")
            }
        }
    }

    @Test func defaultsWhenKeysAreAbsent() throws {
        let directory = try Directory.parse(text: #"{"users":[{"username":"u","id":7}]}"#)
        #expect(directory.settings == SwitchboardSettings())
        #expect(directory.listDevices == false)
        #expect(directory.auxReasons.isEmpty)
        let user = try #require(directory.user(named: "u"))
        #expect(user.passwordHash == nil)
        #expect(user.enabled)
        #expect(user.displayname == "u")
        #expect(user.locale == "cs")
    }

    /// `linkSecret`: the Vodia popup links' secret, 16–256 bytes of UTF-8, optional.
    @Test func linkSecrets() throws {
        let directory = try Directory.parse(text: #"""
            {"users":[{"username":"a","id":1,"linkSecret":"0123456789abcdef"},
                      {"username":"b","id":2,"linkSecret":"žluťoučký kůň úpěl"},
                      {"username":"c","id":3},
                      {"username":"d","id":4,"linkSecret":null}]}
            """#)
        #expect(directory.user(named: "a")?.linkSecret == Array("0123456789abcdef".utf8))
        #expect(directory.user(named: "b")?.linkSecret == Array("žluťoučký kůň úpěl".utf8))
        #expect(directory.user(named: "c")?.linkSecret == nil)
        #expect(directory.user(named: "d")?.linkSecret == nil)
        let problem = "must be 16 to 256 bytes of UTF-8"
        #expect(error(#"{"users":[{"username":"a","id":1,"linkSecret":"0123456789abcde"}]}"#)
            == DirectoryError(path: "users[0].linkSecret", problem: problem))
        #expect(error(#"{"users":[{"username":"a","id":1,"linkSecret":""}]}"#) == DirectoryError(path: "users[0].linkSecret", problem: problem))
        let long = String(repeating: "x", count: 257)
        #expect(error(#"{"users":[{"username":"a","id":1,"linkSecret":""# + long + #""}]}"#)?.path == "users[0].linkSecret")
        #expect(try Directory.parse(text: #"{"users":[{"username":"a","id":1,"linkSecret":""# + long.dropLast() + #""}]}"#)
            .user(named: "a")?.linkSecret?.count == 256)
        // 8 two-byte letters are 16 bytes: counted in bytes, not characters
        #expect(try Directory.parse(text: #"{"users":[{"username":"a","id":1,"linkSecret":"žžžžžžžž"}]}"#).user(named: "a")?.linkSecret?.count == 16)
        #expect(error(#"{"users":[{"username":"a","id":1,"linkSecret":"žžžžžžž"}]}"#)?.path == "users[0].linkSecret")
        #expect(error(#"{"users":[{"username":"a","id":1,"linkSecret":12345678901234567}]}"#)
            == DirectoryError(path: "users[0].linkSecret", problem: "must be a string"))
        #expect(error(#"{"users":[{"username":"a","id":1,"link_secret":"0123456789abcdef"}]}"#)?.path == "users[0].link_secret")
    }

    /// The sample's demo link secret: alice only, and marked as a demo value.
    @Test func sampleLinkSecretIsADemoValue() throws {
        let alice = try #require(Directory.sample.user(named: "alice"))
        #expect(alice.linkSecret == Array("DEMO-ONLY-alice-link-secret".utf8))
        #expect(Directory.sample.users.filter { $0.linkSecret != nil }.map(\.username) == ["alice"])
    }

    /// `sip` and `settings.sipDomain`: who a user may be on a `sip` route (docs/directory.md).
    @Test func sipIdentities() throws {
        let directory = try Directory.parse(text: #"""
            {"settings":{"sipDomain":"pbx.example.com"},
             "users":[{"username":"alice","id":1},
                      {"username":"bob","id":2,"sip":"sip:2002@pbx.example.com"},
                      {"username":"Jan Novák","id":3},
                      {"username":"dana","id":4,"sip":"sips:Dana@Other.example.com;transport=tls"}]}
            """#)
        let identities = directory.sipIdentities
        #expect(identities["alice"]?.description == "sip:alice@pbx.example.com")
        #expect(identities["bob"]?.description == "sip:2002@pbx.example.com")
        #expect(identities["Jan Novák"]?.description == "sip:Jan%20Nov%C3%A1k@pbx.example.com")
        #expect(identities["Jan Novák"]?.user == "Jan Novák", "the escaped user part reads back as the username")
        #expect(identities["dana"]?.user == "Dana" && identities["dana"]?.host == "other.example.com")
        // Without a sipDomain only explicit identities exist.
        let explicitOnly = try Directory.parse(text: #"{"users":[{"username":"a","id":1},{"username":"b","id":2,"sip":"sip:b@x.test"}]}"#)
        #expect(explicitOnly.sipIdentities.keys.sorted() == ["b"])
        #expect(Directory.sample.sipIdentities["carol"]?.description == "sip:carol@callgate.test")
        #expect(error(#"{"users":[{"username":"a","id":1,"sip":"tel:+420602123456"}]}"#)?.path == "users[0].sip")
        #expect(error(#"{"users":[{"username":"a","id":1,"sip":"sip:example.com"}]}"#)?.path == "users[0].sip")
        #expect(error(#"{"settings":{"sipDomain":"bad domain"},"users":[]}"#)
            == DirectoryError(path: "settings.sipDomain", problem: "must be a host name or address, like example.com"))
        #expect(error(#"{"settings":{"sipDomain":"x.test"},"users":[{"username":"a","id":1},{"username":"b","id":2,"sip":"sip:a@X.TEST"}]}"#)
            == DirectoryError(path: "users[1].sip", problem: "sip:a@X.TEST is already the SIP identity of a"))
    }

    func error(_ text: String) -> DirectoryError? {
        do {
            _ = try Directory.parse(text: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func errorsNameThePath() {
        #expect(error(#"{"bogus":1}"#) == DirectoryError(path: "bogus", problem: "is not a known key"))
        #expect(error(#"[]"#) == DirectoryError(path: "$", problem: "must be an object"))
        #expect(error(#"{"users":[{"username":"a","id":1},{"username":"b","id":2,"password":"secret"}]}"#)?.path == "users[1].password")
        #expect(error(#"{"users":[{"username":"a","id":1,"nick":"x"}]}"#) == DirectoryError(path: "users[0].nick", problem: "is not a known key"))
        #expect(error(#"{"users":[{"username":"a"}]}"#) == DirectoryError(path: "users[0].id", problem: "is required"))
        #expect(error(#"{"users":[{"username":"a","id":"1"}]}"#) == DirectoryError(path: "users[0].id", problem: "must be an integer"))
        #expect(error(#"{"users":[{"username":"a","id":1},{"username":"a","id":2}]}"#)?.path == "users[1].username")
        #expect(error(#"{"users":[{"username":"a","id":1,"queues":[{"queue":5}]}]}"#) == DirectoryError(path: "users[0].queues[0].queue", problem: "names no queue"))
        #expect(error(#"{"queues":[{"id":1,"name":"Q","type":"sideways"}]}"#)?.path == "queues[0].type")
        #expect(error(#"{"queues":[{"id":1,"name":"Q","type":"incoming"},{"id":1,"name":"R","type":"incoming"}]}"#)?.path == "queues[1].id")
        #expect(error(#"{"devices":[{"id":"d","extension":1,"owner":"nobody"}]}"#) == DirectoryError(path: "devices[0].owner", problem: "names no user"))
        #expect(error(#"{"devices":[{"id":"d","extension":1,"identifiers":["x"]},{"id":"e","extension":2,"identifiers":["y","x"]}]}"#)?.path == "devices[1].identifiers[1]")
        #expect(error(#"{"settings":{"ringSeconds":0}}"#)?.path == "settings.ringSeconds")
        #expect(error(#"{"settings":{"ringseconds":5}}"#)?.path == "settings.ringseconds")
        #expect(error(#"{"auxReasons":["a",2]}"#)?.path == "auxReasons[1]")
        #expect(error(#"{"listDevices":"yes"}"#)?.path == "listDevices")
        #expect(error(#"{"users":[],}"#)?.path == "$")
    }
}
