/// How ``MockFault/flawedAnswer(_:)`` spoils the JSON answer of a chat request that asks for
/// JSON, as models do when they do not follow a schema well.
public enum MockAnswerFlaw: Sendable, CaseIterable {
    /// Prose instead of JSON: `Bien sûr ! Voici ce que vous avez demandé.`
    case notJSON
    /// JSON of the wrong shape: each member of the answer object holds a value of another type
    /// (a string becomes `42`, a number or integer `"beaucoup"`, a boolean `"oui"`, an array
    /// `{}`, an object `[]`, null `false`); an answer that is not an object becomes
    /// `{"unexpected":true}`.
    case wrongShape
    /// The right JSON in a Markdown code fence after a sentence:
    /// `Voici le JSON :\n```json\n<the JSON>\n```` (a client that strips fences can read it).
    case fenced
    /// The first half of the JSON text (in characters), with finish reason `length`.
    case truncated
}
