import Foundation
import Logging
import NIOCore
import NIOPosix
import SIPTransport
import Testing

/// Binding the listeners: a failure leaves nothing half-bound.
@Suite("Listener binding")
struct ListenerBindingTests {
    @Test("UDP bound but TCP's port taken: start fails with EADDRINUSE and the UDP socket is closed again")
    func rollsBackAPartialBind() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // A TCP listener holds the port; UDP on the same number is free. The number comes
        // from a UDP socket of ours (closed just before the transport starts), so no other
        // test's UDP socket (media ports, peers) already has it.
        var held: (any Channel, Int)?
        for _ in 0..<20 where held == nil {
            let probe = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
            let candidate = try #require(probe.localAddress?.port)
            if let tcp = try? await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: candidate).get() { held = (tcp, candidate) }
            try await probe.close()
        }
        let (holder, port) = try #require(held)
        let transport = SIPTransport(configuration: SIPTransportConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: port)]),
                                     eventLoop: group.next(), logger: Logger(label: "test"))
        await #expect {
            try await transport.start()
        } throws: { error in
            (error as? IOError)?.errnoCode == EADDRINUSE
        }
        #expect(try await group.next().submit { transport.listeners.isEmpty }.get())
        // The UDP port was released: it can be bound again (without SO_REUSEADDR).
        let udp = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: port).get()
        try await udp.close()
        try await holder.close()
        await transport.stop()
        try await group.shutdownGracefully()
    }
}
