import Hummingbird

/// LLMaaS `/v1/batches`: create, read (which moves a batch on), list and cancel (see
/// <doc:LLMaaSRoutes> and ``BatchStore``).
struct LLMaaSBatchRoutes: Sendable {
    /// The endpoints a batch may name.
    static let endpoints: Set<String> = ["/v1/chat/completions", "/v1/embeddings"]

    let state: MockServerState

    /// `POST /v1/batches` `{"input_file_id","endpoint","completion_window":"24h","metadata"?}`.
    func create(_ input: RouteRequest) -> Response {
        do throws(LLMaaSRequestError) {
            let body = try LLMaaSFields.object(input.json)
            guard let fileID = body["input_file_id"]?.stringValue, !fileID.isEmpty else {
                throw LLMaaSRequestError.invalid("'input_file_id' is required.", param: "input_file_id")
            }
            guard let endpoint = body["endpoint"]?.stringValue, Self.endpoints.contains(endpoint) else {
                throw LLMaaSRequestError.invalid(
                    "'endpoint' must be /v1/chat/completions or /v1/embeddings.",
                    param: "endpoint"
                )
            }
            guard body["completion_window"]?.stringValue == "24h" else {
                throw LLMaaSRequestError.invalid("'completion_window' must be '24h'.", param: "completion_window")
            }
            let metadata = body["metadata"] ?? .null
            switch metadata {
            case .null, .object: break
            default: throw LLMaaSRequestError.invalid("'metadata' must be an object.", param: "metadata")
            }
            let batch = try self.state.batches.create(
                inputFileID: fileID,
                endpoint: endpoint,
                completionWindow: "24h",
                metadata: metadata
            )
            return LLMaaSResponses.json(batch, quota: self.state.llmaasQuota)
        } catch {
            return error.response
        }
    }

    /// `GET /v1/batches/{id}`: the batch after one more read (see ``BatchStore/read(id:)``).
    func get(_ input: RouteRequest) -> Response {
        let id = input.context.parameters.get("id") ?? ""
        guard let batch = self.state.batches.read(id: id) else { return BatchStore.notFound(id).response }
        return LLMaaSResponses.json(batch, quota: self.state.llmaasQuota)
    }

    /// `GET /v1/batches?limit=N&after=ID`: `limit` 1…100, 20 by default.
    func list(_ input: RouteRequest) -> Response {
        let query = QueryParameters(input.request.uri.query)
        guard let limit = query.integer("limit", default: 20), (1...100).contains(limit) else {
            return OpenAIErrors.response(.badRequest, message: "'limit' must be an integer between 1 and 100.", param: "limit")
        }
        do {
            let page = try self.state.batches.list(limit: limit, after: query["after"].flatMap { $0.isEmpty ? nil : $0 })
            return LLMaaSResponses.json(page, quota: self.state.llmaasQuota)
        } catch {
            return error.response
        }
    }

    /// `POST /v1/batches/{id}/cancel`.
    func cancel(_ input: RouteRequest) -> Response {
        do {
            let batch = try self.state.batches.cancel(id: input.context.parameters.get("id") ?? "")
            return LLMaaSResponses.json(batch, quota: self.state.llmaasQuota)
        } catch {
            return error.response
        }
    }
}
