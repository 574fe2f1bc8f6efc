import Foundation
import Hummingbird

/// `POST /api/v1/save`, `GET /api/v1/user/threads` and `DELETE /api/v1/threads/{id}`.
struct ThreadRoutes: Sendable {
    let state: MockServerState

    func save(_ input: RouteRequest) -> Response {
        guard let body = input.json, body.objectMembers != nil else {
            return MockResponses.badRequest("The request body must be a JSON object.")
        }
        guard let assistantID = body["assistantId"]?.identifierValue, !assistantID.isEmpty else {
            return MockResponses.badRequest("\"assistantId\" is required.")
        }
        guard let conversation = body["conversation"]?.stringValue, !conversation.isEmpty else {
            return MockResponses.badRequest("\"conversation\" is required.")
        }
        let draft = ThreadDraft(
            assistantID: assistantID,
            conversation: conversation,
            threadID: body["threadId"]?.identifierValue.flatMap { $0.isEmpty ? nil : $0 },
            firstMessage: body["firstMessage"]?.stringValue,
            contentJSON: body["contentJson"]?.stringValue,
            isNewAppThread: body["isNewAppThread"]?.boolValue
        )
        let thread = self.state.threads.save(draft)
        let createdAt = input.absurdNumbers ? AbsurdNumbers.huge : JSONValue.int(Int(thread.createdAt.timeIntervalSince1970))
        switch input.shape {
        case .primary:
            return MockResponses.json(["id": .string(String(thread.id)), "object": "thread", "createdAt": createdAt], status: .created)
        case .alternate:
            return MockResponses.json(["id": .int(thread.id), "object": "thread", "createdAt": createdAt])
        }
    }

    func list(_ input: RouteRequest) -> Response {
        let query = QueryParameters(input.request.uri.query)
        guard let page = query.integer("page", default: 1), page >= 1 else {
            return MockResponses.badRequest("\"page\" must be an integer greater than or equal to 1.")
        }
        guard let itemsPerPage = query.integer("itemsPerPage", default: 10), (1...50).contains(itemsPerPage) else {
            return MockResponses.badRequest("\"itemsPerPage\" must be an integer between 1 and 50.")
        }
        let lie = input.lyingPageCounts
        let threads: [JSONValue]
        let total: Int
        if let lie, lie.fullPages {
            threads = (1...itemsPerPage).map { Self.invented(page: page, number: $0, itemsPerPage: itemsPerPage, shape: input.shape) }
            total = lie.totalItems
        } else {
            let (stored, count) = self.state.threads.page(page, itemsPerPage: itemsPerPage, search: query["search"])
            threads = stored.map { Self.json(for: $0, shape: input.shape) }
            total = lie?.totalItems ?? count
        }
        if input.absurdNumbers {
            return MockResponses.json([
                "threads": .array(threads),
                "totalItems": AbsurdNumbers.largestInteger,
                "itemsPerPage": 1,
                "currentPage": -3,
            ])
        }
        return MockResponses.json([
            "threads": .array(threads),
            "totalItems": .int(total),
            "itemsPerPage": .int(itemsPerPage),
            "currentPage": .int(page),
        ])
    }

    func delete(_ input: RouteRequest) -> Response {
        guard let id = input.context.parameters.get("id"), self.state.threads.delete(id: id) else {
            return MockResponses.error(.notFound, message: "Thread not found.")
        }
        switch input.shape {
        case .primary: return Response(status: .noContent)
        case .alternate: return MockResponses.json(["deleted": true])
        }
    }

    /// Thread `number` (from 1) of an invented full page, id `lie-<page>-<number>`.
    private static func invented(page: Int, number: Int, itemsPerPage: Int, shape: MockResponseShape) -> JSONValue {
        let assistant = Fixtures.assistants[(number - 1) % Fixtures.assistants.count]
        let firstMessage = "Fil inventé \(number) de la page \(page)"
        let now = Date()
        let thread = StoredThread(
            // Unique for every page a client can reach; wraps around instead of trapping.
            id: 900_000_000 &+ (page &- 1) &* itemsPerPage &+ number,
            content: "user: \(firstMessage)",
            contentJSON: "[]",
            assistantID: String(assistant.id),
            assistantName: assistant.name,
            assistantOpenAIID: assistant.openAIID,
            firstMessage: firstMessage,
            createdAt: now,
            updatedAt: now,
            isNewAppThread: false
        )
        return Self.json(for: thread, shape: shape, id: "lie-\(page)-\(number)")
    }

    /// A thread as listed; `id` replaces the string form of the numeric id.
    private static func json(for thread: StoredThread, shape: MockResponseShape, id: String? = nil) -> JSONValue {
        [
            "id": .string(id ?? String(thread.id)),
            "threadIdParam": .int(thread.id),
            "content": .string(thread.content),
            "assistantContentJson": .string(thread.contentJSON),
            "assistantName": .string(thread.assistantName),
            "assistantModel": nil,
            "assistantId": shape == .primary
                ? (Int(thread.assistantID).map { .int($0) } ?? .string(thread.assistantID)) : .string(thread.assistantID),
            "assistantIdOpenAi": .string(thread.assistantOpenAIID),
            "firstMessage": .string(thread.firstMessage),
            "createdAt": .string(MockDateFormatter.string(from: thread.createdAt, shape: shape)),
            "updatedAt": .string(MockDateFormatter.string(from: thread.updatedAt, shape: shape)),
            "isNewAppThread": .bool(thread.isNewAppThread),
        ]
    }
}
