import Testing
@testable import ClickToCall
@testable import HTTP1
@testable import AuthSchemes
import TestSupport

/// The Vodia popup link of docs/compatibility.md §2.3: its query, `pass = md5(user + secret + dest + time +
/// duration)` checked against `openssl dgst -md5` and Python's `hashlib`, the validity window,
/// and single use.
@Suite struct VodiaLinkTests {
    static let secret = Array("link-secret-alice".utf8)
    static let user = "alice@pbx.example"
    static let time: Int64 = 1_700_000_000
    let verifier = VodiaLinkVerifier()

    private func link(_ query: String) throws -> VodiaLink {
        try VodiaLink.parse(query: query).get()
    }

    /// A link as a page would make it: `pass` from `openssl dgst -md5`.
    private func opensslLink(dest: String = "+4930123456", user: String = user, secret: String = "link-secret-alice",
                             time: Int64 = time, duration: Int64 = 3600) throws -> VodiaLink {
        let output = try ExternalTool.shell(#"printf '%s' "$1$2$3$4$5" | openssl dgst -md5 -r"#,
                                            [user, secret, dest, String(time), String(duration)])
        let pass = String(output.prefix(32))
        return try link("destnumber=\(QueryString.percentEncode(dest))&user=\(QueryString.percentEncode(user))&pass=\(pass)&time=\(time)&duration=\(duration)")
    }

    // MARK: MD5

    @Test func md5RFC1321Vectors() {
        let vectors = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (input, hex) in vectors {
            #expect(MD5.hex(MD5.digest(Array(input.utf8))) == hex, "\(input)")
            #expect(MD5.bytes(hex: hex.uppercased()) == MD5.digest(Array(input.utf8)))
        }
        #expect(MD5.bytes(hex: "abc") == nil)
        #expect(MD5.bytes(hex: "zz") == nil)
    }

    @Test func passMatchesOpenSSLAndPython() throws {
        let openssl = try ExternalTool.shell(#"printf '%s' "$1" | openssl dgst -md5 -r"#, ["alice@pbx.examplelink-secret-alice+49301234561700000000" + "3600"])
        let python = try ExternalTool.python("import hashlib,sys; sys.stdout.write(hashlib.md5(sys.argv[1].encode()).hexdigest())",
                                             [Self.user + "link-secret-alice" + "+4930123456" + "1700000000" + "3600"])
        let ours = VodiaLinkVerifier.pass(user: Self.user, secret: Self.secret, destination: "+4930123456", time: Self.time, duration: 3600)
        #expect(ours == "bcb300da051f608a03305d67e110fc16")
        #expect(String(openssl.prefix(32)) == ours)
        #expect(python == ours)
    }

    // MARK: parsing docs/compatibility.md §2 verbatim

    @Test func seedLinksVerbatim() throws {
        let plain = SeedURL.split("http://PBX_IP_OR_DOMAIN/makecall.htm?destnumber=1234567890")
        #expect(plain.path == "/makecall.htm")
        let parsed = try link(plain.query!)
        #expect(parsed == VodiaLink(destination: "1234567890"))
        #expect(try link(SeedURL.split("https://PBX_IP_OR_DOMAIN/makecall.htm?destnumber=1234567890").query!) == parsed)

        // The credential link with the guide's placeholders: parsed, then refused as malformed.
        let seed = "http://PBX_IP_OR_DOMAIN/makecall.htm?destnumber=1234567890&user=YOURUSERNAME@DOMAIN.COM&pass=MD5HASH&time=current_time&duration=3600"
        let withCredentials = try link(SeedURL.split(seed).query!)
        #expect(withCredentials.credentials == .init(user: "YOURUSERNAME@DOMAIN.COM", pass: "MD5HASH", time: "current_time", duration: "3600"))
        #expect(verifier.verify(withCredentials, secret: Self.secret, now: Self.time) == .failure(.malformed("link time is not Unix seconds")))
        let withLang = try link(SeedURL.split(seed + "&lang=en").query!)
        #expect(withLang.lang == "en")
    }

    @Test func parseRefusals() {
        func parse(_ query: String?) -> Result<VodiaLink, ClickToCallError> { VodiaLink.parse(query: query) }
        #expect(parse(nil) == .failure(.missingNumber(parameter: "destnumber")))
        #expect(parse("destnumber=") == .failure(.missingNumber(parameter: "destnumber")))
        #expect(parse("destnumber=%20") == .failure(.missingNumber(parameter: "destnumber")))
        #expect(parse("destnumber=%09%C2%A0+") == .failure(.missingNumber(parameter: "destnumber")))
        // The number plan is not asked: the number is read once the credentials are verified.
        #expect((try? parse("destnumber=JOHN").get())?.destination == "JOHN")
        #expect((try? parse("destnumber=2999").get())?.destination == "2999")
        #expect(parse("destnumber=1234567890&number=1") == .failure(.unknownParameter("number")))
        #expect(parse("destnumber=1234567890&user=a&pass=b&time=1") ==
                .failure(.invalidParameter(name: "duration", expected: "given with user, pass, time and duration (all four or none)")))
        #expect(parse("destnumber=1234567890&lang=english!") == .failure(.invalidParameter(name: "lang", expected: "a language tag such as en or de")))
        #expect((try? parse("destnumber=1234567890&lang=pt-BR").get())?.lang == "pt-BR")
    }

