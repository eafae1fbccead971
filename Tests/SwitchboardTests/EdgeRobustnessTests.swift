import Foundation
import NIOCore
import SIPMessage
import SIPTransport
import Testing
import TestSupport
@testable import Switchboard

/// Thousands of seeded mutations of the RFC 4475/5118 fixtures through everything the server
/// does before a transaction: parse, Via stamping, screening, validation, salvage of what does
/// not parse, and response routing. Nothing may crash, and every answer the edge builds must
/// itself be a well-formed message (the server never emits what it would reject).
@Suite("Server edge under mutated input")
struct EdgeRobustnessTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func corpus() throws -> [[UInt8]] {
        var messages: [[UInt8]] = []
        for folder in ["rfc4475", "rfc5118"] {
            let directory = fixtures.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".sip") {
                messages.append(try [UInt8](Data(contentsOf: directory.appendingPathComponent(name))))
            }
        }
        return messages
    }

    @Test("5,000 mutated datagrams: no crash, every answer parses back")
    func mutations() throws {
        let corpus = try Self.corpus()
        try #require(corpus.count > 50)
        var mutator = SIPMutator(random: SplitMix64(seed: 0x5EED_ED6E), corpus: corpus)
        let source = SIPPeer(transport: .udp, address: try SocketAddress(ipAddress: "192.0.2.9", port: 40_000))
        let screening = EdgeScreening()
        var answers = 0, salvaged = 0, dropped = 0
        for index in 0..<5_000 {
            let input = mutator.mutate(corpus[index % corpus.count])
            var answer: SIPMessage? = nil
            do {
                var message = try SIPParser().parse(input)
                guard message.isRequest, message.method != .ack else { dropped += 1; continue }
                guard ViaStamping.stamp(&message, source: source, forceRport: index % 2 == 0) else { dropped += 1; continue }
                if case .respond(let status, let reason, let headers) = screening.screen(message) {
                    var response = SIPMessage.response(to: message, status: status, reason: reason, toTag: "t")
                    for header in headers { response.headers.append(header.name, header.value) }
                    answer = response
                } else {
                    do { try message.validate() } catch {
                        answer = SIPMessage.response(to: message, status: error.suggestedStatus, reason: error.reasonPhrase)
                    }
                }
            } catch {
                guard let rescue = SalvagedRequest(input) else { dropped += 1; continue }
                salvaged += 1
                answer = rescue.response(status: error.suggestedStatus, reason: error.reasonPhrase,
                                         stampedVia: ViaStamping.stamped(rescue.topVia, source: source))
            }
            guard let answer else { continue }
            answers += 1
            let bytes = answer.serialized()
            let reparsed = try? SIPParser().parse(bytes)
            #expect(reparsed != nil, "the edge built an answer it would reject itself:\n\(String(decoding: bytes, as: UTF8.self))")
            if let via = try? answer.topVia() {
                let destination = ResponseRouting.destination(topVia: via, source: source)
                #expect(destination.port >= 0 && destination.port <= 65_535)
            }
        }
        // The mix must exercise every path, or the test proves little.
        #expect(answers > 500)
        #expect(salvaged > 100)
        #expect(dropped > 100)
    }
}
