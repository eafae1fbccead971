// libFuzzer entry: every input is fed to the SIP parser (datagram and stream framing, every
// typed accessor, validation, serialize and re-parse) and to the SDP parser. A crash, a
// sanitizer report or a timeout is a finding; thrown parse errors are expected.
import Foundation
import SDP
import SIPMessage

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Everything a server does with a message it receives.
func exercise(_ message: SIPMessage) {
    _ = try? message.validate()
    _ = try? message.vias().map { ($0.branch, $0.rport, $0.received, $0.host, $0.port) }
    _ = try? message.from().tag
    _ = try? message.to().displayName
    _ = try? message.callID()
    _ = try? message.cseq()
    _ = try? message.maxForwards()
    _ = try? message.contentLength()
    _ = try? message.expires()
    if case .addresses(let list)? = try? message.contact() {
        _ = list.map { ($0.expires, $0.q, $0.uri.sipURI?.parameters.all) }
    }
    _ = try? message.routes()
    _ = try? message.recordRoutes()
    _ = try? message.contentType()
    _ = try? message.accept()
    _ = try? message.allow()
    _ = try? message.supported()
    _ = try? message.require()
    _ = try? message.authorization().map { $0.value("nonce") }
    _ = try? message.wwwAuthenticate()
    _ = try? message.referTo()
    _ = try? message.replaces()
    _ = try? message.event()
    _ = try? message.subscriptionState()
    _ = try? message.callInfo()
    _ = try? message.reason()
    if message.isRequest { _ = SIPMessage.response(to: message, status: 200, toTag: "fuzz") }
    let bytes = message.serialized()
    guard let again = try? SIPParser().parse(bytes) else {
        fatalError("a parsed message did not re-parse after serialization")
    }
    if again.serialized() != bytes { fatalError("serialization is not a fixed point") }
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    guard let data else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: count)
    let bytes = Array(input)
    if let message = try? SIPParser().parse(bytes) { exercise(message) }
    var framer = SIPStreamFramer()
    framer.append(bytes)
    while let frame = try? framer.next() {
        if case .message(let raw) = frame, let message = try? SIPParser().parse(raw, framing: .stream) {
            exercise(message)
        }
    }
    _ = try? SessionDescription.parse(bytes)
    return 0
})
