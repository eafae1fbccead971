import Testing
import SDP
import TestSupport

/// Byte- and line-level mutations that tend to hit parser edge cases.
struct Mutator {
    var random: SplitMix64

    private static let interestingBytes: [UInt8] = Array("\0\n\r =:/09amctvo-*".utf8) + [0x7F, 0x80, 0xC3, 0xFF]
    private static let interestingLines = [
        "m=video 0 RTP/AVP 31", "m=audio 9 RTP/AVP 96", "m=audio 65535 RTP/SAVP 0", "c=IN IP4 0.0.0.0",
        "c=IN IP6 ::1", "a=sendonly", "a=inactive", "t=0 0", "r=1 2 3", "v=0", "s=", "a=", "a=rtpmap:96 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000", "a=rtpmap:96 x/0", "a=fmtp:", "a=rtcp:99999", "a=rtcp:65535",
        "a=ptime:4294967296", "b=AS:18446744073709551616", "m=audio 1/65535 RTP/AVP 0 0 0", "x=unknown",
    ].map { Array($0.utf8) }
    private static let interestingNumbers = ["0", "65535", "65536", "127", "128", "255", "256", "18446744073709551615", "18446744073709551616", "-1"]
        .map { Array($0.utf8) }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            bytes = mutateOnce(bytes)
        }
        return bytes
    }

    private mutating func mutateOnce(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        let position = Int.random(in: 0...bytes.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where position < bytes.count:
            bytes[position] = pick(Self.interestingBytes)
        case 1:
            bytes.insert(pick(Self.interestingBytes), at: position)
        case 2:
            let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
            bytes.removeSubrange(position..<end)
        case 3:
            bytes.removeSubrange(position..<bytes.count)
        case 4:
            var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
            if let line = lines.randomElement(using: &random) {
                lines.insert(line, at: Int.random(in: 0...lines.count, using: &random))
            }
            bytes = Array(lines.joined(separator: [10]))
        case 5:
            var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
            if lines.count > 1 {
                lines.swapAt(Int.random(in: 0..<lines.count, using: &random), Int.random(in: 0..<lines.count, using: &random))
            }
            bytes = Array(lines.joined(separator: [10]))
        case 6:
            var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
            lines.insert(pick(Self.interestingLines) + [13], at: Int.random(in: 0...lines.count, using: &random))
            bytes = Array(lines.joined(separator: [10]))
        default:
            // Replace the run of digits at or after the position with an edge-case number.
            guard let start = bytes[position...].firstIndex(where: isDigit) else { break }
            let end = bytes[start...].firstIndex { !isDigit($0) } ?? bytes.count
            bytes.replaceSubrange(start..<end, with: pick(Self.interestingNumbers))
        }
        return bytes
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }
}

/// What the properties checked on one input found wrong, if anything.
private func violations(of input: [UInt8]) -> [String] {
    let sdp: SessionDescription
    do {
        sdp = try SessionDescription.parse(input)
    } catch {
        let lineCount = input.split(separator: 10, omittingEmptySubsequences: false).count
        if error.kind == .inputTooLarge { return [] }
        guard let line = error.line, (1...lineCount + 1).contains(line), error.description.hasPrefix("line \(line): ") else {
            return ["error without a valid line: \(error)"]
        }
        return []
    }
    var problems: [String] = []
    if (try? SessionDescription.parse(sdp.serialize())) != sdp {
        problems.append("parse(serialize(x)) != x")
    }
    let local = LocalMedia(address: "192.0.2.50", sessionID: 1, sessionVersion: 1, ports: .list([30000, 30002, 30004]))
    switch OfferAnswer.answer(to: sdp, supported: Fixtures.supported, local: local) {
    case .success(let answer):
        if answer.sessionDescription.media.count != sdp.media.count { problems.append("answer m-line count differs") }
        if answer.streams.count != sdp.media.count { problems.append("outcome count differs") }
        if (try? SessionDescription.parse(answer.sessionDescription.serialize())) != answer.sessionDescription {
            problems.append("answer does not round-trip")
        }
        if case .failure(let error) = OfferAnswer.negotiated(offer: sdp, answer: answer.sessionDescription) {
            problems.append("our own answer fails validation: \(error)")
        }
    case .failure(let reason):
        if reason.statusCode != 488 || reason.message.isEmpty { problems.append("bad reject reason") }
    }
    _ = OfferAnswer.negotiated(offer: sdp, answer: sdp)
    return problems
}

@Suite("Robustness")
struct MutationTests {
    @Test("Thousands of seeded mutations of the fixtures never crash and keep the invariants")
    func mutatedFixtures() {
        var mutator = Mutator(random: SplitMix64(seed: 0x5D9_2026))
        var parsed = 0
        var refused = 0
        var failures: [String] = []
        for fixture in Fixtures.all {
            let original = Array(fixture.text.utf8)
            for iteration in 0..<700 {
                let input = mutator.mutate(original)
                let problems = violations(of: input)
                if (try? SessionDescription.parse(input)) != nil { parsed += 1 } else { refused += 1 }
                if !problems.isEmpty, failures.count < 5 {
                    failures.append("\(fixture.name) #\(iteration): \(problems) input: \(String(decoding: input, as: UTF8.self).debugDescription)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // Both paths must be exercised, or the test proves little.
        #expect(parsed > 1000)
        #expect(refused > 1000)
    }

    @Test("Random bytes never crash the parser")
    func randomBytes() {
        var random = SplitMix64(seed: 42)
        let alphabet = Array("v=0\r\no=- 1 1 IN IP4 c=m=audio RTP/AVP a=rtpmap:0 t=0 s=".utf8) + [0, 0xFF]
        var failures: [String] = []
        for _ in 0..<2000 {
            let length = Int.random(in: 0...300, using: &random)
            let input = (0..<length).map { _ in
                Bool.random(using: &random)
                    ? alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                    : UInt8.random(in: 0...255, using: &random)
            }
            let problems = violations(of: input)
            if !problems.isEmpty, failures.count < 5 { failures.append("\(problems)") }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("SplitMix64 is deterministic and matches the reference sequence")
    func generator() {
        var generator = SplitMix64(seed: 0)
        // First outputs of the reference implementation for seed 0.
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
