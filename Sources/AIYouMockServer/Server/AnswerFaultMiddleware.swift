import Hummingbird

/// Plays, once the request is authenticated, the faults that act on the route's answer and that
/// ``FaultMiddleware`` left in the context: replaces the answer by a hostile chat answer, or lets
/// the route answer, then closes the connection instead of sending it or sends only its first
/// half.
struct AnswerFaultMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    let state: MockServerState
    let route: MockRoute

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let fault = context.hostileChatFault {
            return HostileChatAnswers(
                state: self.state,
                route: self.route,
                body: context.json,
                shape: self.state.currentSettings.shape,
                watch: ClientWatch(state: self.state, channel: context.channel)
            ).response(fault)
        }
        let response = try await next(request, context)
        switch context.answerFault {
        case .dropAfterAnswer:
            return await ConnectionControl(state: self.state).drop(context.channel)
        case .truncatedBody:
            return TruncatedAnswer.cut(response, channel: context.channel)
        default:
            return response
        }
    }
}
