// swift-tools-version:6.0
// Callgate: a WebSocket gateway for browser softphones and CRM agent bars.
// The product depends on the toolchain, Glibc, OpenSSL and zlib only (docs/architecture.md §1).
import PackageDescription

let package = Package(
    name: "Callgate",
    products: [
        .executable(name: "callgate", targets: ["Gateway"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // epoll and eventfd, which Swift's Glibc module does not export (headers only).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // HTTP (RFC 9112, RFC 9110): request and response heads with the request-smuggling rules,
        // the chunked body decoder, gzip for static files; query strings (QueryString, and
        // StrictQuery for closed parameter lists), header values, HTTP dates. Pure: no sockets,
        // clocks or threads.
        .target(name: "HTTP1", dependencies: ["CZlib"]),
        // RFC 6455 / RFC 7692: frames, the opening handshake (on HTTP1's heads), permessage-deflate.
        // Pure. COpenSSL is used for the SHA-1 of the §4.2.2 accept value only.
        .target(name: "WSFraming", dependencies: ["HTTP1", "CZlib", "COpenSSL"]),
        // OpenSSL behind a bytes-in, bytes-out interface: TLS engines that never own a socket.
        .target(name: "TLSBridge", dependencies: ["COpenSSL"]),
        // RFC 3261 messages as a SIP-over-WebSocket edge reads and forwards them (RFC 7118):
        // pure, no dependencies, bounded by SIPLimits.
        .target(name: "SIP"),
        // The pure gateway logic, one target per concern (docs/architecture.md §1.3): no sockets,
        // threads or clocks it was not passed.
        // JSON (RFC 8259): the strict reader, typed access to an object's members, the writer.
        .target(name: "JSON"),
        // The client's real address behind a load balancer: PROXY protocol v1 and v2 headers,
        // Forwarded / X-Forwarded-For, IP addresses and trusted ranges.
        .target(name: "ProxyProtocol"),
        // The shared data structures: MinHeap, RingBuffer, ArrivalOrderedMap (the one oldest-first
        // eviction).
        .target(name: "Containers"),
        // Exponential backoff with full jitter, for reconnects and retries (Backoff).
        .target(name: "RetryBackoff"),
        // The rules of serving static files (RFC 9110): paths, entity tags, conditional requests,
        // content codings, media types. The files themselves are Gateway's (StaticFiles).
        .target(name: "StaticContent", dependencies: ["HTTP1"]),
        // The mux envelope of docs/backend-protocol.md: many sessions over one upstream WebSocket
        // (MuxFrame, MuxControl), request ids (RequestIDScanner).
        .target(name: "MuxEnvelope", dependencies: ["WSFraming", "JSON"]),
        // Credentials and the schemes that check them: session and SSO tokens, passwords (PBKDF2,
        // scrypt), Basic, where a credential is found (GateCredential), MD5, constant-time
        // compare. OpenSSL for its hashes, MACs and KDFs only.
        .target(name: "AuthSchemes", dependencies: ["COpenSSL", "WSFraming", "HTTP1", "JSON", "Containers"]),
        // The agent protocol of the bar (docs/agent-protocol.md): requests parsed into commands,
        // methods and the states they are allowed in, events, replies, errors; the Call, User,
        // Queue and state objects; E164.
        .target(name: "AgentProtocol", dependencies: ["JSON", "MuxEnvelope", "AuthSchemes"]),
        // What the gateway and a call-control back end say to each other (docs/cluster.md §5.2,
        // docs/backend-protocol.md §12): requests, answers, addressed events, sign-in, the admin
        // API's commands.
        .target(name: "CallControlMessages", dependencies: ["WSFraming", "HTTP1", "JSON", "MuxEnvelope", "AgentProtocol"]),
        // Click-to-call (docs/click-to-call.md): the field's HTTP dialects read into one dial, the
        // number plan, the replies, the Vodia popup link and session.
        .target(name: "ClickToCall", dependencies: ["HTTP1", "JSON", "AuthSchemes", "AgentProtocol"]),
        // The last-callers widget (docs/click-to-call.md §6): the history, the widget page in its
        // languages, its token.
        .target(name: "LastCallersWidget", dependencies: ["HTTP1", "JSON", "Containers", "AuthSchemes", "AgentProtocol", "ClickToCall"]),
        // Action URLs (docs/compatibility.md): device events in, CRM callbacks out (templates,
        // values, the per-target queue and its retry policy).
        .target(name: "ActionURLs", dependencies: ["HTTP1", "Containers", "RetryBackoff", "AuthSchemes", "AgentProtocol", "ClickToCall"]),
        // The SIP edge (docs/sip-edge.md): which SIP-over-WebSocket calls an agent's phone may
        // make, and its calls followed into agent events.
        .target(name: "SIPEdge", dependencies: ["SIP", "WSFraming", "AgentProtocol", "ClickToCall"]),
        // The routes: the route table, origin policy, upstream failures, relay close codes and
        // the gateway's own close codes, the gateway's messages to browsers, draining.
        .target(name: "Routes", dependencies: ["WSFraming", "JSON", "MuxEnvelope", "AuthSchemes"]),
        // RESP2/RESP3 (the Redis protocol): replies parsed, commands encoded. Pure: no sockets,
        // clocks or threads.
        .target(name: "RedisProtocol"),
        // The embedded call-control back end: users, devices, queues, calls, agent states. Pure:
        // no sockets, threads, clocks or Foundation; time is passed in.
        .target(name: "Switchboard", dependencies: ["SIP", "JSON", "Containers", "AgentProtocol", "CallControlMessages"]),
        // The rules of agent delivery (docs/agent-protocol.md §4, docs/cluster.md §5): tabs and
        // users, per-user `seq` and the replay window, ringing acks, the primary tab, sign-in and
        // sign-out, dedup, click-to-call, last callers, Action URL hand-off. Pure: each input
        // returns actions that Gateway performs; time is passed in.
        .target(name: "AgentDelivery", dependencies: ["Routes", "WSFraming", "JSON", "Containers", "MuxEnvelope", "AuthSchemes", "AgentProtocol", "CallControlMessages", "ClickToCall", "LastCallersWidget", "ActionURLs"]),
        // The executable and all I/O.
        .executableTarget(name: "Gateway", dependencies: ["AgentDelivery", "Switchboard", "Routes", "SIP", "HTTP1", "WSFraming", "TLSBridge", "RedisProtocol", "CLinux", "JSON", "ProxyProtocol", "Containers", "RetryBackoff", "StaticContent", "MuxEnvelope", "AuthSchemes", "AgentProtocol", "CallControlMessages", "ClickToCall", "LastCallersWidget", "ActionURLs", "SIPEdge"]),
        // What several test targets share: openssl and python3 as independent checks
        // (ExternalTool, the Python session-token minter), a seeded generator (SplitMix64), the
        // full agent objects (AgentObjectSamples), number plans and seed URLs (ClickToCallSamples).
        // Not a product.
        .target(name: "TestSupport", dependencies: ["AuthSchemes", "AgentProtocol", "ClickToCall"], path: "Tests/TestSupport"),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "WSFramingTests", dependencies: ["WSFraming", "HTTP1"]),
        .testTarget(name: "TLSBridgeTests", dependencies: ["TLSBridge"]),
        .testTarget(name: "SIPTests", dependencies: ["SIP"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ProxyProtocolTests", dependencies: ["ProxyProtocol"]),
        .testTarget(name: "ContainersTests", dependencies: ["Containers"]),
        .testTarget(name: "RetryBackoffTests", dependencies: ["RetryBackoff"]),
        .testTarget(name: "StaticContentTests", dependencies: ["HTTP1", "StaticContent"]),
        .testTarget(name: "MuxEnvelopeTests", dependencies: ["TestSupport", "WSFraming", "JSON", "MuxEnvelope", "Routes"]),
        .testTarget(name: "AuthSchemesTests", dependencies: ["TestSupport", "WSFraming", "HTTP1", "AuthSchemes", "Routes"]),
        .testTarget(name: "AgentProtocolTests", dependencies: ["WSFraming", "JSON", "AgentProtocol", "Routes", "TestSupport", "ClickToCall"]),
        .testTarget(name: "CallControlMessagesTests", dependencies: ["WSFraming", "AgentProtocol", "CallControlMessages", "TestSupport"]),
        .testTarget(name: "ClickToCallTests", dependencies: ["TestSupport", "HTTP1", "AuthSchemes", "AgentProtocol", "ClickToCall"]),
        .testTarget(name: "LastCallersWidgetTests", dependencies: ["TestSupport", "HTTP1", "JSON", "AuthSchemes", "ClickToCall", "LastCallersWidget"]),
        .testTarget(name: "ActionURLsTests", dependencies: ["TestSupport", "HTTP1", "AgentProtocol", "ActionURLs"]),
        .testTarget(name: "SIPEdgeTests", dependencies: ["TestSupport", "SIP", "WSFraming", "AuthSchemes", "AgentProtocol", "ClickToCall", "SIPEdge"]),
        .testTarget(name: "RoutesTests", dependencies: ["Routes", "WSFraming", "TestSupport"]),
        .testTarget(name: "SwitchboardTests", dependencies: ["Switchboard", "SIP", "JSON", "AuthSchemes", "AgentProtocol", "CallControlMessages"]),
        .testTarget(name: "AgentDeliveryTests", dependencies: ["AgentDelivery", "WSFraming", "JSON", "MuxEnvelope", "AuthSchemes", "AgentProtocol", "CallControlMessages", "ClickToCall", "LastCallersWidget", "ActionURLs"]),
        .testTarget(name: "RedisProtocolTests", dependencies: ["RedisProtocol"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "AgentDelivery", "Routes", "HTTP1", "WSFraming", "TLSBridge", "RedisProtocol", "CLinux", "ProxyProtocol", "StaticContent", "CallControlMessages", "ClickToCall", "LastCallersWidget", "ActionURLs", "RetryBackoff", "AuthSchemes"]),
    ],
    swiftLanguageModes: [.v6]
)

// Every library module is also a library product, so that the fuzz targets of Fuzz/ can import
// it, a new module included (docs/fuzzing.md); TestSupport, shared by the test targets only, is
// not. The executable does not change.
package.products += package.targets.filter { $0.type == .regular && $0.name != "TestSupport" }.map { .library(name: $0.name, targets: [$0.name]) }
