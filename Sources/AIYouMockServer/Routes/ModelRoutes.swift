import Hummingbird

/// `GET /api/v1/models` (flat list with a total) and `POST /api/v1/models` (the catalogue by
/// provider for a body without `name`, creation for a body with one).
///
/// With absurd numbers, the first model listed has `context_window` `1e300`, the second the
/// string `"99999999999999999999999999999"`, the list's `total` is `1e300`, and a created
/// model is answered with `context_window` `1e300`.
struct ModelRoutes: Sendable {
    let state: MockServerState

    func list(_ input: RouteRequest) -> Response {
        let models = self.state.models.all
        let absurd = input.absurdNumbers
        return MockResponses.json([
            "models": .array(
                models.enumerated().map { index, model in
                    Self.json(for: model, shape: input.shape, contextWindow: absurd ? Self.absurdContextWindow(position: index) : nil)
                }
            ),
            "total": absurd ? AbsurdNumbers.huge : .int(models.count),
        ])
    }

    func create(_ input: RouteRequest) -> Response {
        guard let body = input.json, body.objectMembers != nil else {
            return MockResponses.badRequest("The request body must be a JSON object.")
        }
        guard let nameValue = body["name"] else {
            let absurd = input.absurdNumbers
            var position = 0
            var catalogue: [JSONValue] = []
            for group in self.state.models.byProvider {
                var models: [JSONValue] = []
                for model in group.models {
                    let contextWindow = absurd ? Self.absurdContextWindow(position: position) : nil
                    models.append(Self.json(for: model, shape: input.shape, contextWindow: contextWindow))
                    position += 1
                }
                catalogue.append(["provider": .string(group.provider), "models": .array(models)])
            }
            return MockResponses.json(.array(catalogue))
        }
        guard let name = nameValue.stringValue?.trimmingSpaces(), !name.isEmpty else {
            return MockResponses.badRequest("\"name\" must be a non-empty string.")
        }
        let contextWindow = body["context_window"]?.identifierValue.flatMap { Int($0) } ?? 8192
        let model = Fixtures.ModelRecord(
            name: name,
            provider: body["provider"]?.stringValue ?? "Custom",
            contextWindow: contextWindow,
            description: body["description"]?.stringValue ?? ""
        )
        self.state.models.add(model)
        // Spelled out: a bare `nil` here would be JSON's null, as JSONValue takes nil literals.
        let shownContextWindow: JSONValue? = input.absurdNumbers ? AbsurdNumbers.huge : JSONValue?.none
        return MockResponses.json(Self.json(for: model, shape: input.shape, contextWindow: shownContextWindow), status: .created)
    }

    /// The absurd `context_window` of the model listed at `position` (from 0): `1e300` for the
    /// first, a huge numeric string for the second, `nil` (the real one) for the others.
    private static func absurdContextWindow(position: Int) -> JSONValue? {
        switch position {
        case 0: AbsurdNumbers.huge
        case 1: AbsurdNumbers.hugeNumericString
        default: nil
        }
    }

    /// A model as listed; `contextWindow` replaces its real `context_window`.
    private static func json(for model: Fixtures.ModelRecord, shape: MockResponseShape, contextWindow: JSONValue? = nil) -> JSONValue {
        [
            "name": .string(model.name),
            "provider": .string(model.provider),
            "context_window": contextWindow ?? (shape == .primary ? .int(model.contextWindow) : .string(String(model.contextWindow))),
            "description": .string(model.description),
        ]
    }
}
