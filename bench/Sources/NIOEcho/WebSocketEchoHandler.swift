import NIOCore
import NIOWebSocket

/// Echoes each WebSocket message back to its sender.
///
/// It sits behind `NIOWebSocketFrameAggregator`, so it sees whole messages: a fragmented message
/// is reassembled and echoed as one frame, an unfragmented one is forwarded untouched by the
/// aggregator (its fast path) and echoed as is. Replies are written in `channelRead` and flushed
/// once per read burst in `channelReadComplete`, as NIO's handlers do.
///
/// Not enforced: UTF-8 validity of text messages (RFC 6455 §8.1), which NIOWebSocket leaves to
/// the application and NIO's own examples skip; the benchmark sends binary messages by default.
final class WebSocketEchoHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let totals: EchoTotals
    private var messages = 0
    private var payloadBytes = 0
    private var needsFlush = false
    /// Set once this side has sent a Close frame; data frames are then ignored (RFC 6455 §5.5.1).
    private var sentClose = false

    init(totals: EchoTotals) {
        self.totals = totals
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)

        // RFC 6455 §5.1: a server MUST close the connection when a client frame is not masked.
        // RFC 6455 §5.2: RSV bits MUST be 0 unless an extension was negotiated (none is here).
        guard frame.maskKey != nil, frame.reservedBits.isEmpty else {
            self.fail(context: context, code: .protocolError)
            return
        }

        switch frame.opcode {
        case .text, .binary:
            guard !self.sentClose else { return }
            let payload = frame.unmaskedData
            self.messages += 1
            self.payloadBytes += payload.readableBytes
            // RFC 6455 §5.1: a server MUST NOT mask the frames it sends.
            let echo = WebSocketFrame(fin: true, opcode: frame.opcode, data: payload)
            context.write(Self.wrapOutboundOut(echo), promise: nil)
            self.needsFlush = true

        case .ping:
            // RFC 6455 §5.5.3: a Pong in answer to a Ping carries the Ping's application data.
            guard !self.sentClose else { return }
            context.write(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
            self.needsFlush = true

        case .pong:
            // RFC 6455 §5.5.3: an unsolicited Pong needs no answer.
            break

        case .connectionClose:
            self.receivedClose(context: context, frame: frame)

        default:
            // A continuation never gets here (the aggregator consumes it); reserved opcodes are a
            // protocol error (RFC 6455 §5.2).
            self.fail(context: context, code: .protocolError)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.needsFlush {
            self.needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Decoder errors were already answered with a Close frame by WebSocketProtocolErrorHandler;
        // the aggregator's limits are answered here.
        if let error = error as? NIOWebSocketFrameAggregator.Error {
            self.fail(context: context, code: error == .accumulatedFrameSizeIsTooLarge ? .messageTooLarge : .protocolError)
        } else {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.totals.add(messages: self.messages, payloadBytes: self.payloadBytes)
    }

    /// RFC 6455 §5.5.1: answer a Close with a Close, echoing the status code, then close TCP
    /// (the server closes the TCP connection first, §7.1.1). A Close payload of one byte is a
    /// protocol error (§5.5.1: a body starts with a 2-byte code).
    private func receivedClose(context: ChannelHandlerContext, frame: WebSocketFrame) {
        if self.sentClose {
            context.close(promise: nil)
            return
        }
        var payload = frame.unmaskedData
        guard payload.readableBytes != 1 else {
            self.fail(context: context, code: .protocolError)
            return
        }
        let code = payload.readSlice(length: 2) ?? context.channel.allocator.buffer(capacity: 0)
        self.sendCloseThenClose(context: context, payload: code)
    }

    private func fail(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !self.sentClose else {
            context.close(promise: nil)
            return
        }
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.write(webSocketErrorCode: code)
        self.sendCloseThenClose(context: context, payload: payload)
    }

    private func sendCloseThenClose(context: ChannelHandlerContext, payload: ByteBuffer) {
        self.sentClose = true
        self.needsFlush = false
        let loopBoundContext = context.loopBound
        context.writeAndFlush(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
            .whenComplete { _ in loopBoundContext.value.close(promise: nil) }
    }
}

@available(*, unavailable)
extension WebSocketEchoHandler: Sendable {}
