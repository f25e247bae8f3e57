import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

#if canImport(Glibc)
import Glibc
#endif

// nio-echo: the SwiftNIO WebSocket echo server Callgate is measured against.
// Pipeline after the upgrade: NIOSSLServerHandler (with --tls only), WebSocketFrameEncoder,
// ByteToMessageHandler(WebSocketFrameDecoder), WebSocketProtocolErrorHandler (added by
// NIOWebSocketServerUpgrader), then NIOWebSocketFrameAggregator and WebSocketEchoHandler (added here).

let options: EchoOptions
do {
    options = try EchoOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch .help {
    print(EchoOptions.usage)
    exit(0)
} catch .invalid(let message) {
    printError("nio-echo: \(message)\n\(EchoOptions.usage)")
    exit(2)
}

let totals = EchoTotals()

// One context for every connection, so the TLS 1.3 session tickets it issues resume on any of them.
let tlsContext: NIOSSLContext?
if options.tls, let certificateFile = options.certificateFile, let keyFile = options.keyFile {
    do {
        tlsContext = try ServerTLS.makeContext(certificateFile: certificateFile, keyFile: keyFile)
    } catch {
        printError("nio-echo: cannot set up TLS with --cert \(certificateFile) --key \(keyFile): \(error)")
        exit(1)
    }
} else {
    tlsContext = nil
}
let maxMessage = options.maxMessage

let upgrader = NIOWebSocketServerUpgrader(
    maxFrameSize: maxMessage,
    automaticErrorHandling: true,
    shouldUpgrade: { channel, _ in
        // Any request path upgrades.
        channel.eventLoop.makeSucceededFuture(HTTPHeaders())
    },
    upgradePipelineHandler: { channel, _ in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                NIOWebSocketFrameAggregator(
                    minNonFinalFragmentSize: 1,
                    maxAccumulatedFrameCount: 1024,
                    maxAccumulatedFrameSize: maxMessage
                )
            )
            try channel.pipeline.syncOperations.addHandler(WebSocketEchoHandler(totals: totals))
        }
    }
)

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 4096)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            if let tlsContext {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
            }
            let upgrade: NIOHTTPServerUpgradeSendableConfiguration = (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(name: HTTPFallbackHandler.name, promise: nil)
                }
            )
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: upgrade)
            try channel.pipeline.syncOperations.addHandler(HTTPFallbackHandler(), name: HTTPFallbackHandler.name)
        }
    }
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(.maxMessagesPerRead, value: 16)

let serverChannel: Channel
do {
    serverChannel = try bootstrap.bind(host: options.host, port: options.port).wait()
} catch {
    printError("nio-echo: cannot listen on \(options.host):\(options.port): \(error)")
    try? group.syncShutdownGracefully()
    exit(1)
}
print(
    "nio-echo: listening on \(options.host):\(options.port) (\(options.tls ? "wss: NIOSSL, TLS 1.2+, ALPN http/1.1" : "ws")),"
        + " \(options.threads) event loop thread(s), pid \(getpid())"
)

// SIGTERM and SIGINT close the listener; the group's shutdown then closes every connection, whose
// handlers add their counts to `totals` before the summary line is printed.
let signalSources = ShutdownSignals.install(closing: serverChannel)

try serverChannel.closeFuture.wait()
try group.syncShutdownGracefully()
let counts = totals.snapshot
print("nio-echo: totals connections=\(counts.connections) messages=\(counts.messages) payload_bytes=\(counts.payloadBytes)")
withExtendedLifetime(signalSources) {}
