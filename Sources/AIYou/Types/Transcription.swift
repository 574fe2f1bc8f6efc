/// The text of a transcribed audio file.
public struct Transcription: Decodable, Hashable, Sendable {
    /// What was said.
    public var text: String

    /// A transcription with the given text.
    public init(text: String) { self.text = text }

    private enum CodingKeys: String, CodingKey { case transcription, text }

    /// Decodes `{"transcription": …}` (or `{"text": …}`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = container.lenientString(.transcription) ?? container.lenientString(.text) {
            self.text = text
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.transcription,
                .init(codingPath: [], debugDescription: "no \"transcription\" in the answer")
            )
        }
    }
}
