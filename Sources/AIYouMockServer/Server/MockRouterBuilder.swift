import Hummingbird

/// Builds the Hummingbird router: one endpoint per ``MockRoute`` of either dialect (AI.YOU under
/// `/api/`, LLMaaS under `/v1/` and `/v2/`), each in its own group behind the middlewares, in
/// this order: ``RecordMiddleware``, ``FaultMiddleware``, ``AuthMiddleware`` and
/// ``SharedQuotaMiddleware`` (on the routes that need a token), ``AnswerFaultMiddleware``, then
/// the route's handler. The MCP endpoint (``MCPRoutes``) has a group of its own behind
/// ``MCPGateMiddleware`` only.
struct MockRouterBuilder: Sendable {
    let state: MockServerState

    func build() -> Router<MockRequestContext> {
        let router = Router(context: MockRequestContext.self)
        let auth = AuthRoutes(state: self.state)
        let chat = ChatRoutes(state: self.state)
        let assistants = AssistantRoutes()
        let models = ModelRoutes(state: self.state)
        let threads = ThreadRoutes(state: self.state)
        let audio = AudioRoutes(state: self.state)
        let llmaasChat = LLMaaSChatRoutes(state: self.state)
        let embeddings = LLMaaSEmbeddingRoutes(state: self.state)
        let rerank = LLMaaSRerankRoutes(state: self.state)
        let llmaasModels = LLMaaSModelRoutes(state: self.state)
        let llmaasAudio = LLMaaSAudioRoutes(state: self.state)
        let speech = LLMaaSSpeechRoutes(state: self.state)
        let images = LLMaaSImageRoutes(state: self.state)
        let files = LLMaaSFileRoutes(state: self.state)
        let batches = LLMaaSBatchRoutes(state: self.state)
        let handlers: [(MockRoute, RouteHandler)] = [
            (.login, { auth.login($0) }),
            (.chatCompletions, { await chat.completions($0) }),
            (.assistants, { assistants.list($0) }),
            (.listModels, { models.list($0) }),
            (.createModel, { models.create($0) }),
            (.save, { threads.save($0) }),
            (.threads, { threads.list($0) }),
            (.deleteThread, { threads.delete($0) }),
            (.transcriptions, { try await audio.transcribe($0) }),
            (.llmaasChatCompletions, { await llmaasChat.completions($0) }),
            (.llmaasCompletions, { await llmaasChat.completions($0) }),
            (.embeddings, { embeddings.embed($0) }),
            (.rerank, { rerank.rerankV1($0) }),
            (.rerankV2, { rerank.rerankV2($0) }),
            (.llmaasModels, { llmaasModels.list($0) }),
            (.llmaasTranscriptions, { try await llmaasAudio.transcribe($0) }),
            (.speech, { speech.speak($0) }),
            (.imageGenerations, { images.generate($0) }),
            (.uploadFile, { try await files.upload($0) }),
            (.fileInfo, { files.describe($0) }),
            (.fileContent, { files.content($0) }),
            (.createBatch, { batches.create($0) }),
            (.listBatches, { batches.list($0) }),
            (.batch, { batches.get($0) }),
            (.cancelBatch, { batches.cancel($0) }),
        ]
        for (route, handler) in handlers {
            guard let method = HTTPRequest.Method(route.method) else { continue }
            let group = router.group()
                .add(middleware: RecordMiddleware(state: self.state, route: route))
                .add(middleware: FaultMiddleware(state: self.state, route: route))
            if route.requiresAuthentication {
                group.add(middleware: AuthMiddleware(state: self.state, route: route))
                    .add(middleware: SharedQuotaMiddleware(state: self.state, route: route))
            }
            group.add(middleware: AnswerFaultMiddleware(state: self.state, route: route))
                .on(RouterPath(route.path), method: method) { request, context in
                    try await handler(RouteRequest(request: request, context: context, settings: self.state.currentSettings))
                }
        }
        // The MCP endpoint: a group of its own, outside the middlewares above (its bearer token is
        // its own; faults and the shared quota do not apply to it).
        let mcp = MCPRoutes(state: self.state)
        let mcpPath = RouterPath(self.state.mcp.path)
        router.group()
            .add(middleware: MCPGateMiddleware(state: self.state))
            .post(mcpPath) { request, context in await mcp.post(request, context: context) }
            .get(mcpPath) { request, context in await mcp.get(request, context: context) }
            .delete(mcpPath) { request, context in await mcp.delete(request, context: context) }
        // After the routes, so that it wraps only the not-found answer.
        router.add(middleware: LLMaaSNotFoundMiddleware())
        return router
    }
}
