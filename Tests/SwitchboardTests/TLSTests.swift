import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SIPMessage
import SIPTransport
import Testing
@testable import Switchboard

/// SIP over TLS (RFC 3261 §26.2): a `tls:` listener with a certificate made by openssl
/// for the test, and a TLS client that sends OPTIONS.
@Suite("SIP over TLS")
struct TLSTests {
    /// A throw-away self-signed certificate and key from the openssl command.
    static func makeCertificate() throws -> TLSFiles {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return TLSFiles(certificateChain: certificate, privateKey: key)
    }

    /// Collects what the server sends until one SIP message is framed.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private var framer = SIPStreamFramer()
        let answer: EventLoopPromise<SIPMessage>

        init(answer: EventLoopPromise<SIPMessage>) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            framer.append(unwrapInboundIn(data).readableBytesView)
            do {
                if let frame = try framer.next(), case .message(let bytes) = frame {
                    answer.succeed(try SIPParser().parse(bytes, framing: .stream))
                }
            } catch {
                answer.fail(error)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            answer.fail(ChannelError.eof)
        }
    }

    @Test("OPTIONS over TLS gets 200")
    func options() async throws {
        let files = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: (files.certificateChain as NSString).deletingLastPathComponent) }
        try await withLoopbackServer(tls: files) { server, port in
            #expect(server.server.listeners.first?.transport == .tls)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            let answer = group.next().makePromise(of: SIPMessage.self)
            let channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                        try channel.pipeline.syncOperations.addHandler(Collector(answer: answer))
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            var buffer = channel.allocator.buffer(capacity: 512)
            buffer.writeString(request("OPTIONS", port: 5061, transport: "TLS"))
            try await channel.writeAndFlush(buffer)
            let response = try await answer.futureResult.get()
            #expect(response.statusCode == 200)
            try? await channel.close()
            try? await group.shutdownGracefully()
        }
    }

    @Test("a tls: listener without a certificate is refused at start with a message")
    func missingCertificate() async throws {
        let server = LoopbackServer(tls: TLSFiles(certificateChain: "/nonexistent/cert.pem", privateKey: "/nonexistent/key.pem"))
        await #expect(throws: TransportError.self) { _ = try await server.start() }
        await server.stop()
    }
}
