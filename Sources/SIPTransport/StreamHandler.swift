import NIOCore
import SIPMessage

/// One TCP (or TLS) connection: finds message boundaries with the stream framer
/// (RFC 3261 §18.3), answers CRLF keep-alive pings (RFC 5626 §4.4.1), closes the
/// connection when it idles too long or sends what cannot be framed.
final class StreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let transport: SIPTransport
    private let id: ConnectionID
    private let kind: TransportProtocol
    private var framer: SIPStreamFramer
    private let parser: SIPParser
    private var peer: SIPPeer?

    init(transport: SIPTransport, id: ConnectionID, kind: TransportProtocol, parser: SIPParser) {
        self.transport = transport
        self.id = id
        self.kind = kind
        self.parser = parser
        self.framer = SIPStreamFramer(limits: parser.limits)
    }

    func channelActive(context: ChannelHandlerContext) {
        if let address = context.remoteAddress {
            peer = SIPPeer(transport: kind, address: address, connection: id)
            transport.connections.register(id, channel: context.channel, remote: address, kind: kind)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport.connections.remove(id)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let peer else { return }
        let buffer = unwrapInboundIn(data)
        framer.append(buffer.readableBytesView)
        while true {
            let frame: SIPStreamFramer.Frame?
            do throws(SIPParseError) {
                frame = try framer.next()
            } catch {
                // The stream cannot be re-synchronised: answer if possible, then close.
                // The start of the message holds the request line and Via, so a too-large
                // request can still get its 513 before the connection closes.
                transport.stats.connectionsClosedForErrors += 1
                transport.deliver(.unparsable(framer.unframedPrefix(16_384), error, from: peer))
                transport.flush()
                context.close(promise: nil)
                return
            }
            guard let frame else { break }
            switch frame {
            case .keepAlivePing:
                transport.stats.keepAlivePingsAnswered += 1
                var pong = context.channel.allocator.buffer(capacity: 2)
                pong.writeStaticString("\r\n")
                context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            case .keepAlivePong:
                continue
            case .message(let bytes):
                transport.stats.streamMessagesReceived += 1
                do throws(SIPParseError) {
                    let message = try parser.parse(bytes, framing: .stream)
                    transport.deliver(.message(message, from: peer))
                } catch {
                    transport.deliver(.unparsable(bytes, error, from: peer))
                }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        transport.deliver(.readBatchComplete)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            transport.stats.connectionsClosedIdle += 1
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        transport.logger.debug("connection \(id) error: \(error)")
        transport.stats.connectionsClosedForErrors += 1
        context.close(promise: nil)
    }
}
