extension SessionDescription {
    /// The largest input `parse(_:)` accepts, in bytes (64 KiB).
    public static let maximumInputSize = 65_536
    /// The most lines `parse(_:)` accepts.
    public static let maximumLineCount = 1_024
    /// The most media sections (`m=` lines) `parse(_:)` accepts.
    public static let maximumMediaCount = 128

    /// Parses a session description from its wire bytes.
    ///
    /// Follows RFC 8866 §5 with the leniencies real phones need: lines may end in LF
    /// only, the final line ending may be missing, blank lines are ignored, `s=` may be
    /// empty, runs of spaces separate fields, session-level lines after `s=` may come in
    /// any order, and a missing `t=` line is taken as `t=0 0`.
    ///
    /// - Throws: ``SDPError`` naming the 1-based line and what is wrong.
    public static func parse(_ bytes: some Collection<UInt8>) throws(SDPError) -> SessionDescription {
        let size = bytes.count
        guard size <= maximumInputSize else {
            throw SDPError(.inputTooLarge, line: nil, "session description is \(size) bytes; the limit is \(maximumInputSize)")
        }
        let bytes = Array(bytes)
        var parser = Parser()
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            lineNumber += 1
            guard lineNumber <= maximumLineCount else {
                throw SDPError(.tooManyLines, line: lineNumber, "too many lines; the limit is \(maximumLineCount)")
            }
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == UInt8(ascii: "\r") {
                contentEnd -= 1
            }
            try parser.consume(bytes[lineStart..<contentEnd], line: lineNumber)
            lineStart = lineEnd + 1
        }
        return try parser.finish(lastLine: lineNumber)
    }

    /// Parses a session description from text; see `parse(_:)`.
    public static func parse(_ text: String) throws(SDPError) -> SessionDescription {
        try parse(Array(text.utf8))
    }
}

/// Reads a session description line by line, enforcing RFC 8866 §5 structure:
/// `v=`, `o=`, `s=` first and in that order, then session-level lines, then media sections.
private struct Parser {
    private enum Stage {
        case expectingVersion, expectingOrigin, expectingSessionName, session, media
    }

    private var stage = Stage.expectingVersion
    private var result = SessionDescription(
        origin: Origin(username: "-", sessionID: 0, sessionVersion: 0, addrType: "IP4", address: "0.0.0.0"),
        timings: []
    )
    /// The media section being read and the number of its `m=` line.
    private var currentMedia: (media: MediaDescription, line: Int)?

    mutating func consume(_ bytes: ArraySlice<UInt8>, line: Int) throws(SDPError) {
        guard !bytes.isEmpty else { return }  // Leniency: blank lines are ignored.
        let (type, value) = try Self.split(bytes, line: line)
        switch stage {
        case .expectingVersion:
            // RFC 8866 §5: the first line is v=, and §5.1: the only version is 0.
            guard type == "v" else {
                throw SDPError(.missingVersion, line: line, "expected v=0 as the first line, found \(type)=")
            }
            guard value == "0" else {
                throw SDPError(.unsupportedVersion, line: line, "bad v= line: expected v=0, found v=\(value)")
            }
            stage = .expectingOrigin
        case .expectingOrigin:
            guard type == "o" else {
                throw SDPError(.missingOrigin, line: line, "expected o= after v=, found \(type)=")
            }
            result.origin = try Origin(sdpValue: value, line: line)
            stage = .expectingSessionName
        case .expectingSessionName:
            guard type == "s" else {
                throw SDPError(.missingSessionName, line: line, "expected s= after o=, found \(type)=")
            }
            result.sessionName = value  // Leniency: an empty s= is accepted.
            stage = .session
        case .session:
            try consumeSessionLine(type, value, line: line)
        case .media:
            try consumeMediaLine(type, value, line: line)
        }
    }

    mutating func finish(lastLine: Int) throws(SDPError) -> SessionDescription {
        let next = lastLine + 1
        switch stage {
        case .expectingVersion:
            throw SDPError(.missingVersion, line: next, "expected v=0 but the input ended")
        case .expectingOrigin:
            throw SDPError(.missingOrigin, line: next, "expected o= but the input ended")
        case .expectingSessionName:
            throw SDPError(.missingSessionName, line: next, "expected s= but the input ended")
        case .session, .media:
            break
        }
        try closeMediaSection()
        if result.timings.isEmpty {
            result.timings = [Timing()]  // Leniency: a missing t= line means t=0 0.
        }
        return result
    }

