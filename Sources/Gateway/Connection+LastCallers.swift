import WSFraming

/// SCAFFOLD: the last-callers widget (`/lastcaller/`) and its token endpoint.
extension Connection {
    static let lastCallersPaths: Set<String> = ["/lastcaller/", "/lastcaller/tokengen/token"]

    func serveLastCallers(_ head: HTTPRequestHead) {
        respond(status: 501, body: "not implemented yet\n", keepAlive: false)
    }
}
