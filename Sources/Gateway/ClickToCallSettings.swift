import Foundation
import ClickToCall
import AuthSchemes

/// The `clickToCall` section: the HTTP click-to-call dialects, their numbers and their
/// credentials (docs/click-to-call.md, docs/config.md).
struct ClickToCallSettings: Sendable {
    /// One API key: a server key (no `user`) may name any agent; an agent's key is that agent.
    struct APIKey: Sendable {
        var key: [UInt8]
        var user: String?
    }

    /// `false`: the dialect paths are not click-to-call (Mia's `/?action=` included).
    var enabled = true
    /// The country calling code of national numbers; nil: the directory's `defaultCountry`.
    var defaultCountry: String?
    /// Dropped from national numbers (`"0"`; `"8"` in Russia). Default `"0"`.
    var trunkPrefix = "0"
    /// The length of a national number where the country has one; nil where lengths vary.
    var nationalNumberDigits: Int?
    /// The same click (agent and number) within this places one call. Default 5 s.
    var dedupSeconds = 5
    var apiKeys: [APIKey] = []
    /// Client addresses that may use `/wp_autocallstart` without a key (the Oktell server
    /// interface is called by servers by address). Default none.
    var trustedAddresses: [String] = []
    /// The longest validity (`duration`) a Vodia popup link may have. Default 7,200 s.
    var linkMaxDurationSeconds = 7_200

    /// Longest accepted key, so that a comparison stays cheap.
    static let maxKeyBytes = 256

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: Bool = try section.take("enabled") { enabled = v }
        if let v: String = try section.take("defaultCountry") { defaultCountry = v }
        if let v: String = try section.take("trunkPrefix") { trunkPrefix = v }
        if let v: Int = try section.take("nationalNumberDigits", range: 4...13) { nationalNumberDigits = v }
        if let v: Int = try section.take("dedupSeconds", range: 1...3_600) { dedupSeconds = v }
        if let v: [String] = try section.take("trustedAddresses") { trustedAddresses = v }
        if let v: Int = try section.take("linkMaxDurationSeconds", range: 1...31_536_000) { linkMaxDurationSeconds = v }
        if let entries = try section.sections("apiKeys") {
            apiKeys = []
            for (index, var reader) in entries.enumerated() {
                let path = "clickToCall.apiKeys[\(index)]"
                var key: [UInt8]?
                if let text: String = try reader.take("key") { key = Array(text.utf8) }
                if let file: String = try reader.take("keyFile") { key = try SecretFile.read(file, key: "\(path).keyFile") }
                let user: String? = try reader.take("user")
                try reader.finish()
                guard let key, (16...Self.maxKeyBytes).contains(key.count) else {
                    throw GatewayConfig.Error(key: path, problem: "needs key or keyFile of 16 to \(Self.maxKeyBytes) bytes")
                }
                apiKeys.append(APIKey(key: key, user: user))
            }
        }
    }

    /// The number plan for `directoryCountry` unless `defaultCountry` overrides it;
    /// `isExtension` says which short numbers are internal.
    func numberPlan(directoryCountry: String, isExtension: @escaping @Sendable (String) -> Bool) throws(GatewayConfig.Error) -> NumberPlan {
        guard let plan = NumberPlan(defaultCountry: defaultCountry ?? directoryCountry, trunkPrefix: trunkPrefix,
                                    nationalNumberDigits: nationalNumberDigits, isInternalExtension: isExtension) else {
            throw GatewayConfig.Error(key: "clickToCall", problem: "defaultCountry must be 1 to 3 digits not starting with 0, trunkPrefix 0 to 2 digits")
        }
        return plan
    }

    /// The key `presented` matches, compared in constant time against every key.
    func key(matching presented: String) -> APIKey? {
        let bytes = Array(presented.utf8)
        guard bytes.count <= Self.maxKeyBytes else { return nil }
        var found: APIKey?
        for candidate in apiKeys where ConstantTime.equal(bytes, candidate.key) && found == nil { found = candidate }
        return found
    }
}

/// Secret files: the bytes without a trailing newline.
enum SecretFile {
    static func read(_ path: String, key: String) throws(GatewayConfig.Error) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayConfig.Error(key: key, problem: "cannot read \(path)")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return bytes
    }
}
