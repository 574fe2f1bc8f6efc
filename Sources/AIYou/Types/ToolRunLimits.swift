/// Bounds of ``AIYouClient/runTools(_:tools:limits:options:)``: however the model behaves, a run
/// asks for at most ``maxRounds`` completions, runs at most ``maxToolCallsPerRound`` calls per
/// round (``maxConcurrentTools`` at a time), sends back at most ``maxResultBytes`` per result and
/// adds at most ``maxTranscriptBytes`` to the conversation.
public struct ToolRunLimits: Sendable, Hashable {
    /// The most chat completions requested. Default 8.
    public var maxRounds: Int = 8
    /// The most tool calls running at once. Default 4.
    public var maxConcurrentTools: Int = 4
    /// The most tool calls the model may ask for in one answer; more ends the run with
    /// ``AIYouError/Code/limitExceeded`` before any of them runs. Default 128.
    public var maxToolCallsPerRound: Int = 128
    /// The longest result (or error text) sent back for one call, in UTF-8 bytes; a longer one is
    /// cut on a character boundary. Default 64 KiB.
    public var maxResultBytes: Int = 64 * 1024
    /// The most the run adds to the conversation — the model's tool calls and the results sent
    /// back, in UTF-8 bytes — across all rounds; more ends the run with
    /// ``AIYouError/Code/limitExceeded``. Default 8 MiB.
    public var maxTranscriptBytes: Int = 8 * 1024 * 1024

    /// The default limits.
    public init() {}

    /// Limits with the given values.
    public init(
        maxRounds: Int = 8,
        maxConcurrentTools: Int = 4,
        maxToolCallsPerRound: Int = 128,
        maxResultBytes: Int = 64 * 1024,
        maxTranscriptBytes: Int = 8 * 1024 * 1024
    ) {
        self.maxRounds = maxRounds
        self.maxConcurrentTools = maxConcurrentTools
        self.maxToolCallsPerRound = maxToolCallsPerRound
        self.maxResultBytes = maxResultBytes
        self.maxTranscriptBytes = maxTranscriptBytes
    }

    /// Throws ``AIYouError/Code/invalidRequest`` naming the first bound below 1.
    func validate() throws(AIYouError) {
        let bounds = [
            ("maxRounds", maxRounds), ("maxConcurrentTools", maxConcurrentTools), ("maxToolCallsPerRound", maxToolCallsPerRound),
            ("maxResultBytes", maxResultBytes), ("maxTranscriptBytes", maxTranscriptBytes),
        ]
        for (name, value) in bounds where value < 1 {
            throw AIYouError.invalidRequest("runTools: limits.\(name) must be at least 1 (got \(value))")
        }
    }
}
