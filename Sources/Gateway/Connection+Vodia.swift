import WSFraming

/// SCAFFOLD: the Vodia popup's link check (`/makecall/session`).
extension Connection {
    static let vodiaSessionPath = "/makecall/session"

    func serveVodiaSession(_ head: HTTPRequestHead) {
        respond(status: 501, body: "not implemented yet\n", keepAlive: false)
    }
}
