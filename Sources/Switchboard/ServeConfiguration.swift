import Foundation
import Flows
import Logging
import Media
import SIPCore
import SIPMessage
import SIPTransport
import Yams

/// Everything `switchboard serve` is told: from a YAML config file (`--config`), then
/// overridden by command-line flags. Keys in the file are the long flag names:
///
/// ```yaml
/// sip: ["0.0.0.0:5060", "tcp:[::]:5060"]
/// http: 127.0.0.1:8080
/// flows: flows
/// prompts: prompts
/// data: data
/// log-level: info
/// tls-certificate: /etc/switchboard/cert.pem   # for tls: listen addresses
/// tls-key: /etc/switchboard/key.pem
/// force-rport: false
/// unsolicited-mwi: false                       # MWI NOTIFYs to registered phones without SUBSCRIBE
/// ```
public struct ServeConfiguration: Equatable, Sendable {
    public var sip: [ListenAddress] = [ListenAddress(host: "0.0.0.0", port: 5060)]
    public var http: String? = nil
    public var flows = "flows"
    public var prompts = "prompts"
    public var data = "data"
    public var logLevel: Logger.Level = .info
    public var tlsCertificate: String? = nil
    public var tlsKey: String? = nil
    public var forceRport = false
    /// RTP ports for calls (`rtp-ports: 10000-20000`).
    public var rtpPorts: ClosedRange<Int> = 10000...20000
    /// Codecs, admission limit and session timers of calls (`max-calls`).
    public var callPolicy = CallPolicy()

    /// The transport settings these options describe.
    public var transport: SIPTransportConfiguration {
        var transport = SIPTransportConfiguration(listen: sip)
        if let tlsCertificate, let tlsKey { transport.tls = TLSFiles(certificateChain: tlsCertificate, privateKey: tlsKey) }
        transport.forceRport = forceRport
        return transport
    }

    public init() {}

    /// A problem in the config file or a flag, with where it is.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    static let knownKeys = ["sip", "http", "flows", "prompts", "data", "log-level", "tls-certificate", "tls-key", "force-rport", "rtp-ports", "max-calls", "trunk", "protect", "unsolicited-mwi", "media-loops", "media-io-uring", "media-phases", "media-shared-port"]

