import Foundation
import Testing
@testable import AuthSchemes
import TestSupport

/// PBKDF2-HMAC-SHA256 (RFC 8018) and scrypt (RFC 7914) in PHC-like strings, checked against
/// published vectors and against strings made by Python's `hashlib`.
@Suite struct PasswordHashTests {
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    static func phcBase64(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().prefix { $0 != "=" })
    }

    static let salt = Array("0123456789abcdef".utf8)

    /// The error of a refused verification, nil on success (`Result<Void, _>` is not Equatable).
    static func refusal(_ result: Result<Void, AuthError>) -> AuthError? {
        if case .failure(let error) = result { error } else { nil }
    }

    /// The PHC string from `hashlib`, with the salt and hash as unpadded standard base64.
    static func pythonHash(password: String, scheme: PasswordHash.Scheme) throws -> String {
        let script = """
            import sys, hashlib, base64
            b64 = lambda b: base64.b64encode(b).decode().rstrip("=")
            pw, salt, kind = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3]
            if kind == "pbkdf2":
                i = int(sys.argv[4])
                print("$pbkdf2-sha256$i=%d$%s$%s" % (i, b64(salt), b64(hashlib.pbkdf2_hmac("sha256", pw, salt, i, 32))), end="")
            else:
                ln, r, p = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
                h = hashlib.scrypt(pw, salt=salt, n=2**ln, r=r, p=p, maxmem=128 * 2**20, dklen=32)
                print("$scrypt$ln=%d,r=%d,p=%d$%s$%s" % (ln, r, p, b64(salt), b64(h)), end="")
            """
        let salt = String(decoding: Self.salt, as: UTF8.self)
        switch scheme {
        case .pbkdf2SHA256(let iterations):
            return try ExternalTool.python(script, [password, salt, "pbkdf2", String(iterations)])
        case .scrypt(let logN, let r, let p):
            return try ExternalTool.python(script, [password, salt, "scrypt", String(logN), String(r), String(p)])
        }
    }

    /// RFC 6070's inputs with HMAC-SHA256 (the widely published SHA-256 companion vectors).
    @Test func pbkdf2SHA256Vectors() {
        let vectors: [(Int, String)] = [
            (1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
            (2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
            (4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
        ]
        for (iterations, hex) in vectors {
            let derived = PasswordHash.derive(password: Array("password".utf8), salt: Array("salt".utf8),
                                              scheme: .pbkdf2SHA256(iterations: iterations), length: 32)
            #expect(derived == Self.bytes(hex: hex))
        }
    }

    /// RFC 7914 §12, the first three vectors (64-byte keys).
    @Test func scryptRFC7914Vectors() {
        let empty = PasswordHash.derive(password: [], salt: [], scheme: .scrypt(logN: 4, r: 1, p: 1), length: 64)
        #expect(empty == Self.bytes(hex: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"))
        let nacl = PasswordHash.derive(password: Array("password".utf8), salt: Array("NaCl".utf8), scheme: .scrypt(logN: 10, r: 8, p: 16), length: 64)
        #expect(nacl == Self.bytes(hex: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"))
        let sodium = PasswordHash.derive(password: Array("pleaseletmein".utf8), salt: Array("SodiumChloride".utf8), scheme: .scrypt(logN: 14, r: 8, p: 1), length: 64)
        #expect(sodium == Self.bytes(hex: "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"))
    }

    @Test func rfc7914VectorAsAStoredString() {
        let hash = Self.bytes(hex: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        let stored = "$scrypt$ln=10,r=8,p=16$TmFDbA$" + Self.phcBase64(hash)
        #expect(Self.refusal(PasswordHash.verify(password: "password", against: stored)) == nil)
        #expect(Self.refusal(PasswordHash.verify(password: "Password", against: stored)) == .badPassword)
    }

    @Test func pbkdf2MatchesPython() throws {
        let scheme = PasswordHash.Scheme.pbkdf2SHA256(iterations: 1000)
        let stored = try Self.pythonHash(password: "correct horse ü", scheme: scheme)
        #expect(stored.hasPrefix("$pbkdf2-sha256$i=1000$MDEyMzQ1Njc4OWFiY2RlZg$"))
        #expect(PasswordHash.make(password: "correct horse ü", scheme: scheme, salt: Self.salt) == stored)
        #expect(Self.refusal(PasswordHash.verify(password: "correct horse ü", against: stored)) == nil)
        #expect(Self.refusal(PasswordHash.verify(password: "correct horse u", against: stored)) == .badPassword)
    }

    @Test func scryptDefaultMatchesPython() throws {
        let stored = try Self.pythonHash(password: "tr0ub4dor&3", scheme: .scryptDefault)
        #expect(stored.hasPrefix("$scrypt$ln=15,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$"))
        #expect(PasswordHash.make(password: "tr0ub4dor&3", scheme: .scryptDefault, salt: Self.salt) == stored)
        #expect(Self.refusal(PasswordHash.verify(password: "tr0ub4dor&3", against: stored)) == nil)
        #expect(Self.refusal(PasswordHash.verify(password: "", against: stored)) == .badPassword)
    }

    @Test func defaultsAreWithinLimits() {
        #expect(PasswordHash.Scheme.pbkdf2Default == .pbkdf2SHA256(iterations: 600_000))
        #expect(PasswordHash.Scheme.pbkdf2Default.isWithinLimits)
        #expect(PasswordHash.Scheme.scryptDefault.isWithinLimits)
        #expect(PasswordHash.Scheme.scrypt(logN: 20, r: 4, p: 1).isWithinLimits)   // 512 MiB, 2^22
        #expect(!PasswordHash.Scheme.scrypt(logN: 20, r: 8, p: 1).isWithinLimits)  // 1 GiB
        #expect(!PasswordHash.Scheme.scrypt(logN: 14, r: 32, p: 16).isWithinLimits) // work 2^23
        #expect(!PasswordHash.Scheme.pbkdf2SHA256(iterations: 10_000_001).isWithinLimits)
    }

    @Test func hostileOrBrokenStringsAreMalformed() {
        let salt = "MDEyMzQ1Njc4OWFiY2RlZg"
        let hash = Self.phcBase64(Array(repeating: 0, count: 32))
        let cases: [(String, String)] = [
            ("plaintext", "not a $scheme$…$salt$hash string"),
            ("$md5$i=1$\(salt)$\(hash)", "unknown password hash scheme"),
            ("$pbkdf2-sha256$i=10000001$\(salt)$\(hash)", "password hash cost outside limits"),
            ("$pbkdf2-sha256$i=0600000$\(salt)$\(hash)", "pbkdf2-sha256 parameters"),
            ("$pbkdf2-sha256$rounds=1000$\(salt)$\(hash)", "pbkdf2-sha256 parameters"),
            ("$pbkdf2-sha256$i=99999999999$\(salt)$\(hash)", "pbkdf2-sha256 parameters"),
            ("$scrypt$ln=21,r=1,p=1$\(salt)$\(hash)", "password hash cost outside limits"),
            ("$scrypt$ln=16,r=8,p=16$\(salt)$\(hash)", "password hash cost outside limits"),
            ("$scrypt$r=8,ln=15,p=1$\(salt)$\(hash)", "scrypt parameters"),
            ("$scrypt$ln=15,r=8$\(salt)$\(hash)", "scrypt parameters"),
            ("$scrypt$ln=15,r=8,p=1$\(salt)==$\(hash)", "password hash salt or hash"),
            ("$scrypt$ln=15,r=8,p=1$$\(hash)", "password hash salt or hash"),
            ("$scrypt$ln=15,r=8,p=1$\(salt)$AAAA", "password hash salt or hash"),
            ("$scrypt$ln=15,r=8,p=1$\(salt)$\(hash)$", "not a $scheme$…$salt$hash string"),
            ("$scrypt$ln=15,r=8,p=1$\(salt)$" + String(repeating: "A", count: 500), "password hash too long"),
        ]
        for (stored, reason) in cases {
            #expect(Self.refusal(PasswordHash.verify(password: "x", against: stored)) == .malformed(reason), "\(stored)")
        }
    }

    @Test func overlongPasswordNeverMatches() throws {
        let stored = PasswordHash.make(password: "short", scheme: .pbkdf2SHA256(iterations: 1), salt: Self.salt)
        #expect(Self.refusal(PasswordHash.verify(password: String(repeating: "a", count: 4097), against: stored)) == .badPassword)
    }
}
