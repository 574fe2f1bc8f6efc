import Hummingbird

/// Plays the next injected fault of its route before authentication: answers in the route's
/// stead, waits, holds or drops the connection. The faults that act on the route's own answer
/// go on in the context, for ``AnswerFaultMiddleware`` and the route.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    let state: MockServerState
    let route: MockRoute

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let fault = self.state.faults.nextFault(for: self.route) else {
            return try await next(request, context)
        }
        self.state.logger.debug("Injecting fault", metadata: ["aiyou.mock.route": "\(self.route)", "aiyou.mock.fault": "\(fault)"])
        let action = FaultAction(
            fault: fault,
            route: self.route,
            request: request,
            body: context.body,
            secrets: context.secrets,
            watch: ClientWatch(state: self.state, channel: context.channel)
        )
        var context = context
        switch action {
        case .answer(let response):
            return response
        case .delay(let duration):
            try await Task.sleep(for: duration)
        case .hang:
            return await ConnectionControl(state: self.state).hang(context.channel)
        case .drop:
            return await ConnectionControl(state: self.state).drop(context.channel)
        case .alterAnswer(let fault):
            context.answerFault = fault
        case .replaceAnswer(let fault):
            context.hostileChatFault = fault
        case .none:
            break
        }
        return try await next(request, context)
    }
}