    /// Reads a config file's text; `file` names it in messages (`file:line:col: message`).
    public init(yaml text: String, file: String) throws(Problem) {
        self.init()
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Problem(description: "\(file): \(error)")
        }
        guard let node else { return }
        guard let mapping = node.mapping else {
            throw Problem(description: "\(Self.position(file, node)): the config file must be a mapping of settings")
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let at = Self.position(file, keyNode)
            switch key {
            case "sip":
                let items = value.sequence.map { Array($0) } ?? [value]
                var addresses: [ListenAddress] = []
                for item in items {
                    guard let text = item.string else { throw Problem(description: "\(Self.position(file, item)): sip: expected ADDR:PORT") }
                    do { addresses.append(try ListenAddress(parsing: text)) } catch {
                        throw Problem(description: "\(Self.position(file, item)): sip: \(error)")
                    }
                }
                sip = addresses
            case "http": http = try Self.string(value, key, file)
            case "flows": flows = try Self.string(value, key, file)
            case "prompts": prompts = try Self.string(value, key, file)
            case "data": data = try Self.string(value, key, file)
            case "tls-certificate": tlsCertificate = try Self.string(value, key, file)
            case "tls-key": tlsKey = try Self.string(value, key, file)
            case "force-rport":
                guard let flag = value.bool else { throw Problem(description: "\(Self.position(file, value)): force-rport: expected true or false") }
                forceRport = flag
            case "unsolicited-mwi":
                guard let flag = value.bool else { throw Problem(description: "\(Self.position(file, value)): unsolicited-mwi: expected true or false") }
                callPolicy.unsolicitedMessageWaiting = flag
            case "rtp-ports":
                guard let range = Self.portRange(try Self.string(value, key, file)) else {
                    throw Problem(description: "\(Self.position(file, value)): rtp-ports: expected LOW-HIGH, e.g. 10000-20000")
                }
                rtpPorts = range
            case "max-calls":
                guard let limit = value.int, limit > 0 else {
                    throw Problem(description: "\(Self.position(file, value)): max-calls: expected a positive number")
                }
                callPolicy.maximumCalls = limit
            case "media-loops":
                guard let loops = value.int, loops > 0 else {
                    throw Problem(description: "\(Self.position(file, value)): media-loops: expected a positive number")
                }
                callPolicy.mediaLoops = loops
            case "media-phases":
                guard let phases = value.int, MediaClock.phaseRange.contains(phases) else {
                    throw Problem(description: "\(Self.position(file, value)): media-phases: \(MediaClock.phaseRangeProblem)")
                }
                callPolicy.mediaPhases = phases
            case "media-shared-port":
                guard let flag = value.bool else { throw Problem(description: "\(Self.position(file, value)): media-shared-port: expected true or false") }
                callPolicy.mediaSharedPort = flag
            case "media-io-uring":
                guard let flag = value.bool else { throw Problem(description: "\(Self.position(file, value)): media-io-uring: expected true or false") }
                callPolicy.mediaIOUring = flag
            case "protect":
                let items = value.sequence.map { Array($0) } ?? [value]
                var methods: Set<String> = []
                for item in items {
                    guard let name = item.string?.uppercased(), ["INVITE", "SUBSCRIBE", "OPTIONS", "MESSAGE"].contains(name) else {
                        throw Problem(description: "\(Self.position(file, item)): protect: expected methods among INVITE, SUBSCRIBE, OPTIONS, MESSAGE")
                    }
                    methods.insert(name)
                }
                callPolicy.protectedMethods = methods
            case "trunk":
                callPolicy.trunk = try Self.trunk(value, file)
            case "log-level":
                let text = try Self.string(value, key, file)
                guard let level = Logger.Level(rawValue: text) else {
                    throw Problem(description: "\(Self.position(file, value)): log-level: expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                logLevel = level
            default:
                let hint = DidYouMean.suggestion(for: key, among: Self.knownKeys).map { " (did you mean '\($0)'?)" } ?? ""
                throw Problem(description: "\(at): unknown setting '\(key)'\(hint)")
            }
        }
    }

    /// `trunk: { proxy: "sip:198.51.100.7:5060", domain: carrier.example, username: …,
    /// password: … }` (domain defaults to the proxy's host).
    static func trunk(_ node: Node, _ file: String) throws(Problem) -> Trunk {
        guard let mapping = node.mapping else { throw Problem(description: "\(position(file, node)): trunk: expected a mapping") }
        var fields: [String: String] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard ["proxy", "domain", "username", "password", "realm"].contains(name) else {
                throw Problem(description: "\(position(file, key)): trunk: unknown setting '\(name)' (proxy, domain, username, password, realm)")
            }
            fields[name] = try string(value, "trunk." + name, file)
        }
        guard let proxyText = fields["proxy"], let proxy = try? URI(proxyText), let host = proxy.sipURI?.host else {
            throw Problem(description: "\(position(file, node)): trunk: 'proxy' must be a sip: URI")
        }
        var credentials: [DigestCredential] = []
        if let username = fields["username"], let password = fields["password"] {
            credentials.append(.password(password, username: username, realm: fields["realm"]))
        }
        return Trunk(proxy: proxy, domain: fields["domain"] ?? host, credentials: credentials)
    }

    /// `LOW-HIGH` with 1024 ≤ LOW < HIGH ≤ 65535 and room for an RTP/RTCP pair.
    public static func portRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low >= 1024, high <= 65535, high > low else { return nil }
        return low...high
    }

    private static func string(_ node: Node, _ key: String, _ file: String) throws(Problem) -> String {
        guard let text = node.string else { throw Problem(description: "\(position(file, node)): \(key): expected a text value") }
        return text
    }

    private static func position(_ file: String, _ node: Node) -> String {
        guard let mark = node.mark else { return file }
        return "\(file):\(mark.line):\(mark.column)"
    }
}
