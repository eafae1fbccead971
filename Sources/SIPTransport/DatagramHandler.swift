import NIOCore
import SIPMessage

/// Reads SIP datagrams from one UDP socket (RFC 3261 §18.3: one message per datagram,
/// the body framed by the datagram unless Content-Length says less).
final class DatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let transport: SIPTransport
    private let listener: Int
    private let parser: SIPParser

    init(transport: SIPTransport, listener: Int, parser: SIPParser) {
        self.transport = transport
        self.listener = listener
        self.parser = parser
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let peer = SIPPeer(transport: .udp, address: envelope.remoteAddress, listener: listener)
        transport.stats.datagramsReceived += 1
        let buffer = envelope.data
        // RFC 5626 §4.4.1 keep-alives on UDP are STUN; stray CRLFs are silently ignored.
        if buffer.readableBytesView.allSatisfy({ $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) { return }
        let parser = self.parser
        let result: Result<SIPMessage, SIPParseError> = buffer.withUnsafeReadableBytes { raw in
            do throws(SIPParseError) {
                return .success(try parser.parse(raw, framing: .datagram))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let message): transport.deliver(.message(message, from: peer))
        case .failure(let error): transport.deliver(.unparsable(Array(buffer.readableBytesView), error, from: peer))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        transport.deliver(.readBatchComplete)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP errors on a connected peer and similar: the socket keeps serving.
        transport.logger.debug("udp socket error: \(error)")
    }
}
