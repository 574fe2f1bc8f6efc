import AIYouLoad
import Foundation
import Testing

/// The load-test engine behind `aiyou bench`, driven without a server.
@Suite("AIYouLoad: load generator and saved records")
struct LoadEngineTests {
    /// Thrown by every fifth call below.
    struct Refused: Error, CustomStringConvertible {
        var description: String { "refused" }
    }

    @Test("a counted load makes exactly that many calls, counts events and errors, keeps the first error")
    func countedLoad() async {
        let generator = LoadGenerator(concurrency: 4, requests: 50, duration: .seconds(3600), label: "test", showsProgress: false)
        let result = await generator.run { index in
            if index % 5 == 4 { throw Refused() }
            return 3
        }
        #expect(result.requests == 50)
        #expect(result.errors == 10)
        #expect(result.events == 40 * 3)
        #expect(result.firstError == "refused")
        #expect(result.percentile(50) >= 1)
        #expect(result.requestsPerSecond > 0)
        let json = result.json(streaming: true)
        #expect(json["requests"] as? Int == 50)
        #expect(json["events_per_s"] != nil && json["rps"] == nil)
        #expect(result.line(label: "sdk", streaming: false).hasPrefix("sdk: "))
    }

    @Test("a saved record compares key by key with a run")
    func savedRecord() async throws {
        let result = await LoadGenerator(concurrency: 1, requests: 10, duration: .seconds(3600), label: "test", showsProgress: false).run {
            _ in 0
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-record-\(UInt64.random(in: 0...UInt64.max)).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let saved = result.requestsPerSecond / 2
        try Data(#"{"endpoint": "chat", "concurrency": 1, "sdk": {"rps": \#(saved), "note": "ignored"}}"#.utf8).write(to: file)
        let record = try BenchRecord(contentsOf: file.path)
        #expect(record.label == "chat, 1")
        #expect(record.values.keys.sorted() == ["rps"])
        let ratios = record.ratios(of: result, streaming: false)
        #expect(ratios.keys.sorted() == ["rps"])
        #expect(abs((ratios["rps"] ?? 0) - 2) < 0.01)

        try Data("not json".utf8).write(to: file)
        #expect(throws: BenchRecord.Unreadable.self) { try BenchRecord(contentsOf: file.path) }
    }
}
