import SIPMessage
import Testing
@testable import Switchboard

@Suite("Stateless answers at the edge (RFC 3261 §8.2)")
struct EdgeScreeningTests {
    private func parse(_ text: String) throws -> SIPMessage { try SIPMessage(parsing: text) }

    private func request(method: String = "OPTIONS", headers: String = "", maxForwards: String = "70") -> String {
        "\(method) sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nMax-Forwards: \(maxForwards)\r\n" +
            "To: <sip:a@example.com>\r\nFrom: <sip:b@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 1 \(method)\r\n\(headers)Content-Length: 0\r\n\r\n"
    }

    @Test("an ordinary request passes")
    func passes() throws {
        #expect(EdgeScreening().screen(try parse(request())) == .pass)
    }

    @Test("Max-Forwards 0 is answered 483")
    func hops() throws {
        #expect(EdgeScreening().screen(try parse(request(maxForwards: "0"))) == .respond(status: 483, reason: "Too Many Hops", headers: []))
    }

    @Test("an unknown method is answered 501")
    func unknownMethod() throws {
        #expect(EdgeScreening().screen(try parse(request(method: "FROBNICATE"))) == .respond(status: 501, reason: "Not Implemented", headers: []))
    }

    @Test("Require with an unknown option tag is answered 420 with Unsupported")
    func require() throws {
        let verdict = EdgeScreening(supportedExtensions: ["timer"]).screen(try parse(request(headers: "Require: timer, foo, 100rel\r\n")))
        #expect(verdict == .respond(status: 420, reason: "Bad Extension", headers: [SIPHeader(name: "Unsupported", value: "foo, 100rel")]))
    }

    @Test("CANCEL and ACK are not refused for Require, ACK never answered")
    func exempt() throws {
        #expect(EdgeScreening().screen(try parse(request(method: "CANCEL", headers: "Require: foo\r\n"))) == .pass)
        #expect(EdgeScreening().screen(try parse(request(method: "ACK", headers: "Require: foo\r\n", maxForwards: "0"))) == .pass)
    }
}

@Suite("serve configuration file")
struct ServeConfigurationTests {
    @Test("every setting is read")
    func reads() throws {
        let configuration = try ServeConfiguration(yaml: """
        sip: ["127.0.0.1:5070", "tcp:[::1]:5071"]
        http: 127.0.0.1:8080
        flows: my-flows
        prompts: p
        data: /var/lib/switchboard
        log-level: debug
        """, file: "s.yaml")
        #expect(configuration.sip.map(\.description) == ["127.0.0.1:5070", "tcp:[::1]:5071"])
        #expect(configuration.http == "127.0.0.1:8080")
        #expect(configuration.flows == "my-flows")
        #expect(configuration.prompts == "p")
        #expect(configuration.data == "/var/lib/switchboard")
        #expect(configuration.logLevel == .debug)
    }

    @Test("media settings: loops, io_uring, phases (1 unless set), shared port (off unless set)")
    func media() throws {
        let defaults = try ServeConfiguration(yaml: "flows: f", file: "s.yaml").callPolicy
        #expect(defaults.mediaPhases == 1 && !defaults.mediaSharedPort)
        let configuration = try ServeConfiguration(yaml: "media-loops: 3\nmedia-io-uring: true\nmedia-phases: 20\nmedia-shared-port: true\n", file: "s.yaml")
        #expect(configuration.callPolicy.mediaSharedPort)
        #expect(configuration.callPolicy.mediaLoops == 3)
        #expect(configuration.callPolicy.mediaIOUring)
        #expect(configuration.callPolicy.mediaPhases == 20)
    }

    @Test("a single sip address may be written without a list")
    func single() throws {
        #expect(try ServeConfiguration(yaml: "sip: 0.0.0.0:5080", file: "s.yaml").sip.map(\.port) == [5080])
    }

    @Test("errors name file, line and column", arguments: [
        ("flows: x\nprompt: y\n", "s.yaml:2:1: unknown setting 'prompt' (did you mean 'prompts'?)"),
        ("sip: [\"nope\"]\n", "s.yaml:1:7: sip: 'nope': expected ADDR:PORT"),
        ("log-level: loud\n", "s.yaml:1:12: log-level: expected one of trace, debug, info, notice, warning, error, critical"),
        ("- a\n- b\n", "s.yaml:1:1: the config file must be a mapping of settings"),
        ("media-phases: 40\n", "s.yaml:1:15: media-phases: expected a number from 1 to 20"),
    ])
    func errors(text: String, message: String) {
        #expect(throws: ServeConfiguration.Problem(description: message)) { try ServeConfiguration(yaml: text, file: "s.yaml") }
    }
}
