import WSFraming

extension PerMessageDeflateOptions {
    /// permessage-deflate options from two bytes of a fuzz input: the no_context_takeover flags
    /// from the first, the server's and the client's window bits (8–15) from the second.
    public static func fuzzed(_ input: inout FuzzInput) -> PerMessageDeflateOptions {
        let flags = input.byte()
        let bits = input.byte()
        return PerMessageDeflateOptions(
            serverMaxWindowBits: 8 + Int(bits & 7), clientMaxWindowBits: 8 + Int(bits >> 4 & 7),
            serverNoContextTakeover: flags & 1 != 0, clientNoContextTakeover: flags & 2 != 0)
    }

    /// What a client must find in the parameters it agreed to with these options (RFC 7692 §7.1).
    public func requireHonouredByClient(_ parameters: PerMessageDeflateParameters, _ what: @autoclosure () -> String) {
        for bits in [parameters.serverMaxWindowBits, parameters.clientMaxWindowBits] {
            require((8...15).contains(bits), "\(what()): window bits \(bits) in \(parameters)")
        }
        require(!serverNoContextTakeover || parameters.serverNoContextTakeover,
                "\(what()): server_no_context_takeover requested, not agreed: \(parameters)")
        require(!clientNoContextTakeover || parameters.clientNoContextTakeover,
                "\(what()): client_no_context_takeover announced, not kept: \(parameters)")
        require(parameters.serverMaxWindowBits <= serverMaxWindowBits,
                "\(what()): server window \(parameters.serverMaxWindowBits) over the requested \(serverMaxWindowBits)")
        require(parameters.clientMaxWindowBits <= clientMaxWindowBits,
                "\(what()): client window \(parameters.clientMaxWindowBits) over the offered \(clientMaxWindowBits)")
    }
}
