import NIOCore

/// The open stream connections, by id and by remote address, so a response can use the
/// connection its request came on and a request can reuse one to the same peer
/// (RFC 3261 §18.1.1, §18.2.2). Touched only on the transport's event loop.
final class ConnectionTable {
    struct Entry {
        let channel: Channel
        let remote: SocketAddress
        let kind: TransportProtocol
    }

    private var byID: [ConnectionID: Entry] = [:]
    private var byRemote: [RemoteKey: ConnectionID] = [:]
    private var nextID: UInt64 = 1

    struct RemoteKey: Hashable {
        let kind: TransportProtocol
        let address: SocketAddress
    }

    var count: Int { byID.count }

    func makeID() -> ConnectionID {
        defer { nextID += 1 }
        return ConnectionID(nextID)
    }

    func register(_ id: ConnectionID, channel: Channel, remote: SocketAddress, kind: TransportProtocol) {
        byID[id] = Entry(channel: channel, remote: remote, kind: kind)
        byRemote[RemoteKey(kind: kind, address: remote)] = id
    }

    func remove(_ id: ConnectionID) {
        guard let entry = byID.removeValue(forKey: id) else { return }
        let key = RemoteKey(kind: entry.kind, address: entry.remote)
        if byRemote[key] == id { byRemote.removeValue(forKey: key) }
    }

    func channel(_ id: ConnectionID) -> Channel? { byID[id]?.channel }

    func channel(to address: SocketAddress, kind: TransportProtocol) -> Channel? {
        byRemote[RemoteKey(kind: kind, address: address)].flatMap { byID[$0]?.channel }
    }

    var allChannels: [Channel] { byID.values.map(\.channel) }
}