    /// issue 18: the number plan reads a link's number only after its credentials, so a link
    /// with a bad `pass` is `badSignature` whether its number is a known extension, an unknown
    /// one or no number at all; a good link's number is then classified.
    @Test func theNumberIsReadAfterTheCredentials() throws {
        let plan = Plans.germany  // knows 2001
        func verified(_ dest: String, secret: [UInt8] = Self.secret) throws -> Result<VerifiedVodiaLink, AuthError> {
            let query = VodiaLinkVerifier.query(destination: dest, user: Self.user, secret: secret, time: Self.time, duration: 600)
            return verifier.verify(try link(query), secret: Self.secret, now: Self.time)
        }
        for dest in ["2001", "2999", "JOHN", String(repeating: "1", count: 200)] {
            #expect(try verified(dest, secret: Array("not-the-secret".utf8)) == .failure(.badSignature), "\(dest)")
        }
        #expect(try verified("2001").get().number(numbering: plan) == .success(.internalExtension("2001")))
        #expect(try verified("2999").get().number(numbering: plan) == .failure(.unknownExtension))
        #expect(try verified("JOHN").get().number(numbering: plan) == .failure(.numberHasInvalidCharacters))
        #expect(try verified(String(repeating: "1", count: 200)).get().number(numbering: plan) == .failure(.numberTooLong))
        #expect(try verified("030 123456").get().number(numbering: plan) == .success(.external("+4930123456")))
    }

    // MARK: verification

    @Test func acceptedInsideTheWindow() throws {
        let link = try opensslLink()
        let expected = VerifiedVodiaLink(user: Self.user, destination: "+4930123456",
                                         time: Self.time, expires: Self.time + 3600,
                                         digest: MD5.bytes(hex: "bcb300da051f608a03305d67e110fc16")!, lang: nil)
        for now in [Self.time - 30, Self.time, Self.time + 1800, Self.time + 3600] {
            #expect(verifier.verify(link, secret: Self.secret, now: now) == .success(expected), "\(now)")
        }
    }

    @Test func expiredAndFutureLinks() throws {
        let link = try opensslLink()
        #expect(verifier.verify(link, secret: Self.secret, now: Self.time + 3601) == .failure(.expired))
        #expect(verifier.verify(link, secret: Self.secret, now: Self.time - 31) == .failure(.notYetValid))
        let future = try opensslLink(time: Self.time + 600)
        #expect(verifier.verify(future, secret: Self.secret, now: Self.time) == .failure(.notYetValid))
        let strict = VodiaLinkVerifier(clockSkewSeconds: 0)
        #expect(strict.verify(link, secret: Self.secret, now: Self.time - 1) == .failure(.notYetValid))
    }

    @Test func durationAboveTheMaximum() throws {
        let day = try opensslLink(duration: 86_400)
        #expect(verifier.verify(day, secret: Self.secret, now: Self.time) == .failure(.malformed("link duration above the maximum of 7200 s")))
        let generous = VodiaLinkVerifier(maxDurationSeconds: 86_400)
        #expect(generous.verify(day, secret: Self.secret, now: Self.time + 86_000).map(\.expires) == .success(Self.time + 86_400))
    }

    @Test func wrongMD5TamperedFieldsAndWrongSecret() throws {
        let good = try opensslLink()
        // Each field changed after signing.
        var tampered = good
        tampered.destination = "+4930123457"
        #expect(verifier.verify(tampered, secret: Self.secret, now: Self.time) == .failure(.badSignature))
        for change in [\VodiaLink.Credentials.user, \.time, \.duration] {
            var link = good
            link.credentials![keyPath: change] = change == \.user ? "bob@pbx.example" : "1700000001"
            #expect(verifier.verify(link, secret: Self.secret, now: Self.time) == .failure(.badSignature))
        }
        var flipped = good
        let pass = flipped.credentials!.pass
        flipped.credentials!.pass = (pass.first == "0" ? "1" : "0") + pass.dropFirst()
        #expect(verifier.verify(flipped, secret: Self.secret, now: Self.time) == .failure(.badSignature))
        // Upper-case hex is the same digest.
        var upper = good
        upper.credentials!.pass = pass.uppercased()
        #expect(verifier.verify(upper, secret: Self.secret, now: Self.time).map(\.user) == .success(Self.user))
        // Another user's secret, the login password instead of the link secret, an unknown user.
        #expect(verifier.verify(good, secret: Array("link-secret-bob".utf8), now: Self.time) == .failure(.badSignature))
        #expect(verifier.verify(good, secret: nil, now: Self.time) == .failure(.badSignature))
        // A link signed with the secret but expired says expired only after the digest matched.
        #expect(verifier.verify(tampered, secret: Self.secret, now: Self.time + 99_999) == .failure(.badSignature))
    }

