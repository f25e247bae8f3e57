import Testing
@testable import WSFraming

/// Base64 (RFC 4648): the §10 test vectors in both alphabets and every padding mode, and the
/// strict decoder's refusals: a byte string has exactly one accepted text.
@Suite struct Base64Tests {
    /// RFC 4648 §10, verbatim.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.vectors {
            let bytes = Array(plain.utf8)
            #expect(Base64.encode(bytes, alphabet: .standard, padded: true) == encoded)
            #expect(Base64.encode(bytes, alphabet: .url, padded: true) == encoded)
            let unpadded = String(encoded.prefix { $0 != "=" })
            #expect(Base64.encode(bytes, alphabet: .standard, padded: false) == unpadded)
            #expect(Base64.decode(encoded, alphabet: .standard, padding: .required) == bytes)
            #expect(Base64.decode(encoded, alphabet: .standard, padding: .optional) == bytes)
            #expect(Base64.decode(unpadded, alphabet: .url, padding: .none) == bytes)
            #expect(Base64.decode(unpadded, alphabet: .standard, padding: .optional) == bytes)
            if unpadded != encoded {
                #expect(Base64.decode(unpadded, alphabet: .standard, padding: .required) == nil, "\(plain): padding missing")
                #expect(Base64.decode(encoded, alphabet: .standard, padding: .none) == nil, "\(plain): padding present")
            }
        }
    }

    /// RFC 6455 §1.3's nonce, the handshake's use.
    @Test func theHandshakeSampleNonce() {
        let nonce = Array("the sample nonce".utf8)
        #expect(Base64.encode(nonce, alphabet: .standard, padded: true) == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(Base64.decode("dGhlIHNhbXBsZSBub25jZQ==", alphabet: .standard, padding: .required) == nonce)
    }

    /// The two alphabets differ only in the last two characters (RFC 4648 §4 and §5), and each
    /// decoder accepts only its own.
    @Test func alphabets() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes, alphabet: .standard, padded: true) == "+/+/")
        #expect(Base64.encode(bytes, alphabet: .url, padded: true) == "-_-_")
        #expect(Base64.decode("+/+/", alphabet: .standard, padding: .required) == bytes)
        #expect(Base64.decode("-_-_", alphabet: .url, padding: .required) == bytes)
        #expect(Base64.decode("-_-_", alphabet: .standard, padding: .required) == nil)
        #expect(Base64.decode("+/+/", alphabet: .url, padding: .required) == nil)
    }

    /// Every length from 0 to 64 bytes, every byte value, round-trips in each alphabet.
    @Test func roundTripsEveryLength() {
        for count in 0...64 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ count &* 31) }
            for alphabet in [Base64.Alphabet.standard, .url] {
                let padded = Base64.encode(bytes, alphabet: alphabet, padded: true)
                #expect(padded.utf8.count == 4 * ((count + 2) / 3))
                #expect(Base64.decode(padded, alphabet: alphabet, padding: .required) == bytes)
                let bare = Base64.encode(bytes, alphabet: alphabet, padded: false)
                #expect(Base64.decode(bare, alphabet: alphabet, padding: .none) == bytes)
            }
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(all, alphabet: .standard, padded: true), alphabet: .standard, padding: .required) == all)
    }

    /// RFC 4648 §3.3 and §3.5: characters outside the alphabet, whitespace, non-zero pad bits,
    /// partial padding and impossible lengths are refused, never skipped.
    @Test func refusesNonCanonicalText() {
        let refused = [
            "Zh==",      // pad bits set: "Zg==" is the only text for "f"
            "Zm9=",      // pad bits set: "Zm8=" for "fo"
            "Zg=",       // partial padding
            "Zg===",     // too much padding
            "Z",         // one character carries no byte
            "Zm9v\n",    // whitespace
            "Zm 9v",
            "Zm9v Yg==",
            "Zm9v*g==",  // outside the alphabet
            "=Zm9v",     // padding first
            "Zg==Zg==",  // padding inside
        ]
        for text in refused {
            #expect(Base64.decode(text, alphabet: .standard, padding: .optional) == nil, "\(text)")
        }
    }
}
