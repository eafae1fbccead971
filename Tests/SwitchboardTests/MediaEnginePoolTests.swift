import NIOPosix
import Testing
@testable import Switchboard

@Suite("Media engines: one per loop")
struct MediaEnginePoolTests {
    @Test("the RTP range is cut into one slice per loop; a small range is shared")
    func slices() {
        #expect(MediaEnginePool.slices(of: 10000...20000, into: 2) == [10000...14999, 15000...20000])
        #expect(MediaEnginePool.slices(of: 10000...20000, into: 1) == [10000...20000])
        #expect(MediaEnginePool.slices(of: 40000...40099, into: 2) == [40000...40099, 40000...40099])
        #expect(MediaEnginePool.slices(of: 40000...40199, into: 3) == [40000...40065, 40066...40131, 40132...40199])
    }

    @Test("calls are dealt to the engines in turn, channel numbers unique across them")
    func pick() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let pool = try await MediaEnginePool.start(on: group, loops: 2, bindHost: "127.0.0.1", ports: 43000...43999, phases: 20)
        #expect(pool.engines.map(\.phases) == [20, 20])
        let picked = (0..<4).map { _ in pool.pick() }
        #expect(picked[0] !== picked[1])
        #expect(picked[0] === picked[2] && picked[1] === picked[3])
        #expect(picked[0].eventLoop !== picked[1].eventLoop)
        let ids = picked.map { $0.reserveChannelID() }
        #expect(Set(ids).count == 4)
        let summary = await pool.stop()
        #expect(summary.hasSuffix("(2 media loops)"))
        try await group.shutdownGracefully()
    }
}
