import Testing
import WSFraming
@testable import AuthSchemes
import Routes

/// The close codes and statuses the lead documents in docs/config.md.
@Suite struct AuthErrorTests {
    static let all: [AuthError] = [
        .missingCredential, .malformed("x"), .badSignature, .unknownProvider("p"), .expired, .notYetValid,
        .replayed, .wrongUser, .wrongScope, .badPassword, .unknownUser,
    ]

    @Test func closeCodes() {
        #expect(Self.all.map { CloseCode($0).rawValue } == [4001, 4001, 4001, 4001, 4003, 4001, 4001, 4001, 4001, 4001, 4001])
        #expect(CloseCode.authenticationTimeout.rawValue == 4002)
        #expect(Self.all.allSatisfy { $0.httpStatus == 401 })
    }

    @Test func reasonsFitACloseFrameAndEchoNothing() {
        // RFC 6455 §5.5: a close reason fits in 123 bytes.
        #expect(Self.all.allSatisfy { $0.reason.utf8.count <= 123 })
        #expect(AuthError.malformed("secret-detail").reason == "malformed credential")
        #expect(AuthError.unknownProvider("Evil").reason == "unknown SSO provider")
        #expect(AuthError.badPassword.reason == AuthError.unknownUser.reason)
    }
}
