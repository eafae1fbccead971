// OPTIONS server transactions through `TransactionLayer`, as CPU time of this process:
// receive (already parsed), respond (prebuilt 200), fire due timers. The virtual clock
// advances 25 µs per transaction (40,000 a second), so Timer J keeps 32 s worth of them,
// about 1.28 million, alive; pass a warm-up count above that to measure the steady state.
import SIPMessage
import SIPTransaction
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func cpuNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap { Int($0) } ?? 400_000
let warmUp = min(arguments.dropFirst().first.flatMap { Int($0) } ?? 0, count - 1)

var messages: [SIPMessage] = []
messages.reserveCapacity(count)
for index in 0..<count {
    let text = "OPTIONS sip:ivr@uas.example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.\(index % 200 + 1):5060;branch=z9hG4bK-\(index)-abcdef\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:probe@example.com>;tag=\(index)\r\nTo: <sip:ivr@uas.example.com>\r\n"
        + "Call-ID: \(index)-probe@example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    guard let message = try? SIPParser().parse(text) else {
        print("a benchmark message does not parse")
        exit(1)
    }
    messages.append(message)
}
let responses = messages.map { SIPMessage.response(to: $0, status: 200, toTag: "x") }

let layer = TransactionLayer()
let flow = TransportFlow(transport: .udp, host: "192.0.2.1", port: 5060)
var out: [TransactionOutput] = []
out.reserveCapacity(16)
var start = cpuNanoseconds()
for index in 0..<count {
    if index == warmUp { start = cpuNanoseconds() }
    let now = SIPInstant(nanoseconds: Int64(index) * 25_000)
    out.removeAll(keepingCapacity: true)
    layer.receive(messages[index], from: flow, now: now, into: &out)
    guard case .request(_, let id, _) = out.first else {
        print("the layer did not pass the request up")
        exit(1)
    }
    out.removeAll(keepingCapacity: true)
    layer.respond(responses[index], to: id, now: now, into: &out)
    if index % 64 == 0, let deadline = layer.nextDeadline, deadline <= now {
        out.removeAll(keepingCapacity: true)
        layer.fireTimers(now: now, into: &out)
    }
}
let elapsed = cpuNanoseconds() - start
let measured = count - warmUp
print("transactions: \(measured) OPTIONS (after \(warmUp) warm-up), \(elapsed / Int64(measured)) ns each, "
      + "\(Int(Double(measured) / (Double(elapsed) / 1e9))) per second; \(layer.activeCount) alive at the end")
