import Hummingbird

/// `GET /api/v1/user/assistants`: the fixture assistants, as a Hydra collection with numeric
/// ids (primary) or a plain array with string ids (alternate). With absurd numbers, always the
/// Hydra collection, claiming `1e300` items.
struct AssistantRoutes: Sendable {
    func list(_ input: RouteRequest) -> Response {
        let shape: MockResponseShape = input.absurdNumbers ? .primary : input.shape
        let members = Fixtures.assistants.map { Self.json(for: $0, shape: shape) }
        switch shape {
        case .primary:
            return MockResponses.json(
                [
                    "@context": "/api/contexts/Assistant",
                    "@id": "/api/v1/user/assistants",
                    "@type": "hydra:Collection",
                    "hydra:totalItems": input.absurdNumbers ? AbsurdNumbers.huge : .int(members.count),
                    "hydra:member": .array(members),
                ]
            )
        case .alternate:
            return MockResponses.json(.array(members))
        }
    }

    private static func json(for assistant: Fixtures.AssistantRecord, shape: MockResponseShape) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if shape == .primary {
            members.append((key: "@id", value: .string("/api/assistants/\(assistant.id)")))
            members.append((key: "@type", value: "Assistant"))
        }
        members += [
            (key: "id", value: shape == .primary ? .int(assistant.id) : .string(String(assistant.id))),
            (key: "assistantId", value: .string(assistant.openAIID)),
            (key: "name", value: .string(assistant.name)),
            (key: "image", value: .string(assistant.image)),
            (key: "model", value: .string(assistant.model)),
            (key: "modelAi", value: .string(assistant.modelAI)),
            (key: "instructions", value: .string(assistant.instructions)),
            (
                key: "threadHistories",
                value: .array(
                    assistant.threadHistories.map { history in
                        ["threadId": .string(history.threadID), "firstMessage": .string(history.firstMessage)]
                    }
                )
            ),
        ]
        return .object(members)
    }
}
