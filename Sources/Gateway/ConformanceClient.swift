import Glibc
import WSFraming

/// Drives Autobahn|Testsuite's `fuzzingserver` against Callgate's client role: reads the case
/// count, runs every case as an echo client, then asks the suite to write its report
/// (`callgate conformance-client ws://127.0.0.1:9001 [AGENT]`).
enum ConformanceClient {
    static func run(base: WebSocketURL, agent: String, config: GatewayConfig) -> Int32 {
        let context: ServerContext
        do { context = try ServerContext(config: config) } catch {
            Log.error("start_failed", ["error": "\(error)"])
            return 1
        }
        let loop = EventLoop(index: 0)
        context.loopMetrics = [loop.metrics]
        let thread = Thread.spawn(name: "callgate-client") { loop.run() }
        defer {
            loop.stop()
            pthread_join(thread, nil)
        }

        func session(_ target: String, echo: Bool) -> ClientSession? {
            var address = base
            address.target = target
            let url = address
            let session = ClientSession(echo: echo)
            loop.execute {
                do {
                    try Connection.connect(to: url, loop: loop, context: context, application: session)
                } catch {
                    Log.error("connect_failed", ["url": "\(url)", "error": "\(error)"])
                    session.finished.signal()
                }
            }
            return session.finished.wait(seconds: 120) ? session : nil
        }

        guard let counter = session("/getCaseCount", echo: false),
              let text = counter.firstText, let count = Int(text) else {
            Log.error("conformance_client", ["error": "could not read the case count from \(base)"])
            return 2
        }
        Log.info("conformance_client", ["cases": "\(count)", "agent": agent])
        for number in 1...max(1, count) where count > 0 {
            if session("/runCase?case=\(number)&agent=\(agent)", echo: true) == nil {
                Log.error("conformance_client", ["case": "\(number)", "error": "did not finish within 120 s"])
            }
        }
        guard session("/updateReports?agent=\(agent)", echo: false) != nil else { return 2 }
        return 0
    }
}

/// One client connection of a conformance run: echoes (or records) messages, signals on close.
private final class ClientSession: WebSocketApplication, @unchecked Sendable {
    let echo: Bool
    let finished = Semaphore()
    var firstText: String?

    init(echo: Bool) { self.echo = echo }

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        if firstText == nil { firstText = String(decoding: text, as: UTF8.self) }
        if echo { try connection.send(.text, text) }
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        if echo { try connection.send(.binary, binary) }
    }

    func closed(_ connection: Connection, code: CloseCode?) { finished.signal() }
}
