import GRDB
import SIPCore
import SIPMessage
import SIPTransaction

/// Reading and writing `location_binding` rows. The contact is stored as its URI text and
/// parsed back; a row that no longer parses throws `StorageError.corruptRow`.
enum LocationBindingRows {
    static let columns = """
        aor_domain, aor_user, position, contact, expires_at, q, call_id, cseq, updated_at, transport, source_host, \
        source_port, connection, instance_id, reg_id, user_agent
        """

    static func binding(_ row: Row) throws -> LocationBinding {
        let contactText: String = try row.decode(forColumn: "contact")
        let transportText: String = try row.decode(forColumn: "transport")
        let contact: URI
        do { contact = try URI(contactText) } catch {
            throw StorageError.corruptRow(table: "location_binding", reason: "contact '\(contactText)': \(error)")
        }
        guard let transport = SIPTransportKind(rawValue: transportText) else {
            throw StorageError.corruptRow(table: "location_binding", reason: "transport '\(transportText)'")
        }
        let cseq: Int64 = try row.decode(forColumn: "cseq")
        let regID: Int64? = try row.decode(forColumn: "reg_id")
        return LocationBinding(
            aor: AddressOfRecord(user: try row.decode(forColumn: "aor_user"), domain: try row.decode(forColumn: "aor_domain")),
            contact: contact,
            expiresAt: SIPInstant(nanoseconds: try row.decode(forColumn: "expires_at")),
            q: try row.decode(forColumn: "q"),
            callID: try row.decode(forColumn: "call_id"),
            cseq: UInt32(clamping: cseq),
            updatedAt: SIPInstant(nanoseconds: try row.decode(forColumn: "updated_at")),
            source: TransportFlow(transport: transport, host: try row.decode(forColumn: "source_host"),
                                  port: try row.decode(forColumn: "source_port"),
                                  connection: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "connection"))),
            instanceID: try row.decode(forColumn: "instance_id"),
            regID: regID.map { UInt32(clamping: $0) },
            userAgent: try row.decode(forColumn: "user_agent"))
    }

    static func insert(_ binding: LocationBinding, position: Int, in db: Database) throws {
        try db.execute(sql: "INSERT INTO location_binding (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [binding.aor.domain, binding.aor.user, position, binding.contact.description,
                                   binding.expiresAt.nanoseconds, binding.q, binding.callID, Int64(binding.cseq),
                                   binding.updatedAt.nanoseconds, binding.source.transport.rawValue, binding.source.host,
                                   binding.source.port, Int64(bitPattern: binding.source.connection), binding.instanceID,
                                   binding.regID.map { Int64($0) }, binding.userAgent])
    }
}
