/// What ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` returns: the decoded
/// value, the completion it was decoded from, and what it took to get there.
public struct StructuredAnswer<Value: Decodable & Sendable>: Sendable {
    /// The model's answer, decoded.
    public var value: Value
    /// The completion whose text decoded to ``value`` (its id, model, finish reason, usage).
    public var completion: ChatCompletion
    /// How many times an answer that did not decode was sent back before this one did (0 when
    /// the first answer decoded).
    public var repairs: Int
    /// The tokens of every completion of the call, repairs included; `nil` when the service
    /// reported none.
    public var usage: ChatCompletion.Usage?

    /// An answer.
    public init(value: Value, completion: ChatCompletion, repairs: Int, usage: ChatCompletion.Usage?) {
        self.value = value
        self.completion = completion
        self.repairs = repairs
        self.usage = usage
    }
}

extension StructuredAnswer: Equatable where Value: Equatable {}
extension StructuredAnswer: Hashable where Value: Hashable {}
