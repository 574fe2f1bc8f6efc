import NIOHTTP1

/// The headers of the client's requests. All but an upload's (whose boundary varies) are built
/// once per token and kind of request, not on every call: a new token (after a login or refresh)
/// replaces the cached sets.
final class RequestHeaders: Sendable {
    private struct State: Sendable {
        var token: String?
        var sets: [HTTPHeaders?] = Array(repeating: nil, count: 10)
    }

    private let base: HTTPHeaders
    private let state = Locked(State())

    init(userAgent: String) {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: userAgent)
        self.base = headers
    }

    /// The headers of `request` carrying `token`.
    func headers(for request: APIRequest, token: String?) -> HTTPHeaders {
        if case .multipart(let upload) = request.body {
            var headers = build(token: token, accept: request.accept, contentType: nil)
            headers.add(name: "Content-Type", value: upload.contentType)
            return headers
        }
        let hasJSONBody = if case .json = request.body { true } else { false }
        let kind =
            switch request.accept {
            case .json: 0
            case .eventStream: 2
            case .audio: 4
            case .jsonLines: 6
            case .anyBody: 8
            }
        let slot = kind + (hasJSONBody ? 1 : 0)
        if let cached = state.withLock({ $0.token == token ? $0.sets[slot] : nil }) { return cached }
        let headers = build(token: token, accept: request.accept, contentType: hasJSONBody ? "application/json" : nil)
        state.withLock { state in
            if state.token != token { state = State(token: token) }
            state.sets[slot] = headers
        }
        return headers
    }

    private func build(token: String?, accept: APIRequest.Accept, contentType: String?) -> HTTPHeaders {
        var headers = base
        headers.reserveCapacity(base.count + 3)
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        switch accept {
        case .json: headers.add(name: "Accept", value: "application/json")
        case .eventStream: headers.add(name: "Accept", value: "text/event-stream")
        // JSON too: that is how a service explains a refusal.
        case .audio: headers.add(name: "Accept", value: "audio/*, application/octet-stream, application/json;q=0.5")
        case .jsonLines: headers.add(name: "Accept", value: "application/jsonl, application/x-ndjson, application/octet-stream, */*")
        case .anyBody: headers.add(name: "Accept", value: "application/json, text/event-stream")
        }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return headers
    }
}
