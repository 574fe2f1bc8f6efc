import NIOHTTP1

/// The innermost stage: sends one attempt through the ``Transport`` — the request's headers and
/// deadlines, the attempt's span and duration, its debug and trace logs — and returns the answer
/// whatever its status. A failure on the wire is thrown as ``AttemptFailure``, with the error the
/// caller would see.
struct AttemptStage: Sendable {
    let transport: any Transport
    let headers: RequestHeaders
    let timeouts: Configuration.Timeouts
    let limits: Configuration.Limits
    let timeSource: TimeSource

    func send(_ scope: inout CallScope) async throws -> TransportResponse {
        scope.attempts += 1
        if scope.logsDebug { scope.logger[metadataKey: AIYouLogKey.attempt] = "\(scope.attempts)" }
        let request = scope.request
        var transportRequest = transportRequest(for: request, token: scope.token, options: scope.options)
        let span = scope.observer?.attemptStarted(
            method: request.method,
            target: request.target,
            resendCount: scope.attempts - 1,
            headers: &transportRequest.headers
        )
        let logger = scope.logger
        logger.debug("sending request", metadata: [AIYouLogKey.method: "\(request.method.rawValue)", AIYouLogKey.path: "\(request.path)"])
        if logger.logLevel <= .trace, case .json(let body) = request.body {
            logger.trace(
                "request body",
                metadata: [AIYouLogKey.body: "\(scope.mapping.excerpt(of: body, redactor: scope.mapping.redactor))"]
            )
        }
        let started = timeSource.now()
        do {
            let response = try await transport.send(transportRequest)
            let duration = timeSource.now() - started
            scope.observer?.attemptEnded(span, method: request.method, status: response.status, failure: nil, duration: duration)
            logger.debug(
                "received answer",
                metadata: [AIYouLogKey.status: "\(response.status)", AIYouLogKey.durationMilliseconds: "\(duration.milliseconds)"]
            )
            return response
        } catch let error as TransportError {
            let failure = scope.mapping.error(for: error, operation: request.operation)
            scope.observer?.attemptEnded(span, method: request.method, status: nil, failure: failure, duration: timeSource.now() - started)
            logger.debug("request failed", metadata: [AIYouLogKey.error: "\(failure.message)"])
            throw AttemptFailure(transport: error, error: failure)
        }
    }

    private func transportRequest(for request: APIRequest, token: String?, options: RequestOptions) -> TransportRequest {
        let isUpload = if case .multipart = request.body { true } else { false }
        var headers = headers.headers(for: request, token: token)
        for (name, value) in options.headers { headers.add(name: name, value: value) }
        return TransportRequest(
            method: request.method,
            target: request.target,
            headers: headers,
            body: request.body,
            accept: request.accept,
            timeout: options.timeout ?? (isUpload ? timeouts.upload : timeouts.request),
            eventTimeout: timeouts.streamIdle,
            limits: limits
        )
    }
}

/// An attempt that failed on the wire: what the transport said (for the retry policy) and the
/// error the caller sees if the call ends there.
struct AttemptFailure: Error {
    var transport: TransportError
    var error: AIYouError
}
