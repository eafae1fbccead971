import Foundation
import Testing
@testable import SIPMessage

// MARK: - JSON (manifest.json holds heterogeneous values: numbers, strings, nulls, lists, objects)

/// A decoded JSON value. Object keys that are absent are `nil` from `subscript`; keys present
/// with a JSON `null` are `.null`, which matters: the manifest uses null for "absent in the message".
enum JSON: Sendable, Equatable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    subscript(_ key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var isNull: Bool { self == .null }
    var string: String? { if case .string(let value) = self { return value } else { return nil } }
    var int: Int? { if case .number(let value) = self { return Int(exactly: value) } else { return nil } }
    var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    var array: [JSON]? { if case .array(let value) = self { return value } else { return nil } }
    var object: [String: JSON]? { if case .object(let value) = self { return value } else { return nil } }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return Int(exactly: value).map(String.init) ?? String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let value): return "[" + value.map(\.description).joined(separator: ", ") + "]"
        case .object(let value): return "{" + value.keys.sorted().map { "\($0): \(value[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

// MARK: - Fixtures

/// One RFC 4475 / RFC 5118 message and its manifest entry.
struct Fixture: Sendable, CustomTestStringConvertible {
    let file: String
    let name: String
    let entry: JSON
    let bytes: [UInt8]

    var testDescription: String { file }
    var isValid: Bool { entry["expect"]?.string == "valid" }
    var fields: JSON { entry["fields"] ?? .object([:]) }

    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SIPMessageTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures")

    /// Every fixture in manifest order (empty if the manifest cannot be read; `FixtureInventoryTests` fails then).
    static let all: [Fixture] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")),
              let entries = try? JSONDecoder().decode([JSON].self, from: data)
        else { return [] }
        return entries.compactMap { entry in
            guard let file = entry["file"]?.string, let name = entry["name"]?.string,
                  let data = try? Data(contentsOf: directory.appendingPathComponent(file))
            else { return nil }
            return Fixture(file: file, name: name, entry: entry, bytes: [UInt8](data))
        }
    }()

    static var valid: [Fixture] { all.filter(\.isValid) }
    static var invalid: [Fixture] { all.filter { !$0.isValid } }

    /// The fixture named `name` (e.g. `wsinv`, `ipv6-good`).
    static func named(_ name: String) -> Fixture? { all.first { $0.name == name } }

    /// The fixture's bytes; records an issue (and returns []) when it is missing.
    static func bytes(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
        guard let fixture = named(name) else {
            Issue.record("fixture \(name) missing", sourceLocation: sourceLocation)
            return []
        }
        return fixture.bytes
    }

    /// Parses the fixture as a datagram, requiring success.
    static func message(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SIPMessage {
        let bytes = Fixture.bytes(name, sourceLocation: sourceLocation)
        return try SIPParser().parse(bytes, framing: .datagram)
    }
}

// MARK: - Helpers

/// The result of parsing, with the typed error kept.
func parseResult(_ bytes: [UInt8], framing: SIPParser.Framing = .datagram, limits: SIPParser.Limits = .default) -> Result<SIPMessage, SIPParseError> {
    do throws(SIPParseError) {
        return .success(try SIPParser(limits: limits).parse(bytes, framing: framing))
    } catch {
        return .failure(error)
    }
}

/// The error `body` throws, or nil (any error that is not a `SIPParseError` is an issue).
func thrownError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> SIPParseError? {
    switch attempt(sourceLocation: sourceLocation, body) {
    case .success: return nil
    case .failure(let error): return error
    }
}

/// What `body` returns or the `SIPParseError` it throws.
func attempt<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> Result<T, SIPParseError> {
    do {
        return .success(try body())
    } catch let error as SIPParseError {
        return .failure(error)
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        return .failure(.badHeaderLine("unexpected error \(error)"))
    }
}

/// Whether `error` is a `badHeaderValue` for `header`.
func isBadHeaderValue(_ error: SIPParseError?, _ header: String) -> Bool {
    if case .badHeaderValue(let name, _)? = error { return name == header }
    return false
}

/// Whether `error` is `malformedURI`.
func isMalformedURI(_ error: SIPParseError?) -> Bool {
    if case .malformedURI? = error { return true }
    return false
}

/// Whether `error` is `badStartLine`.
func isBadStartLine(_ error: SIPParseError?) -> Bool {
    if case .badStartLine? = error { return true }
    return false
}

/// Text with every run of SP/HTAB collapsed to one SP (RFC 3261 §7.3.1: all linear white
/// space, folding included, has the semantics of SP).
func collapsingWhitespace(_ text: String) -> String {
    var out = ""
    var pendingSpace = false
    for scalar in text.unicodeScalars {
        if scalar == " " || scalar == "\t" {
            pendingSpace = true
        } else {
            if pendingSpace, !out.isEmpty { out.unicodeScalars.append(" ") }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

extension Array where Element == UInt8 {
    /// The index just past the first CRLFCRLF, or nil.
    var headerSectionEnd: Int? {
        guard count >= 4 else { return nil }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    /// Whether `needle` occurs in these bytes.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// The bytes with the first occurrence of `target` replaced by `replacement`.
    func replacingFirst(_ target: String, with replacement: String) -> [UInt8] {
        let needle = Array(target.utf8)
        guard needle.count <= count else { return self }
        for start in 0...(count - needle.count) where self[start..<(start + needle.count)].elementsEqual(needle) {
            var copy = self
            copy.replaceSubrange(start..<(start + needle.count), with: Array(replacement.utf8))
            return copy
        }
        return self
    }
}

extension String {
    /// The string's UTF-8 bytes.
    var bytes: [UInt8] { Array(utf8) }
}

/// Lines joined with CRLF, each terminated by CRLF (the last line of a header block should be "").
func crlf(_ lines: String...) -> String {
    lines.map { $0 + "\r\n" }.joined()
}

/// A minimal valid request with the given extra header lines (and Content-Length 0), for header tests.
func request(_ extraHeaders: [String], method: String = "INVITE", uri: String = "sip:bob@biloxi.com", body: String = "") -> String {
    var lines = [
        "\(method) \(uri) SIP/2.0",
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
        "Max-Forwards: 70",
        "To: Bob <sip:bob@biloxi.com>",
        "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.com",
        "CSeq: 314159 \(method)",
    ]
    lines += extraHeaders
    lines.append("Content-Length: \(body.utf8.count)")
    return lines.map { $0 + "\r\n" }.joined() + "\r\n" + body
}

/// A message from header lines, parsed as a datagram; the test fails if it does not parse.
func parsed(_ text: String) throws -> SIPMessage {
    try SIPParser().parse(text, framing: .datagram)
}
