/// Writing a message as bytes (RFC 3261 §7): start line, `Name: value` lines, CRLF, body.
/// Headers are written as stored; `parse(serialize(m)) == m` for any parsed `m`.
extension SIPMessage {
    /// The message as bytes, ready for a transport.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headers.storage.count + body.count + 64)
        switch startLine {
        case .request(let method, let uri, let version):
            out.append(contentsOf: method.name.utf8)
            out.append(ASCII.space)
            out.append(contentsOf: uri.description.utf8)
            out.append(ASCII.space)
            out.append(contentsOf: version.utf8)
        case .response(let version, let code, let reason):
            out.append(contentsOf: version.utf8)
            out.append(ASCII.space)
            out.append(contentsOf: String(code).utf8)
            out.append(ASCII.space)
            out.append(contentsOf: reason.utf8.lazy.map { $0 == ASCII.cr || $0 == ASCII.lf ? ASCII.space : $0 })
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        headers.withBytes { arena in
            headers.withFields { fields in
                for field in fields {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: arena[field.nameRange]))
                    out.append(ASCII.colon)
                    out.append(ASCII.space)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: arena[field.valueRange]))
                    out.append(ASCII.cr)
                    out.append(ASCII.lf)
                }
            }
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        out.append(contentsOf: body)
        return out
    }

    /// The message as text (bodies that are not UTF-8 are repaired; use `serialized()` to send).
    public var text: String { String(decoding: serialized(), as: UTF8.self) }

    /// Sets the body with its Content-Type and a matching Content-Length.
    public mutating func setBody(_ bytes: [UInt8], contentType: MediaType?) {
        body = bytes
        if let contentType { headers.set(.contentType, contentType.description) } else { headers.remove(.contentType) }
        headers.set(.contentLength, String(bytes.count))
    }
}
