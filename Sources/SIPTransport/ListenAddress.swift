/// One address to listen on, as written on the command line or in the config file:
/// `ADDR:PORT` (UDP and TCP), `[v6-addr]:PORT`, or with a transport prefix
/// `udp:ADDR:PORT`, `tcp:ADDR:PORT`, `tls:ADDR:PORT` for just that transport.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var transports: [TransportProtocol]

    public init(host: String, port: Int, transports: [TransportProtocol] = [.udp, .tcp]) {
        self.host = host
        self.port = port
        self.transports = transports
    }

    /// Why a listen address could not be read.
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Reads `[udp:|tcp:|tls:]ADDR:PORT`; IPv6 addresses go in brackets.
    public init(parsing text: String) throws(FormatError) {
        var rest = Substring(text)
        var transports: [TransportProtocol] = [.udp, .tcp]
        for kind in TransportProtocol.allCases where rest.lowercased().hasPrefix(kind.rawValue + ":") {
            transports = [kind]
            rest = rest.dropFirst(kind.rawValue.count + 1)
            break
        }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw FormatError(description: "'\(text)': IPv6 address without closing ']'")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let afterBracket = rest[rest.index(after: close)...]
            guard afterBracket.hasPrefix(":") else {
                throw FormatError(description: "'\(text)': expected ':PORT' after ']'")
            }
            portText = afterBracket.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw FormatError(description: "'\(text)': expected ADDR:PORT")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            if host.contains(":") {
                throw FormatError(description: "'\(text)': write IPv6 addresses in brackets, e.g. [::1]:5060")
            }
        }
        guard !host.isEmpty else { throw FormatError(description: "'\(text)': empty address") }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw FormatError(description: "'\(text)': port must be a number from 0 to 65535")
        }
        self.init(host: String(host), port: port, transports: transports)
    }

    public var description: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return transports.count == 1 ? "\(transports[0].rawValue):\(address)" : address
    }
}
