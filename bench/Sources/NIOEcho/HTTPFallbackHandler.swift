import NIOCore
import NIOHTTP1

/// Answers HTTP requests that did not ask for a WebSocket upgrade: `GET /healthz` gets 200 and
/// anything else 426 Upgrade Required. It is removed from the pipeline once an upgrade happens.
final class HTTPFallbackHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "http-fallback"

    private var responseStatus: HTTPResponseStatus?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            let path = head.uri.split(separator: "?", maxSplits: 1).first ?? ""
            self.responseStatus = (head.method == .GET && path == "/healthz") ? .ok : .upgradeRequired
        case .body:
            break
        case .end:
            let status = self.responseStatus ?? .badRequest
            self.responseStatus = nil
            let body = status == .ok ? "ok\n" : "this server speaks WebSocket only\n"
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            if status != .ok { headers.add(name: "Connection", value: "close") }
            context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: done)
            if status != .ok {
                let channel = context.channel
                done.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
