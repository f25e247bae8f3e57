import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

#if canImport(Glibc)
import Glibc
#endif

// nio-fanout: the SwiftNIO fan-out server Callgate's agent events are measured against
// (bench/fanout.sh). Pipeline after the upgrade: WebSocketFrameEncoder,
// ByteToMessageHandler(WebSocketFrameDecoder), WebSocketProtocolErrorHandler (added by
// NIOWebSocketServerUpgrader), then FanoutMemberHandler (added here), which joins the group.

let options: FanoutOptions
do {
    options = try FanoutOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch .help {
    print(FanoutOptions.usage)
    exit(0)
} catch .invalid(let message) {
    printError("nio-fanout: \(message)\n\(FanoutOptions.usage)")
    exit(2)
}

let fanoutGroup = FanoutGroup()

let upgrader = NIOWebSocketServerUpgrader(
    maxFrameSize: 1 << 16,
    automaticErrorHandling: true,
    shouldUpgrade: { channel, _ in
        // Any request path upgrades.
        channel.eventLoop.makeSucceededFuture(HTTPHeaders())
    },
    upgradePipelineHandler: { channel, _ in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FanoutMemberHandler(group: fanoutGroup))
        }
    }
)

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 4096)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let upgrade: NIOHTTPServerUpgradeSendableConfiguration = (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(name: FanoutHTTPHandler.name, promise: nil)
                }
            )
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: upgrade)
            try channel.pipeline.syncOperations.addHandler(FanoutHTTPHandler(group: fanoutGroup), name: FanoutHTTPHandler.name)
        }
    }
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)

let serverChannel: Channel
do {
    serverChannel = try bootstrap.bind(host: options.host, port: options.port).wait()
} catch {
    printError("nio-fanout: cannot listen on \(options.host):\(options.port): \(error)")
    try? group.syncShutdownGracefully()
    exit(1)
}
print("nio-fanout: listening on \(options.host):\(options.port) (ws), \(options.threads) event loop thread(s), pid \(getpid())")

let signalSources = ShutdownSignals.install(closing: serverChannel)

try serverChannel.closeFuture.wait()
try group.syncShutdownGracefully()
let counts = fanoutGroup.snapshot
print("nio-fanout: totals connections=\(counts.connections) broadcasts=\(counts.broadcasts) messages=\(counts.messages)")
withExtendedLifetime(signalSources) {}
