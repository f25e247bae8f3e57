import AuthSchemes

extension ExternalTool {
    /// A session token minted by Python's `hmac`, `hashlib`, `base64` and `urllib.parse.quote`,
    /// following `SessionTokenSigner`'s doc comment: the independent minter the token tests
    /// compare Callgate's against.
    public static func pythonSessionToken(key: [UInt8], _ claims: SessionClaims) throws -> String {
        let script = """
            import sys, hmac, hashlib, base64
            from urllib.parse import quote
            key = bytes.fromhex(sys.argv[1])
            b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
            payload = "\\n".join([quote(sys.argv[2], safe=""), quote(sys.argv[3], safe=""), quote(sys.argv[4], safe=""), sys.argv[5], sys.argv[6]])
            signed = b"v1." + b64u(payload.encode())
            sys.stdout.write((signed + b"." + b64u(hmac.new(key, signed, hashlib.sha256).digest())).decode())
            """
        let hex = key.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return try ExternalTool.python(script, [hex, claims.user, claims.provider, claims.scope, String(claims.issued), String(claims.expires)])
    }
}