    @Test func malformedCredentials() throws {
        func verify(_ user: String = "u", pass: String = String(repeating: "0", count: 32), time: String = "1700000000",
                    duration: String = "3600") -> Result<VerifiedVodiaLink, AuthError> {
            let link = VodiaLink(destination: "2001",
                                 credentials: .init(user: user, pass: pass, time: time, duration: duration))
            return verifier.verify(link, secret: Self.secret, now: Self.time)
        }
        #expect(verify("") == .failure(.missingCredential))
        #expect(verify(String(repeating: "u", count: 257)) == .failure(.malformed("link user too long")))
        for time in ["", "-1", "01700000000", "1700000000.5", "1e9", "1234567890123"] {
            #expect(verify(time: time) == .failure(.malformed("link time is not Unix seconds")), "\(time)")
        }
        for duration in ["0", "", "-5", "036"] {
            #expect(verify(duration: duration) == .failure(.malformed("link duration is not a positive number of seconds")), "\(duration)")
        }
        for pass in ["MD5HASH", String(repeating: "0", count: 31), String(repeating: "g", count: 32), String(repeating: "0", count: 40)] {
            #expect(verify(pass: pass) == .failure(.malformed("link pass is not an MD5 hex digest")), "\(pass)")
        }
        let bare = VodiaLink(destination: "2001")
        #expect(verifier.verify(bare, secret: Self.secret, now: Self.time) == .failure(.missingCredential))
    }

    @Test func madeLinksRoundTripAndMatchPython() throws {
        let query = VodiaLinkVerifier.query(destination: "+4930123456", user: Self.user, secret: Self.secret,
                                            time: Self.time, duration: 3600, lang: "de")
        #expect(query == "destnumber=%2B4930123456&user=alice%40pbx.example&pass=bcb300da051f608a03305d67e110fc16&time=1700000000&duration=3600&lang=de")
        let parsed = try link(query)
        #expect(verifier.verify(parsed, secret: Self.secret, now: Self.time).map(\.lang) == .success("de"))
        // Python's urllib builds the same link the way a CRM page might.
        let script = """
            import sys, hashlib
            from urllib.parse import urlencode, quote
            user, secret, dest, t, d = sys.argv[1:6]
            p = hashlib.md5((user + secret + dest + t + d).encode()).hexdigest()
            sys.stdout.write(urlencode({"destnumber": dest, "user": user, "pass": p, "time": t, "duration": d}, quote_via=quote))
            """
        let minted = try ExternalTool.python(script, [Self.user, "link-secret-alice", "030 123456", "1700000000", "600"])
        let fromPython = try link(minted)
        #expect(fromPython.destination == "030 123456")
        #expect(try verifier.verify(fromPython, secret: Self.secret, now: Self.time + 10).get().number(numbering: Plans.germany)
                == .success(.external("+4930123456")))
    }

    // MARK: single use

    /// `admit` outside `#expect`, which cannot call a mutating method.
    private func admit(_ guardian: inout VodiaReplayGuard, _ link: VerifiedVodiaLink, now: Int64) -> Bool {
        guardian.admit(link, now: now)
    }

    @Test func replayedLinkIsRefused() throws {
        var guardian = VodiaReplayGuard(capacity: 10)
        let verified = try verifier.verify(try opensslLink(), secret: Self.secret, now: Self.time).get()
        #expect(admit(&guardian, verified, now: Self.time))
        #expect(!admit(&guardian, verified, now: Self.time + 5))
        #expect(!admit(&guardian, verified, now: Self.time + 3600))
        // Another link (another time) is another identity.
        let other = try verifier.verify(try opensslLink(time: Self.time + 1), secret: Self.secret, now: Self.time + 1).get()
        #expect(admit(&guardian, other, now: Self.time + 1))
        #expect(guardian.count == 2)
        // Past their window they are forgotten (and verify would say expired anyway).
        guardian.prune(now: Self.time + 3602)
        #expect(guardian.count == 0)
        #expect(!admit(&guardian, verified, now: Self.time + 3601))
    }

    @Test func fullGuardFailsClosed() throws {
        var guardian = VodiaReplayGuard(capacity: 2)
        var links: [VerifiedVodiaLink] = []
        for offset in 0..<3 as Range<Int64> {
            links.append(try verifier.verify(try opensslLink(time: Self.time + offset, duration: 60), secret: Self.secret,
                                             now: Self.time + offset).get())
        }
        #expect(admit(&guardian, links[0], now: Self.time))
        #expect(admit(&guardian, links[1], now: Self.time + 1))
        #expect(guardian.isFull)
        #expect(!admit(&guardian, links[2], now: Self.time + 2))
        // Once the first expires there is room again.
        #expect(admit(&guardian, links[2], now: Self.time + 61))
        #expect(guardian.count == 2)
    }
}
