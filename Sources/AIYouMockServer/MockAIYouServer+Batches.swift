/// Control of the LLMaaS batch routes (see <doc:LLMaaSRoutes>). Every member is thread-safe.
extension MockAIYouServer {
    /// The seeded batch that has completed: three requests (a chat, an embedding, and a chat
    /// naming an unknown model), so that `aiyou --mock --api llmaas batch status batch_demo`
    /// and `batch results batch_demo` have something to show.
    public static let demoBatchID = BatchStore.demoBatchID

    /// The seeded batch that stays `in_progress` until it is cancelled (reads do not move it),
    /// over the same three requests.
    public static let demoRunningBatchID = BatchStore.demoRunningBatchID

    /// The largest file `POST /v1/files` stores: 100 MB (10^8 bytes), the LLMaaS limit.
    public static let maxBatchFileBytes = BatchStore.maxFileBytes

    /// Queues how the next batches end: each `POST /v1/batches` takes the next outcome; once
    /// the queue is empty, batches complete.
    ///
    /// - Parameter outcomes: The outcomes, in the order batches are created.
    public func enqueueBatchOutcomes(_ outcomes: [MockBatchOutcome]) {
        self.state.batches.enqueue(outcomes)
    }

    /// How many reads of a batch (`GET /v1/batches/{id}`) move it one step on; 1 (the default)
    /// moves it at every read, so a batch completes at its third read. Values below 1 are
    /// taken as 1.
    public var batchReadsPerStep: Int {
        get { self.state.batches.readsPerStep }
        set { self.state.batches.readsPerStep = newValue }
    }
}
