import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The number reader of embedding vectors (`JSONFloat`) against `JSONDecoder`'s reading of a
/// `Float`, bit for bit.
@Suite("Embedding numbers read as JSONDecoder reads a Float")
struct EmbeddingNumberTests {
    /// What the scanner must read for `text`: what `JSONDecoder` makes of it as a `Float` (it
    /// calls `strtof`), that is `Float(String)`, refused when infinite, or zero while a digit is
    /// not. A zero written with an exponent is left to `JSONDecoder` (`nil` here): it refuses some
    /// (`0e4`, `0.00e1`: its true-zero test reads the last bytes of a number backwards).
    static func reference(_ text: String) -> Float? {
        guard let value = Float(text), value.isFinite else { return nil }
        if value == 0 {
            if text.contains(where: { $0 == "e" || $0 == "E" }) { return nil }
            guard text.allSatisfy({ !$0.isNumber || $0 == "0" }) else { return nil }
        }
        return value
    }

    /// What the scanner reads for `text`, which must be the whole of it.
    static func parsed(_ text: String) -> Float? {
        Array(text.utf8).withUnsafeBytes { bytes in
            var index = 0
            guard let value = JSONFloat.parse(bytes, &index), index == bytes.count else { return nil }
            return value
        }
    }

    @Test("the reference rule is JSONDecoder's, on special and random numbers")
    func referenceIsJSONDecoder() async throws {
        var random = SeededGenerator(seed: 0xF10A7)
        let texts = Self.specialNumbers + (0..<3_000).map { _ in NumberGenerator.number(&random) }
        for (index, text) in texts.enumerated() {
            // Long CPU-bound loops leave the two cooperative threads to the servers of other tests.
            if index % 200 == 0 { await Task.yield() }
            let decoded = try? JSONDecoder().decode([Float].self, from: Data("[\(text)]".utf8)).first
            let zeroWithExponent = Float(text) == 0 && text.contains(where: { $0 == "e" || $0 == "E" })
            if !zeroWithExponent { #expect(decoded?.bitPattern == Self.reference(text)?.bitPattern, "\(text)") }
        }
        // JSONDecoder's own reading of zeros with exponents, which the scanner leaves to it.
        for (text, accepted) in [("0e0", true), ("-0E+5", true), ("0e4", false), ("0.00e1", false)] {
            #expect(((try? JSONDecoder().decode([Float].self, from: Data("[\(text)]".utf8))) != nil) == accepted, "\(text)")
            #expect(Self.parsed(text) == nil)
        }
    }

    static let specialNumbers = [
        "0", "-0", "0.0", "-0.0", "0e0", "-0E+5", "0.000e-999", "1", "-1", "7", "123456789", "4294967296",
        "12345678901234567890123", "0.1", "-0.031234567", "1e-05", "1.234e-05", "1E5", "2.5e+3", "1e38", "3.4028235e38",
        "3.4028235677973366e38", "3.4028236e38", "1e39", "-1e39", "1e-37", "1.1754944e-38", "1e-38", "1e-40", "1.4e-45",
        "7e-46", "1e-46", "1e-50", "1e999999999", "-1e-999999999", "0.00000000000000000000000000000000000000000000000001",
        "1.0000000596046447753906251", "1.000000059604644776", "1.000000059604644775390625", "0.10000000149011612",
        "0.100000001490116119384765625", "9007199254740993", "9999999999999999999", "99999999999999999999", "1e22", "1e23",
        "1.5e-22", "1.5e-23",
    ]

    @Test("special numbers: zeros, exponents, range edges, subnormals, long digits, midpoints")
    func special() {
        for text in Self.specialNumbers {
            #expect(Self.parsed(text)?.bitPattern == Self.reference(text)?.bitPattern, "\(text)")
        }
    }

    @Test("200,000 random numbers in every style read bit for bit as JSONDecoder reads them")
    func random() async {
        var random = SeededGenerator(seed: 0xE3BED)
        var mismatches: [String] = []
        for round in 0..<200_000 {
            if round % 5_000 == 0 { await Task.yield() }
            let text = NumberGenerator.number(&random)
            if Self.parsed(text)?.bitPattern != Self.reference(text)?.bitPattern, mismatches.count < 10 {
                mismatches.append(
                    "\(text): read \(String(describing: Self.parsed(text))), expected \(String(describing: Self.reference(text)))"
                )
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test("not JSON numbers are refused: the caller falls back to JSONDecoder")
    func refused() {
        for text in [
            "", "-", "+1", ".5", "1.", "01", "-01", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1..2", "1e5.5", "--1", "- 1",
        ] {
            #expect(Self.parsed(text) == nil, "\(text)")
        }
    }

    /// Rounding to `Double` first and then to `Float` is not the nearest `Float` when the decimal
    /// lies within half a `Double` step of a midpoint between two `Float`s. The client gives the
    /// nearest `Float`, as `JSONDecoder` does.
    @Test("the documented difference from Float(Double(text)): the client rounds once, as JSONDecoder does")
    func doubleRounding() async throws {
        for text in ["1.0000000596046447753906251", "1.000000059604644776"] {
            let once = try #require(Self.parsed(text))
            let twice = Float(try #require(Double(text)))
            #expect(once == 1.0000001 && twice == 1.0, "\(text): \(once) vs \(twice)")
            #expect(once == (try JSONDecoder().decode([Float].self, from: Data("[\(text)]".utf8))).first)
        }
        // Numbers a server writes (the shortest text of a Float or of the Double holding it) are
        // far from midpoints: both roundings agree on them.
        var random = SeededGenerator(seed: 0xD0B1E)
        for round in 0..<20_000 {
            if round % 1_000 == 0 { await Task.yield() }
            let value = Float(bitPattern: UInt32.random(in: 0x2000_0000...0x5000_0000, using: &random))
            for text in [value.description, Double(value).description] {
                #expect(Self.parsed(text) == Float(Double(text)!), "\(text)")
            }
        }
    }
}

/// Random JSON numbers in the styles servers write and in the ones that stress a reader.
enum NumberGenerator {
    /// `commonOnly`: the styles servers write, for values within the range of embeddings.
    static func number(_ random: inout SeededGenerator, commonOnly: Bool = false) -> String {
        switch Int.random(in: 0..<(commonOnly ? 4 : 9), using: &random) {
        case 0, 1:
            // The shortest text of a Float, as Go or Swift write it (some with exponents).
            return realistic(&random).description
        case 2, 3:
            // The Double holding a Float, as Python writes it: up to 17 digits.
            return Double(realistic(&random)).description
        case 4:
            return decimal(&random)
        case 5:
            // Any Float bit pattern (subnormals, huge values), in both texts.
            var value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random))
            if !value.isFinite { value = 1 }
            return Bool.random(using: &random) ? value.description : Double(value).description
        case 6, 7:
            return nearMidpoint(&random)
        default:
            return ChunkGenerator.pick(EmbeddingNumberTests.specialNumbers, &random)
        }
    }

    /// An embedding-like value: mostly within ±0.2, now and then tiny.
    static func realistic(_ random: inout SeededGenerator) -> Float {
        let value = Float.random(in: -0.2...0.2, using: &random)
        return Int.random(in: 0..<50, using: &random) == 0 ? value / 10_000 : value
    }

    /// Random digits: 1 to 25 of them, leading zeros, an optional exponent.
    static func decimal(_ random: inout SeededGenerator) -> String {
        func digits(_ count: Int, _ random: inout SeededGenerator) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
        }
        var text = Bool.random(using: &random) ? "-" : ""
        if Bool.random(using: &random) {
            text += "0"
        } else {
            text += String(Int.random(in: 1...9, using: &random)) + digits(Int.random(in: 0...4, using: &random), &random)
        }
        if Int.random(in: 0..<4, using: &random) > 0 {
            text +=
                "." + String(repeating: "0", count: Int.random(in: 0...6, using: &random))
                + digits(Int.random(in: 1...20, using: &random), &random)
        }
        if Int.random(in: 0..<3, using: &random) == 0 {
            text += ChunkGenerator.pick(["e", "E", "e+", "e-", "E-"], &random) + String(Int.random(in: 0...45, using: &random))
        }
        return text
    }

    /// The midpoint between two adjacent Floats (a Double), written shortest or with a last digit
    /// moved: the decimals where rounding once and rounding twice disagree.
    static func nearMidpoint(_ random: inout SeededGenerator) -> String {
        let low = Float(bitPattern: UInt32.random(in: 0x0080_0000...0x7F00_0000, using: &random))
        let midpoint = (Double(low) + Double(low.nextUp)) / 2
        var text = midpoint.description
        guard Bool.random(using: &random), let last = text.lastIndex(where: \.isNumber) else { return text }
        // Append or change a digit just beyond what tells the Double apart.
        if text.contains("e") {
            text.insert(contentsOf: ChunkGenerator.pick(["1", "9", "0001", "9999"], &random), at: text.firstIndex(of: "e")!)
        } else {
            text.insert(contentsOf: ChunkGenerator.pick(["1", "9", "0001", "9999"], &random), at: text.index(after: last))
        }
        if !text.contains(".") { text = midpoint.description }
        return text
    }
}

/// The specialised decoder of embeddings answers against `JSONDecoder`: the same vectors bit for
/// bit, the same model and usage, or both refuse.
@Suite("Fast embeddings decoding agrees with JSONDecoder")
struct EmbeddingsDecodingTests {
    /// What can be compared bit for bit (`==` on Float takes 0 and -0 as equal).
    struct Snapshot: Equatable, CustomStringConvertible {
        var bits: [[UInt32]]
        var model: String?
        var usage: EmbeddingResult.Usage

        init(_ result: EmbeddingResult) {
            bits = result.vectors.map { $0.map(\.bitPattern) }
            model = result.model
            usage = result.usage
        }

        var description: String { "\(bits.count) vectors \(bits.map(\.count)), model \(model ?? "nil"), usage \(usage)" }
    }

    static func reference(_ input: [UInt8]) -> Snapshot? {
        (try? JSONDecoder().decode(EmbeddingResult.self, from: Data(input))).map(Snapshot.init)
    }

    static func fast(_ input: [UInt8]) -> Snapshot? {
        input.withUnsafeBytes { EmbeddingsDecoder.decodeCommonShape($0) }.map(Snapshot.init)
    }

    static func compare(_ inputs: [[UInt8]]) async -> FastDecodingTests.Outcome {
        // What the pipeline runs: the fast path, else JSONDecoder.
        await FastDecodingTests.differential(inputs, reference: reference, fast: fast, full: { fast($0) ?? reference($0) })
    }

    @Test("4,000 generated answers decode identically, most on the fast path")
    func generated() async {
        var random = SeededGenerator(seed: 0xE3B_0001)
        let inputs = (0..<4_000).map { _ in Array(EmbeddingBodyGenerator.body(&random).utf8) }
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        #expect(outcome.fastPath > 2_000, "fast path taken \(outcome.fastPath) times of \(outcome.compared)")
        #expect(outcome.fastPath < outcome.compared - 200, "the fallback was hardly exercised")
        #expect(outcome.bothFailed > 200, "only \(outcome.bothFailed) answers were refused by both")
    }

    @Test("6,000 mutated answers agree, errors included")
    func mutated() async {
        var random = SeededGenerator(seed: 0xE3B_0002)
        let inputs = (0..<6_000).map { _ in
            ChunkGenerator.mutate(Array(EmbeddingBodyGenerator.body(&random, commonOnly: true).utf8), &random)
        }
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        #expect(outcome.bothFailed > 1_000, "only \(outcome.bothFailed) mutations were invalid")
        #expect(outcome.fastPath > 1_000)
    }

    @Test("hostile answers are refused by both paths, never trapping")
    func hostile() async {
        let cases = [
            #"{"data":[{"index":1,"embedding":[0.1]}]}"#,  // index out of range
            #"{"data":[{"index":-1,"embedding":[0.1]}]}"#,
            #"{"data":[{"index":0,"embedding":[0.1]},{"index":0,"embedding":[0.2]}]}"#,  // duplicate
            #"{"data":[{"index":0,"embedding":[0.1,0.2]},{"index":1,"embedding":[0.3]}]}"#,  // ragged
            #"{"data":[{"index":0,"embedding":[]}]}"#,
            #"{"data":[{"index":0,"embedding":[NaN]}]}"#,
            #"{"data":[{"index":0,"embedding":[Infinity]}]}"#,
            #"{"data":[{"index":0,"embedding":[1e39]}]}"#,
            #"{"data":[{"index":0,"embedding":[-3.5e38]}]}"#,
            #"{"data":[{"index":0,"embedding":[1e-50]}]}"#,
            #"{"data":[{"index":0,"embedding":[1e999999999999999999]}]}"#,
            #"{"data":[{"index":0,"embedding":[null]}]}"#,
            #"{"data":[{"index":0,"embedding":["0.5"]}]}"#,
            #"{"data":[{"index":9223372036854775807,"embedding":[0.1]}]}"#,
            #"{"data":[{"index":99999999999999999999999,"embedding":[0.1]}]}"#,
            #"{"data":[{"index":0}]}"#,
            #"{"data":[{"embedding":[0.1]}]}"#,
            #"{"data":null}"#,
            #"{"data":{}}"#,
            #"{"model":"m"}"#,
            #"[]"#,
            #"{"data":[{"index":0,"embedding":[0.1]}]} trailing"#,
        ]
        let outcome = await Self.compare(cases.map { Array($0.utf8) })
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        #expect(outcome.bothFailed == cases.count)
    }

    @Test("items come back in index order, whatever order the service sent them in")
    func order() throws {
        let text =
            #"{"object":"list","model":"bge-m3:567m","data":[{"object":"embedding","index":2,"embedding":[3,3.5]},{"object":"embedding","index":0,"embedding":[1e0,-1.5E-1]},{"index":1,"embedding":[ 2 , 2.5 ]}],"usage":{"prompt_tokens":6,"total_tokens":7}}"#
        let result = try #require(Array(text.utf8).withUnsafeBytes { EmbeddingsDecoder.decodeCommonShape($0) })
        #expect(result.vectors == [[1, -0.15], [2, 2.5], [3, 3.5]])
        #expect(result.model == "bge-m3:567m")
        #expect(result.usage == .init(promptTokens: 6, totalTokens: 7))
        #expect(result == (try JSONDecoder().decode(EmbeddingResult.self, from: Data(text.utf8))))
    }

    @Test("a realistic answer (100 × 1,024 numbers, shuffled) takes the fast path and matches JSONDecoder")
    func realistic() async throws {
        var random = SeededGenerator(seed: 0xB16)
        let vectors = (0..<100).map { _ in (0..<1_024).map { _ in NumberGenerator.realistic(&random) } }
        for style in [\Float.description, \Float.pythonStyle] {
            await Task.yield()
            let items = vectors.enumerated().shuffled(using: &random).map { index, vector in
                #"{"object":"embedding","index":\#(index),"embedding":[\#(vector.map { $0[keyPath: style] }.joined(separator: ","))]}"#
            }
            let body = Array(
                #"{"object":"list","data":[\#(items.joined(separator: ","))],"model":"bge-m3:567m","usage":{"prompt_tokens":100,"total_tokens":100}}"#
                    .utf8
            )
            let fast = try #require(Self.fast(body))
            #expect(fast == Self.reference(body))
            #expect(fast.bits == vectors.map { $0.map(\.bitPattern) })
        }
    }
}

extension Float {
    /// The Double holding this Float, as Python's `repr` writes it.
    var pythonStyle: String { Double(self).description }
}

/// Random embeddings answers; `commonOnly` keeps to the shape the fast path reads.
enum EmbeddingBodyGenerator {
    static func body(_ random: inout SeededGenerator, commonOnly: Bool = false) -> String {
        let odd = !commonOnly && Int.random(in: 0..<4, using: &random) == 0
        let count = Int.random(in: 0...4, using: &random)
        let dimensions = Int.random(in: 1...12, using: &random)
        var items: [String] = []
        for index in (0..<count).shuffled(using: &random) {
            var length = dimensions
            var writtenIndex = String(index)
            var numbers: [String] = []
            if odd {
                switch Int.random(in: 0..<8, using: &random) {
                case 0: length += 1
                case 1: writtenIndex = ChunkGenerator.pick(["\"\(index)\"", "\(index).0", "\(index)e0", "null", "\(count)", "-1"], &random)
                case 2: numbers.append(ChunkGenerator.pick(["null", "\"0.5\"", "true", "1e39", "1e-50", "[]"], &random))
                case 3: length = 0
                default: break
                }
            }
            numbers += (numbers.count..<length).map { _ in
                NumberGenerator.number(&random, commonOnly: commonOnly || Bool.random(using: &random))
            }
            var members: [(String, String)] = [("index", writtenIndex), ("embedding", "[" + numbers.joined(separator: ",") + "]")]
            if Bool.random(using: &random) { members.append(("object", "\"embedding\"")) }
            if Int.random(in: 0..<6, using: &random) == 0 { members.append(("extra", ChunkGenerator.anyValue(&random))) }
            items.append(ChunkGenerator.object(members, &random))
        }
        var members: [(String, String)] = []
        if Int.random(in: 0..<20, using: &random) > 0 || commonOnly { members.append(("data", "[" + items.joined(separator: ",") + "]")) }
        if Int.random(in: 0..<5, using: &random) > 0 {
            members.append(("model", odd ? ChunkGenerator.pick(["1.5", "7", "null", "{}"], &random) : "\"bge-m3:567m\""))
        }
        if Bool.random(using: &random) { members.append(("object", "\"list\"")) }
        if Int.random(in: 0..<4, using: &random) > 0 {
            let usage: [(String, String)] = [
                ("prompt_tokens", odd ? ChunkGenerator.pick(["\"6\"", "6.0", "-3", "null"], &random) : "6"),
                ("total_tokens", ChunkGenerator.pick(["6", "null", "9"], &random)),
            ]
            members.append(
                (
                    "usage",
                    odd && Bool.random(using: &random)
                        ? "\"none\"" : ChunkGenerator.object(Array(usage.prefix(Int.random(in: 0...2, using: &random))), &random)
                )
            )
        }
        if Int.random(in: 0..<5, using: &random) == 0 { members.append(("backend", ChunkGenerator.anyValue(&random))) }
        return ChunkGenerator.object(members, &random)
    }
}
