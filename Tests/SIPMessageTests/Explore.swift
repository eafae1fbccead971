import Testing
import Foundation
@testable import SIPMessage

@Test func explore() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    for sub in ["rfc4475", "rfc5118"] {
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(sub).path).sorted()
        for f in files {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(sub).appendingPathComponent(f)))
            var line = "\(sub)/\(f): "
            do {
                let m = try SIPParser().parse(bytes)
                line += "PARSE OK "
                do { try m.validate(); line += "VALID" } catch { line += "validate: \(error) [\(error.suggestedStatus)]" }
                let accessors: [(String, () throws -> Any?)] = [
                    ("vias", { try m.vias() }), ("from", { try m.from() }), ("to", { try m.to() }), ("callID", { try m.callID() }),
                    ("cseq", { try m.cseq() }), ("mf", { try m.maxForwards() }), ("cl", { try m.contentLength() }),
                    ("expires", { try m.expires() }), ("contact", { try m.contact() }), ("routes", { try m.routes() }),
                    ("rr", { try m.recordRoutes() }), ("ct", { try m.contentType() }), ("accept", { try m.accept() }),
                    ("require", { try m.require() }), ("preq", { try m.proxyRequire() }), ("auth", { try m.authorization() }),
                ]
                for (n, a) in accessors {
                    do { _ = try a() } catch { line += "\n    \(n): \(error)" }
                }
            } catch {
                line += "PARSE FAIL \(error) [\(error.suggestedStatus)]"
            }
            print(line)
        }
    }
}
