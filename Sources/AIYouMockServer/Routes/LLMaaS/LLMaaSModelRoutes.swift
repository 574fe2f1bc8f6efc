import Hummingbird

/// LLMaaS `GET /v1/models`: the ``LLMaaSCatalog`` as an OpenAI model list.
///
/// With absurd numbers the first model's `created` and `max_model_len` are `1e300` and the
/// second's `max_model_len` is the string `"99999999999999999999999999999"`.
struct LLMaaSModelRoutes: Sendable {
    let state: MockServerState

    func list(_ input: RouteRequest) -> Response {
        let absurd = input.absurdNumbers
        let models = LLMaaSCatalog.models.enumerated().map { position, model -> JSONValue in
            let maxModelLength: JSONValue =
                switch (absurd, position) {
                case (true, 0): AbsurdNumbers.huge
                case (true, 1): AbsurdNumbers.hugeNumericString
                default: .int(model.maxModelLength)
                }
            return Self.json(
                for: model,
                created: absurd && position == 0 ? AbsurdNumbers.huge : .int(LLMaaSCatalog.created),
                maxModelLength: maxModelLength
            )
        }
        return LLMaaSResponses.json(["object": "list", "data": .array(models)], quota: self.state.llmaasQuota)
    }

    private static func json(for model: LLMaaSCatalog.Model, created: JSONValue, maxModelLength: JSONValue) -> JSONValue {
        [
            "id": .string(model.id),
            "object": "model",
            "created": created,
            "owned_by": "CloudTemple",
            "root": .string(model.id),
            "aliases": .array(model.aliases.map { .string($0) }),
            "parent": nil,
            "max_model_len": maxModelLength,
            "permission": [
                [
                    "id": .string("modelperm-\(model.id)"),
                    "object": "model_permission",
                    "created": .int(LLMaaSCatalog.created),
                    "allow_sampling": true,
                    "allow_view": true,
                    "allow_fine_tuning": false,
                    "organization": "*",
                    "group": nil,
                    "is_blocking": false,
                ]
            ],
        ]
    }
}
