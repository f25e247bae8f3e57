import CallControlMessages

/// Who the field's other entry points name (docs/click-to-call.md): a click-to-call's agent, the
/// phone behind a device Action URL's `local_party`, and an agent's own party for webhooks.
extension Switchboard {
    /// A user by login, or by the digits of their primary extension.
    public func agent(named name: String) -> String? {
        if directory.user(named: name) != nil { return name }
        guard let value = Int(name), name.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return directory.users.first { $0.primaryExtension == value }?.username
    }

    /// A workplace (Oktell `wp=`: a PC's address or name): the phone with that identifier, and
    /// the agent signed in on it, else its owner.
    public func agent(atWorkplace identifier: String) -> String? {
        directory.device(identifier: identifier).flatMap(agent(on:))
    }

    /// A line (Oktell `line=`, a device Action URL's `local_party`): the phone whose extension,
    /// id or identifier it is (`sip:2001`, `2001@pbx.example` and `2001` all name extension
    /// 2001), and the agent signed in on it, else its owner, else the user whose primary
    /// extension it is.
    public func agent(onLine line: String) -> String? {
        if let device = directory.device(identifier: line) ?? directory.devices.first(where: { $0.id == line }) {
            return agent(on: device)
        }
        var digits = Substring(line)
        if digits.hasPrefix("sip:") { digits = digits.dropFirst(4) }
        if let at = digits.firstIndex(of: "@") { digits = digits[..<at] }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(digits) else { return nil }
        if let device = directory.devices.first(where: { $0.extension == value }) { return agent(on: device) }
        return directory.users.first { $0.primaryExtension == value }?.username
    }

    private func agent(on device: DirectoryDevice) -> String? {
        agentRecords.values.first { $0.signedIn && $0.device?.id == device.id }?.profile.username ?? device.owner
    }

    /// The agent's party as a phone would name it: the paired phone's extension, else the
    /// primary extension, else the login; and the display name.
    public func party(of username: String) -> CallParty? {
        guard let agent = agentRecords[username] else { return nil }
        let number = agent.device?.extension ?? agent.profile.primaryExtension
        return CallParty(party: number.map(String.init) ?? username, alias: agent.profile.displayname)
    }

    /// Resolves one way of naming an agent (`AgentLookup`).
    public func agent(_ lookup: AgentLookup) -> String? {
        switch lookup {
        case .named(let name): agent(named: name)
        case .workplace(let identifier): agent(atWorkplace: identifier)
        case .line(let line): agent(onLine: line)
        }
    }
}

extension Directory {
    /// Every internal extension the directory knows (phones and primary extensions), as text.
    public var internalExtensions: Set<String> {
        Set(devices.map { String($0.extension) } + users.compactMap { $0.primaryExtension.map(String.init) })
    }
}
