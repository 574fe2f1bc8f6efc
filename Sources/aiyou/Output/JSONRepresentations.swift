import AIYou
import Foundation

/// The `--json` shape of each result: the service's field names, no optionals left out.
extension ChatCompletion {
    var jsonObject: [String: Any?] {
        [
            "id": id, "model": model, "created": created, "text": text,
            "choices": choices.map {
                [
                    "index": $0.index, "role": $0.message.role.rawValue, "content": $0.message.content, "finish_reason": $0.finishReason,
                    "reasoning": $0.message.reasoning,
                    "tool_calls": $0.message.toolCalls.map { ["id": $0.id, "name": $0.name, "arguments": $0.arguments] },
                ] as [String: Any?]
            },
            "usage": usage?.jsonObject,
        ]
    }
}

extension ChatCompletion {
    /// The `--json` fields of a streamed answer but `text`, which ``StreamedChatJSON`` writes as
    /// it arrives: the choices without their content (the first one's is `text`).
    var streamedJSONFields: [String: Any?] {
        [
            "id": id, "model": model, "created": created,
            "choices": choices.map {
                [
                    "index": $0.index, "role": $0.message.role.rawValue, "finish_reason": $0.finishReason,
                    "tool_calls": $0.message.toolCalls.map { ["id": $0.id, "name": $0.name, "arguments": $0.arguments] },
                ] as [String: Any?]
            },
            "usage": usage?.jsonObject,
        ]
    }
}

extension ChatCompletion.Usage {
    var jsonObject: [String: Any?] {
        [
            "prompt_tokens": promptTokens, "completion_tokens": completionTokens, "total_tokens": totalTokens,
            "reasoning_tokens": reasoningTokens,
        ]
    }
}

extension ChatCompletion {
    /// The completion without its reasoning (`aiyou chat --reasoning hide`).
    var withoutReasoning: ChatCompletion {
        var copy = self
        for index in copy.choices.indices { copy.choices[index].message.reasoning = nil }
        return copy
    }
}

extension Assistant {
    var jsonObject: [String: Any?] {
        [
            "id": id, "assistantId": assistantID, "name": name, "model": model, "modelAi": modelAI, "image": image,
            "instructions": instructions,
            "threadHistories": threadHistories.map { ["threadId": $0.threadID, "firstMessage": $0.firstMessage] as [String: Any?] },
        ]
    }
}

extension Model {
    var jsonObject: [String: Any?] {
        [
            "name": name, "provider": provider, "context_window": contextWindow, "description": description, "aliases": aliases,
            "max_model_len": maxModelLength, "owned_by": ownedBy,
        ]
    }
}

extension EmbeddingResult {
    var jsonObject: [String: Any?] {
        [
            "model": model, "dimensions": dimensions, "vectors": vectors.map { $0.map(Double.init) },
            "usage": ["prompt_tokens": usage.promptTokens, "total_tokens": usage.totalTokens],
        ]
    }
}

extension RerankResult {
    var jsonObject: [String: Any?] {
        [
            "id": id, "search_units": searchUnits,
            "results": results.map {
                ["index": $0.index, "relevance_score": $0.relevanceScore, "document": $0.document] as [String: Any?]
            },
        ]
    }
}

extension ConversationThread {
    var jsonObject: [String: Any?] {
        [
            "id": id, "threadIdParam": threadIDParam, "content": content, "assistantName": assistantName, "assistantId": assistantID,
            "assistantModel": assistantModel, "assistantIdOpenAi": assistantIDOpenAI, "firstMessage": firstMessage,
            "createdAt": createdAt, "updatedAt": updatedAt, "isNewAppThread": isNewAppThread,
        ]
    }
}
