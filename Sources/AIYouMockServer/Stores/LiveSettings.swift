/// The settings that can change while the server runs; each request reads one snapshot.
struct LiveSettings: Sendable {
    var shape: MockResponseShape
    var requireStreaming: Bool
    var streamChunkCount: Int
    var streamChunkInterval: Duration
    var refusesStreamOptions: Bool
    var usageOnFinishChunk: Bool

    init(configuration: MockServerConfiguration) {
        self.shape = configuration.shape
        self.requireStreaming = configuration.requireStreaming
        self.streamChunkCount = configuration.streamChunkCount
        self.streamChunkInterval = configuration.streamChunkInterval
        self.refusesStreamOptions = configuration.refusesStreamOptions
        self.usageOnFinishChunk = configuration.usageOnFinishChunk
    }
}
