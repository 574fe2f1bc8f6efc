import Hummingbird

/// `GET /api/v1/models` (flat list with a total) and `POST /api/v1/models` (the catalogue by
/// provider for a body without `name`, creation for a body with one).
struct ModelRoutes: Sendable {
    let state: MockServerState

    func list(_ input: RouteRequest) -> Response {
        let models = self.state.models.all
        return MockResponses.json([
            "models": .array(models.map { Self.json(for: $0, shape: input.shape) }),
            "total": .int(models.count),
        ])
    }

    func create(_ input: RouteRequest) -> Response {
        guard let body = input.json, body.objectMembers != nil else {
            return MockResponses.badRequest("The request body must be a JSON object.")
        }
        guard let nameValue = body["name"] else {
            let catalogue = self.state.models.byProvider.map { group -> JSONValue in
                [
                    "provider": .string(group.provider),
                    "models": .array(group.models.map { Self.json(for: $0, shape: input.shape) }),
                ]
            }
            return MockResponses.json(.array(catalogue))
        }
        guard let name = nameValue.stringValue?.trimmingSpaces(), !name.isEmpty else {
            return MockResponses.badRequest("\"name\" must be a non-empty string.")
        }
        let contextWindow = body["context_window"]?.identifierValue.flatMap { Int($0) } ?? 8192
        let model = Fixtures.Model(
            name: name,
            provider: body["provider"]?.stringValue ?? "Custom",
            contextWindow: contextWindow,
            description: body["description"]?.stringValue ?? ""
        )
        self.state.models.add(model)
        return MockResponses.json(Self.json(for: model, shape: input.shape), status: .created)
    }

    private static func json(for model: Fixtures.Model, shape: MockResponseShape) -> JSONValue {
        [
            "name": .string(model.name),
            "provider": .string(model.provider),
            "context_window": shape == .primary ? .int(model.contextWindow) : .string(String(model.contextWindow)),
            "description": .string(model.description),
        ]
    }
}
