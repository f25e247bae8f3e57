import NIOCore
import NIOHTTP1

/// HTTP requests without an upgrade: `POST /broadcast?size=N` broadcasts and answers 201,
/// `GET /healthz` answers 200, anything else 404. It is removed once a connection upgrades.
final class FanoutHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "fanout-http"
    /// The largest message a broadcast may ask for.
    static let maxSize = 1 << 20

    private let group: FanoutGroup
    private var head: HTTPRequestHead?

    init(group: FanoutGroup) {
        self.group = group
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let (status, body) = self.respond(to: head, allocator: context.channel.allocator)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: status == .created ? "application/json" : "text/plain")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: done)
            if !head.isKeepAlive {
                let channel = context.channel
                done.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    private func respond(to head: HTTPRequestHead, allocator: ByteBufferAllocator) -> (HTTPResponseStatus, String) {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? ""
        switch (head.method, path) {
        case (.GET, "/healthz"):
            return (.ok, "ok\n")
        case (.POST, "/broadcast"):
            var size = 1300
            if parts.count == 2 {
                for item in parts[1].split(separator: "&") where item.hasPrefix("size=") {
                    guard let value = Int(item.dropFirst(5)), (0...Self.maxSize).contains(value) else {
                        return (.badRequest, "size must be an integer in 0...\(Self.maxSize)\n")
                    }
                    size = value
                }
            }
            let (members, seq) = self.group.broadcast(size: size, allocator: allocator)
            return (.created, "{\"connections\":\(members),\"seq\":\(seq)}")
        default:
            return (.notFound, "POST /broadcast?size=N or a WebSocket upgrade\n")
        }
    }
}

@available(*, unavailable)
extension FanoutHTTPHandler: Sendable {}
