import NIOCore
import NIOWebSocket

/// An upgraded connection: joins the group when added, leaves it when the channel goes inactive.
/// It answers pings and completes the close handshake; data frames from the client are ignored.
final class FanoutMemberHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let group: FanoutGroup
    private var sentClose = false

    init(group: FanoutGroup) {
        self.group = group
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.group.add(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.group.remove(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.group.remove(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            // RFC 6455 §5.5.3: a Pong in answer to a Ping carries the Ping's application data.
            guard !self.sentClose else { return }
            context.writeAndFlush(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            // RFC 6455 §5.5.1: answer a Close with a Close echoing its status code, then close TCP
            // (the server closes first, §7.1.1).
            guard !self.sentClose else {
                context.close(promise: nil)
                return
            }
            self.sentClose = true
            var payload = frame.unmaskedData
            let code = payload.readSlice(length: 2) ?? context.channel.allocator.buffer(capacity: 0)
            let loopBoundContext = context.loopBound
            context.writeAndFlush(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: code)))
                .whenComplete { _ in loopBoundContext.value.close(promise: nil) }
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension FanoutMemberHandler: Sendable {}
