import Foundation
import Testing

@testable import AIYouMockServer

@Suite("Support")
struct SupportTests {
    @Test(
        "dates in both shapes",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z", "1970-01-01T02:00:00+02:00"),
            (951_868_800.25, "2000-03-01T00:00:00.250Z", "2000-03-01T02:00:00+02:00"),
            (1_709_251_199.999, "2024-02-29T23:59:59.999Z", "2024-03-01T01:59:59+02:00"),
            (-86_401.5, "1969-12-30T23:59:58.500Z", "1969-12-31T01:59:58+02:00"),
        ]
    )
    func dates(seconds: Double, primary: String, alternate: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(MockDateFormatter.string(from: date, shape: .primary) == primary)
        #expect(MockDateFormatter.string(from: date, shape: .alternate) == alternate)
    }

    @Test("JSON serialization escapes and keeps member order")
    func json() throws {
        let value: JSONValue = [
            "z": "quote \" backslash \\ newline \n tab \t bell \u{07} é",
            "a": [1, 2.5, true, nil],
            "m": [:],
        ]
        let text = value.serialized
        #expect(text == #"{"z":"quote \" backslash \\ newline \n tab \t bell \u0007 é","a":[1,2.5,true,null],"m":{}}"#)
        let reparsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(reparsed?["z"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} é")
        #expect(value.serializedMembers?.count == 3)
        // Split after the first member and joined by a line break, it is still the same JSON.
        let members = try #require(value.serializedMembers)
        let split = "{" + members[0] + ",\n" + members[1...].joined(separator: ",") + "}"
        #expect(try JSONSerialization.jsonObject(with: Data(split.utf8)) is [String: Any])
    }

    @Test("JSON decoding keeps types apart")
    func decoding() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"b":true,"i":3,"d":1.5,"s":"x","n":null,"a":[]}"#.utf8))
        #expect(value["b"]?.boolValue == true)
        #expect(value["i"]?.identifierValue == "3")
        #expect(value["d"]?.identifierValue == nil)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["a"]?.arrayValue?.isEmpty == true)
        #expect(value["missing"] == nil)
    }

    @Test("query strings are percent- and plus-decoded")
    func query() {
        let query = QueryParameters("search=caf%C3%A9+cr%C3%A8me&page=2&page=3&empty=&bad=%zz%4")
        #expect(query["search"] == "café crème")
        #expect(query.integer("page", default: 1) == 2)
        #expect(query.integer("empty", default: 7) == 7)
        #expect(query.integer("missing", default: 7) == 7)
        #expect(query["bad"] == "%zz%4")
        #expect(QueryParameters(nil)["x"] == nil)
    }

    @Test("header parameters honour quotes")
    func headerParameters() {
        let header = HeaderParameters(parsing: #"multipart/form-data; BOUNDARY="a;b \"c\""; charset=utf-8"#)
        #expect(header.value == "multipart/form-data")
        #expect(header.parameters["boundary"] == #"a;b "c""#)
        #expect(header.parameters["charset"] == "utf-8")
    }

    @Test("the seeded generator is reproducible")
    func generator() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in first.next() } == (0..<5).map { _ in second.next() })
    }
}