    private mutating func consumeSessionLine(_ type: Character, _ value: String, line: Int) throws(SDPError) {
        switch type {
        case "i": try Self.setOnce(&result.information, value, type: type, line: line)
        case "u": try Self.setOnce(&result.uri, value, type: type, line: line)
        case "e": result.emails.append(value)
        case "p": result.phones.append(value)
        case "c":
            guard result.connection == nil else {
                throw SDPError(.duplicateLine, line: line, "duplicate session-level c= line")
            }
            result.connection = try Connection(sdpValue: value, line: line)
        case "b": result.bandwidths.append(try Bandwidth(sdpValue: value, line: line))
        case "t": result.timings.append(try Timing(sdpValue: value, line: line))
        case "r":
            // RFC 8866 §5.10: r= lines belong to the t= line before them.
            guard !result.timings.isEmpty else {
                throw SDPError(.misplacedLine, line: line, "r= line without a preceding t= line")
            }
            result.timings[result.timings.count - 1].repeats.append(value)
        case "z": try Self.setOnce(&result.timeZones, value, type: type, line: line)
        case "a": result.attributes.append(try Attribute(sdpValue: value, line: line))
        case "m": try openMediaSection(value, line: line)
        case "v", "o", "s":
            throw SDPError(.duplicateLine, line: line, "duplicate \(type)= line")
        default: result.otherLines.append(SDPLine(type: type, value: value))
        }
    }

    private mutating func consumeMediaLine(_ type: Character, _ value: String, line: Int) throws(SDPError) {
        guard let current = currentMedia else { return }
        var media = current.media
        let mediaLine = current.line
        switch type {
        case "m":
            try openMediaSection(value, line: line)
            return
        case "i": try Self.setOnce(&media.information, value, type: type, line: line)
        case "c":
            // RFC 8866 §5.7 allows several c= lines only for layered multicast, which an IVR never uses.
            guard media.connection == nil else {
                throw SDPError(.duplicateLine, line: line, "more than one c= line in a media section is not supported")
            }
            media.connection = try Connection(sdpValue: value, line: line)
        case "b": media.bandwidths.append(try Bandwidth(sdpValue: value, line: line))
        case "a": media.attributes.append(try Attribute(sdpValue: value, line: line))
        case "v", "o", "s", "u", "e", "p", "t", "r", "z":
            // RFC 8866 §5: these are session-level only.
            throw SDPError(.misplacedLine, line: line, "\(type)= is a session-level line but appears in the media section that starts on line \(mediaLine)")
        default: media.otherLines.append(SDPLine(type: type, value: value))
        }
        currentMedia = (media, mediaLine)
    }

    private mutating func openMediaSection(_ value: String, line: Int) throws(SDPError) {
        try closeMediaSection()
        guard result.media.count < SessionDescription.maximumMediaCount else {
            throw SDPError(.tooManyMediaSections, line: line, "too many m= lines; the limit is \(SessionDescription.maximumMediaCount)")
        }
        currentMedia = (try MediaDescription(sdpValue: value, line: line), line)
        stage = .media
    }

    private mutating func closeMediaSection() throws(SDPError) {
        guard let (media, line) = currentMedia else { return }
        // RFC 8866 §5.7: a c= line is required in every media section unless one is at session level.
        // A disabled stream (port 0) carries no media, so it is excused (RFC 3264 §6).
        if media.port != 0, media.connection == nil, result.connection == nil {
            throw SDPError(.missingConnection, line: line, "media section has no c= line and there is no session-level c= line")
        }
        result.media.append(media)
        currentMedia = nil
    }

    private static func setOnce(_ field: inout String?, _ value: String, type: Character, line: Int) throws(SDPError) {
        guard field == nil else {
            throw SDPError(.duplicateLine, line: line, "duplicate \(type)= line")
        }
        field = value
    }

    /// Splits `<type>=<value>` (RFC 8866 §5), checking the text is UTF-8 without NUL or bare CR.
    private static func split(_ bytes: ArraySlice<UInt8>, line: Int) throws(SDPError) -> (Character, String) {
        guard !bytes.contains(0), !bytes.contains(UInt8(ascii: "\r")) else {
            throw SDPError(.invalidText, line: line, "line contains a NUL or bare CR character")
        }
        let invalidUTF8 = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF8.self, stoppingOnError: true) { _ in }
        guard !invalidUTF8 else {
            throw SDPError(.invalidText, line: line, "line is not valid UTF-8")
        }
        let prefix = Array(bytes.prefix(2))
        guard prefix.count == 2,
              prefix[0] >= UInt8(ascii: "a"), prefix[0] <= UInt8(ascii: "z"),
              prefix[1] == UInt8(ascii: "=")
        else {
            throw SDPError(.malformedLine, line: line, "expected <letter>=<value>, found '\(String(decoding: bytes.prefix(20), as: UTF8.self))'")
        }
        return (Character(Unicode.Scalar(prefix[0])), String(decoding: bytes.dropFirst(2), as: UTF8.self))
    }
}
