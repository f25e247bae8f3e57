// fuzz-options: -max_len=2048
import FuzzSupport
import WSFraming

/// permessage-deflate negotiation (RFC 7692 §5, §7.1) and the `Sec-WebSocket-Extensions`
/// grammar (RFC 6455 §9.1), on both sides. Input: the server's options (two bytes,
/// `PerMessageDeflateOptions.fuzzed`), the client's (two bytes), then header values, one a line:
/// offers to the server and, the same lines, a response to the client.
///
/// Properties:
/// - the server's answer to any offers, read back as an offer, is accepted with the same
///   parameters and the same answer (the answer is an offer the server itself accepts as is);
/// - any response the client accepts honours what it asked for (window bits 8–15 and within
///   what it requested or offered, the no_context_takeover it requested or announced);
/// - the client's own offer is accepted by the server, and the server's answer to it is
///   accepted by the client with exactly the parameters the server agreed to.
@main enum DeflateNegotiationFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let server = PerMessageDeflateOptions.fuzzed(&input)
        let client = PerMessageDeflateOptions.fuzzed(&input)
        var values: [String] = []
        while !input.isEmpty { values.append(input.text()) }

        if let (parameters, response) = PerMessageDeflateNegotiation.accept(offers: values, options: server) {
            for bits in [parameters.serverMaxWindowBits, parameters.clientMaxWindowBits] {
                require((8...15).contains(bits), "agreed window bits \(bits)")
            }
            let again = PerMessageDeflateNegotiation.accept(offers: [response], options: server)
            require(again?.parameters == parameters && again?.response == response,
                    "the answer \(response) read as an offer gave \(String(describing: again)), not \(parameters)")
        }

        if case .success(let parameters?) = Result(catching: { () throws(PerMessageDeflateNegotiationError) in
            try PerMessageDeflateNegotiation.validate(response: values, options: client)
        }) {
            client.requireHonouredByClient(parameters, "response \(values)")
        }

        let offer = PerMessageDeflateNegotiation.offer(options: client)
        guard let (agreed, answer) = PerMessageDeflateNegotiation.accept(offers: [offer], options: server) else {
            require(false, "the server declined the client's offer \(offer)")
            return
        }
        let result = Result { () throws(PerMessageDeflateNegotiationError) in
            try PerMessageDeflateNegotiation.validate(response: [answer], options: client)
        }
        requireEqual(result, .success(agreed), "offer \(offer), answer \(answer)")
    }
}
