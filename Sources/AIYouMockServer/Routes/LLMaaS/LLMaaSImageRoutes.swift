import Foundation
import Hummingbird

/// LLMaaS `POST /v1/images/generations` (OpenAI-compatible): `n` deterministic 8×8 PNG images
/// (``MockPNG``), as base64 or as links.
///
/// Body: `model` (an image model), `prompt` (a non-empty string), `n` (1…10, default 1), `size`
/// (`auto` or `WIDTHxHEIGHT`, 1…16384 each; it does not change the image), `response_format`
/// (`b64_json`, the default, or `url`) and `quality` (a string, ignored). Anything else wrong is
/// 400 with `param` naming the field.
///
/// The answer is `{"created":C,"data":[{"b64_json":…,"revised_prompt":"A mock image of: <prompt>"}…]}`
/// (with `url` instead of `b64_json` for links): C is 1767100000 plus the FNV-1a hash of the
/// request (keys sorted) modulo 1,000,000, image *i* (from 0) is ``MockPNG/image(prompt:index:)``,
/// and its link `https://images.mock.invalid/<16 hex digits of that hash>-<i>.png`, which
/// nothing serves. With absurd numbers `created` is `1e300`; with ``MockFault/invalidBase64``
/// every image is `{"b64_json":"not*base64!",…}`.
struct LLMaaSImageRoutes: Sendable {
    /// The most images one request may ask for.
    static let maxCount = 10

    let state: MockServerState

    func generate(_ input: RouteRequest) -> Response {
        let body: JSONValue
        let prompt: String
        let count: Int
        let asURL: Bool
        do throws(LLMaaSRequestError) {
            body = try LLMaaSFields.object(input.json)
            _ = try LLMaaSFields.model(in: body, purpose: "image generation") { $0 == .image ? true : nil }
            guard let text = body["prompt"]?.stringValue, !text.isEmpty else {
                throw .invalid("'prompt' must be a non-empty string.", param: "prompt")
            }
            prompt = text
            count = try LLMaaSFields.integer("n", in: body, minimum: 1) ?? 1
            guard count <= Self.maxCount else { throw .invalid("'n' must be at most \(Self.maxCount).", param: "n") }
            switch body["size"] {
            case nil, .null?: break
            case .string(let size)? where Self.isSize(size): break
            default: throw .invalid("'size' must be auto or WIDTHxHEIGHT.", param: "size")
            }
            switch body["response_format"] {
            case nil, .null?, .string("b64_json")?: asURL = false
            case .string("url")?: asURL = true
            default: throw .invalid("'response_format' must be b64_json or url.", param: "response_format")
            }
            switch body["quality"] {
            case nil, .null?, .string?: break
            default:
                throw .invalid("'quality' must be a string.", param: "quality")
            }
        } catch {
            return error.response
        }

        let hash = FNV1a.hash(body.serialized)
        let images: [JSONValue] = (0..<count).map { index in
            let content: (key: String, value: JSONValue)
            if input.invalidBase64 {
                content = (key: "b64_json", value: "not*base64!")
            } else if asURL {
                content = (key: "url", value: .string("https://images.mock.invalid/\(FNV1a.hex(hash))-\(index).png"))
            } else {
                content = (key: "b64_json", value: .string(Data(MockPNG.image(prompt: prompt, index: index)).base64EncodedString()))
            }
            return .object([content, (key: "revised_prompt", value: .string("A mock image of: " + prompt))])
        }
        let answer: JSONValue = [
            "created": input.absurdNumbers ? AbsurdNumbers.huge : .int(1_767_100_000 + Int(hash % 1_000_000)),
            "data": .array(images),
        ]
        return LLMaaSResponses.json(answer, quota: self.state.llmaasQuota)
    }

    /// `auto`, or two numbers of 1…16384 joined by `x`.
    private static func isSize(_ size: String) -> Bool {
        if size == "auto" { return true }
        let parts = size.split(separator: "x", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { part in
                part.utf8.count <= 5 && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                    && Int(part).map { (1...16_384).contains($0) } == true
            }
    }
}
