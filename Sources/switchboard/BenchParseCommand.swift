import ArgumentParser
import Foundation
import SIPMessage

/// `switchboard bench parse [DIR]`: parses messages round-robin on one thread, decoding
/// the typed Via, From, To, Call-ID, CSeq, Contact and Content-Length of each, and prints
/// CPU time per message. The last line is `parse: N msgs/s, M ns/msg` (median of rounds).
struct BenchParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse SIP messages round-robin and report messages per second of CPU time."
    )

    @Argument(help: "A directory of SIP messages, one per file (default: the built-in corpus).")
    var directory: String?

    @Option(help: "Seconds to run (split over the rounds).")
    var seconds: Double = 3

    @Option(help: "Parse exactly this many messages instead of running for a time (one round).")
    var iterations: Int?

    @Option(help: "Number of timed rounds; the median is reported.")
    var rounds: Int = 5

    @Flag(help: "Also serialize each parsed message back to bytes.")
    var roundtrip = false

    @Option(help: "Write the built-in corpus to this directory (one .sip file per message) and exit.")
    var writeCorpus: String?

    func run() throws {
        if let writeCorpus {
            try FileManager.default.createDirectory(atPath: writeCorpus, withIntermediateDirectories: true)
            for (name, text) in ParseCorpus.messages {
                try Data(text.utf8).write(to: URL(fileURLWithPath: writeCorpus).appendingPathComponent(name + ".sip"))
            }
            print("wrote \(ParseCorpus.messages.count) messages to \(writeCorpus)")
            return
        }
        let corpus = try loadCorpus()
        guard !corpus.isEmpty else { throw ValidationError("no parseable messages in the corpus") }
        let names = corpus.map(\.name).joined(separator: ", ")
        print("corpus: \(corpus.count) messages (\(names))\(roundtrip ? ", with round-trip" : "")")
        let messages = corpus.map(\.bytes)
        let parser = SIPParser()

        if let iterations {
            let (cpu, checksum) = runParses(messages, parser: parser, count: max(iterations, 1))
            report(count: max(iterations, 1), cpuSeconds: cpu, checksum: checksum)
            return
        }
        // Warm up caches and lazily initialised tables before measuring.
        _ = runParses(messages, parser: parser, count: 10_000)
        var perMessage: [Double] = []
        let roundSeconds = seconds / Double(max(rounds, 1))
        for round in 1...max(rounds, 1) {
            var count = 0, cpu = 0.0, checksum = 0
            while cpu < roundSeconds {
                let (spent, sum) = runParses(messages, parser: parser, count: 20_000)
                cpu += spent
                count += 20_000
                checksum &+= sum
            }
            let ns = cpu * 1e9 / Double(count)
            perMessage.append(ns)
            print(String(format: "round %d: %d msgs in %.3f s CPU, %.0f ns/msg (checksum %d)", round, count, cpu, ns, checksum))
        }
        let median = perMessage.sorted()[perMessage.count / 2]
        print(String(format: "parse: %.0f msgs/s, %.0f ns/msg", 1e9 / median, median))
    }

    private func report(count: Int, cpuSeconds: Double, checksum: Int) {
        let ns = cpuSeconds * 1e9 / Double(count)
        print("checksum \(checksum)")
        print(String(format: "parse: %.0f msgs/s, %.0f ns/msg", 1e9 / ns, ns))
    }

    /// Parses `count` messages round-robin; returns CPU seconds spent and a checksum that
    /// depends on every decoded value, so the optimiser cannot drop the work.
    private func runParses(_ messages: [[UInt8]], parser: SIPParser, count: Int) -> (Double, Int) {
        var checksum = 0
        // Read once: the option's property-wrapper getter costs more than a small parse step.
        let roundtrip = self.roundtrip
        let start = threadCPUTime()
        var index = 0
        for _ in 0..<count {
            checksum &+= Self.parseAndDecode(messages[index], parser: parser, roundtrip: roundtrip)
            index += 1
            if index == messages.count { index = 0 }
        }
        return (threadCPUTime() - start, checksum)
    }

    /// One message: parse, decode the typed headers, optionally serialize.
    static func parseAndDecode(_ bytes: [UInt8], parser: SIPParser, roundtrip: Bool) -> Int {
        do throws(SIPParseError) {
            let message = try parser.parse(bytes)
            let vias = try message.vias()
            let from = try message.from()
            let to = try message.to()
            let callID = try message.callID()
            let cseq = try message.cseq()
            let contact = try message.contact()
            let length = try message.contentLength() ?? 0
            var sum = vias.count &+ Int(vias[0].port ?? 0) &+ (from.tag?.utf8.count ?? 0) &+ (to.tag?.utf8.count ?? 0)
            sum &+= callID.utf8.count &+ Int(cseq.sequence) &+ length
            if case .addresses(let list)? = contact { sum &+= list.count }
            if roundtrip { sum &+= message.serialized().count }
            return sum
        } catch {
            return -1
        }
    }

    private func loadCorpus() throws -> [(name: String, bytes: [UInt8])] {
        guard let directory else {
            return ParseCorpus.messages.map { ($0.name, Array($0.text.utf8)) }
        }
        let url = URL(fileURLWithPath: directory)
        let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isRegularFileKey])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var corpus: [(name: String, bytes: [UInt8])] = []
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            if Self.parseAndDecode(bytes, parser: SIPParser(), roundtrip: false) < 0 {
                print("skipping \(file.lastPathComponent): not a message whose typed headers decode")
                continue
            }
            corpus.append((file.lastPathComponent, bytes))
        }
        return corpus
    }
}

/// CPU time of the calling thread, in seconds.
func threadCPUTime() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
