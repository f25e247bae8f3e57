import Glibc

// callgate: parse the command line, start the loops, wait for a signal, shut down cleanly.

let action: CommandLineOptions.Action
do {
    action = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    var message = Array("callgate: \(error)\n".utf8)
    _ = write(2, &message, message.count)
    exit(2)
}

switch action {
case .print(let text):
    print(text, terminator: "")
    exit(0)
case .conformanceClient(let url, let agent, let config):
    signal(SIGPIPE, SIG_IGN)
    exit(ConformanceClient.run(base: url, agent: agent, config: config))
case .run(let config):
    Log.minimumLevel = config.logLevel
    signal(SIGPIPE, SIG_IGN)
    // Signals are taken by this thread with sigwait; the loops (spawned below) inherit the mask.
    var signals = sigset_t()
    sigemptyset(&signals)
    for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, number) }
    pthread_sigmask(SIG_BLOCK, &signals, nil)

    let server: Server
    do {
        server = try Server(config: config)
        try server.start()
    } catch let error as PortLock.PortInUse {
        Log.error("port_in_use", ["address": error.address, "error": "\(error)"])
        exit(1)
    } catch {
        Log.error("start_failed", ["error": "\(error)"])
        exit(1)
    }
    Log.info("listening", [
        "addresses": (server.boundAddresses.map { "http://\($0)" } + server.boundTLSAddresses.map { "https://\($0)" })
            .joined(separator: ","),
        "threads": "\(config.threads)",
        "echo": config.echoPaths.joined(separator: ","),
        "routes": config.routes.routes.compactMap { route in
            route.backend.map { "\(route.path)=\($0)(\(route.mode.rawValue))" }
        }.joined(separator: ","),
        "static": server.context.staticFiles.root ?? "off",
        "version": CommandLineOptions.version,
    ])
    // SIGHUP reloads the certificates; the wait's time-out rotates the session-ticket keys.
    let rotation = timespec(tv_sec: config.tls.ticketKeyRotationSeconds, tv_nsec: 0)
    while true {
        var timeout = rotation
        let received = sigtimedwait(&signals, nil, &timeout)
        if received == SIGHUP {
            server.tls?.reload()
        } else if received < 0 {
            // Shared keys (docs/cluster.md §6.6) rotate on the hub's loop, through Redis.
            if errno == EAGAIN, server.context.agentHub.ticketKeys == nil { server.tls?.rotateTicketKeys() }
        } else {
            Log.info("shutting_down", ["signal": received == SIGINT ? "SIGINT" : "SIGTERM"])
            server.shutdown(quick: received == SIGINT)
            exit(0)
        }
    }
}
