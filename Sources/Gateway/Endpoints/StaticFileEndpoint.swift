import Glibc
import StaticContent
import HTTP1
import WSFraming

/// Static files (`static` in docs/config.md): GET and HEAD of any path that no endpoint, route
/// or the admin API claimed. The rules are StaticContent's (`StaticPath`, `MediaType`,
/// `ConditionalRequest`, `AcceptEncoding`); the file system is `StaticFiles`'. Over plain HTTP
/// with `tls.redirectHTTP`, a GET or HEAD is sent to the TLS listener instead.
struct StaticFileEndpoint: HTTPEndpoint {
    let context: ServerContext
    let request: EndpointRequest

    func respond() -> EndpointAction {
        let keepAlive = request.keepAlive
        guard head.method == "GET" || head.method == "HEAD" else {
            if context.staticFiles.settings.enabled {
                return refuseStatic(head, .method, keepAlive: keepAlive, headOnly: false)
            }
            return .respond(status: 404, body: "not found\n", keepAlive: keepAlive)
        }
        let headOnly = request.headOnly
        if !request.isTLS, let port = context.redirectPort {
            return redirectToHTTPS(head, port: port, keepAlive: keepAlive)
        }
        if context.staticFiles.settings.enabled {
            return serveStatic(head, keepAlive: keepAlive, headOnly: headOnly)
        }
        return .respond(status: 404, body: "not found\n", keepAlive: keepAlive, headOnly: headOnly)
    }

    /// `tls.redirectHTTP`: the same target on the TLS listener (RFC 9110 §15.4.2).
    private func redirectToHTTPS(_ head: HTTPRequestHead, port: UInt16, keepAlive: Bool) -> EndpointAction {
        var host = head.headers["Host"] ?? "localhost"
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") { host = String(host[..<colon]) }
        let location = "https://\(host)\(port == 443 ? "" : ":\(port)")\(head.target)"
        return .respond(status: 301, body: "moved to \(location)\n", keepAlive: keepAlive, extraHeaders: [("Location", location)])
    }

    /// Answers a GET (or, with `headOnly`, a HEAD) for a static file: 200 or 304 with the file's
    /// validators, 301 for a directory named without its slash, 404 for anything missing or
    /// refused, 400 for a malformed path. Refusals are logged and counted by reason.
    private func serveStatic(_ head: HTTPRequestHead, keepAlive: Bool, headOnly: Bool) -> EndpointAction {
        let path: StaticPath
        do {
            path = try StaticPath(requestPath: head.path)
        } catch {
            return refuseStatic(head, error, keepAlive: keepAlive, headOnly: headOnly)
        }
        let now = HTTPDate(secondsSince1970: Int64(time(nil)))
        switch context.staticFiles.lookup(path, now: now) {
        case .found(let entry):
            return sendStaticFile(entry, for: head, now: now, keepAlive: keepAlive, headOnly: headOnly)
        case .directory:
            // RFC 9110 §15.4.2: the directory's own URL ends in `/`, so its index's relative links work.
            let location = StaticPath.directoryRedirectTarget(path: head.path, query: head.query)
            metrics.staticResponse(status: 301)
            return .respond(status: 301, body: "moved to \(location)\n", keepAlive: keepAlive,
                    extraHeaders: [("Location", location)], headOnly: headOnly)
        case .notFound:
            Log.debug("static_not_found", ["peer": peerHost, "path": head.path])
            metrics.staticResponse(status: 404)
            return .respond(status: 404, body: "not found\n", keepAlive: keepAlive, headOnly: headOnly)
        case .refused(let refusal):
            return refuseStatic(head, refusal, keepAlive: keepAlive, headOnly: headOnly)
        }
    }

    /// Answers a refusal with its status, logged and counted by reason; a 405 names the
    /// methods static files allow (RFC 9110 §15.5.6).
    private func refuseStatic(_ head: HTTPRequestHead, _ refusal: StaticRefusal, keepAlive: Bool, headOnly: Bool) -> EndpointAction {
        Log.info("static_refused", ["peer": peerHost, "method": head.method, "path": head.path, "reason": refusal.reason])
        metrics.staticRefused(reason: refusal.reason)
        metrics.staticResponse(status: refusal.status)
        switch refusal.status {
        case 400:
            return .respond(status: 400, body: "bad request\n", keepAlive: keepAlive, headOnly: headOnly)
        case 405:
            return .respond(status: 405, body: "method not allowed\n", keepAlive: keepAlive,
                    extraHeaders: [("Allow", "GET, HEAD")], headOnly: headOnly)
        default:
            return .respond(status: 404, body: "not found\n", keepAlive: keepAlive, headOnly: headOnly)
        }
    }

    /// 200 with the representation the client accepts, or 304 when its validators still match
    /// (RFC 9110 §13.2.2).
    private func sendStaticFile(_ entry: StaticEntry, for head: HTTPRequestHead, now: HTTPDate, keepAlive: Bool, headOnly: Bool) -> EndpointAction {
        let headers = head.headers
        let accepted = AcceptEncoding(fieldValues: headers.values(for: "Accept-Encoding"))
        let gzip = accepted.acceptsGzip ? entry.gzip : nil
        let representation = gzip ?? entry.identity
        let conditions = ConditionalRequest(ifNoneMatch: headers.values(for: "If-None-Match"),
                                            ifModifiedSince: headers.values(for: "If-Modified-Since"), now: now)
        let outcome = conditions.evaluate(entityTag: representation.entityTag, lastModified: entry.lastModified)
        var response = HTTPResponseHead(status: outcome.status)
        // §15.4.5: a 304 carries the validators and caching fields a 200 would, and no content fields.
        response.headers.add(name: "Date", value: now.imfFixdate)
        response.headers.add(name: "ETag", value: representation.entityTag.description)
        response.headers.add(name: "Last-Modified", value: entry.lastModified.imfFixdate)
        response.headers.add(name: "Cache-Control", value: cacheControl)
        // §12.5.5: the answer depends on Accept-Encoding whenever a gzip variant could be chosen.
        if entry.mediaType.isCompressible { response.headers.add(name: "Vary", value: "Accept-Encoding") }
        if entry.mediaType.allowsAnyOrigin { response.headers.add(name: "Access-Control-Allow-Origin", value: "*") }
        if outcome == .full {
            response.headers.add(name: "Content-Type", value: entry.mediaType.fieldValue)
            response.headers.add(name: "Content-Length", value: String(representation.body.count))
            if gzip != nil { response.headers.add(name: "Content-Encoding", value: "gzip") }
            response.headers.add(name: "X-Content-Type-Options", value: "nosniff")
        }
        metrics.staticResponse(status: outcome.status)
        return .answer(HTTPAnswer(head: response, body: outcome == .full ? representation.body : [], keepAlive: keepAlive, headOnly: headOnly))
    }

    /// RFC 9111 §5.2.2: `no-cache` lets a browser keep the file but revalidate it on each use
    /// (a 304 when unchanged); with `static.cacheSeconds` it may reuse it that long unasked.
    private var cacheControl: String {
        let seconds = context.staticFiles.settings.cacheSeconds
        return seconds > 0 ? "public, max-age=\(seconds)" : "no-cache"
    }
}
