extension AIYouClient {
    /// Asks for an answer shaped by `schema` and returns it decoded as `Value`.
    ///
    /// The schema goes out as `response_format` (``StructuredAnswerMode/responseFormat``, LLMaaS's
    /// default) or as an instruction in the system prompt (``StructuredAnswerMode/instruction``,
    /// always on AI.YOU, whose chat request has no `response_format`); see
    /// ``StructuredAnswerSettings/mode``. The answer's text is decoded as JSON through the
    /// client's bounded reader (at most 128 levels deep), after removing a Markdown code fence
    /// around it and a leading `<think>…</think>` block. An answer that does not decode is sent
    /// back to the model — its text (at most 16 KiB of it) and a user message saying what is
    /// wrong (redacted, at most 300 characters) — up to ``StructuredAnswerSettings/maxRepairs``
    /// times.
    ///
    /// ```swift
    /// struct Forecast: Decodable, Sendable { var city: String; var high: Double }
    /// let schema = JSONSchema.object(properties: ["city": .string(), "high": .number()], required: ["city", "high"])
    /// let answer = try await client.structuredAnswer(request, as: Forecast.self, schema: schema)
    /// print(answer.value.high, answer.usage?.totalTokens ?? 0)
    /// ```
    ///
    /// In ``StructuredAnswerMode/responseFormat`` mode the request's
    /// ``ChatCompletionRequest/responseFormat`` is replaced by the schema; in instruction mode it
    /// is sent as given (``ResponseFormat/jsonObject`` helps servers that offer it).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending for
    ///   `maxRepairs` outside 0…10, an unusable schema name or what
    ///   ``chatCompletion(_:options:)`` refuses; ``AIYouError/Code/unsupported`` for
    ///   ``StructuredAnswerMode/responseFormat`` on AI.YOU; ``AIYouError/Code/decoding`` when the
    ///   last answer still does not decode, naming `Value` and the last problem (the answer's
    ///   beginning, redacted, in ``AIYouError/bodyExcerpt``); and whatever
    ///   ``chatCompletion(_:options:)`` or the stream throws.
    public func structuredAnswer<Value: Decodable & Sendable>(
        _ request: ChatCompletionRequest,
        as type: Value.Type,
        schema: JSONSchema,
        settings: StructuredAnswerSettings = StructuredAnswerSettings(),
        options: RequestOptions = RequestOptions()
    ) async throws -> StructuredAnswer<Value> {
        let typeName = String(describing: Value.self)
        guard (0...StructuredAnswerSettings.maxRepairsLimit).contains(settings.maxRepairs) else {
            throw AIYouError.invalidRequest(
                "structured answer: maxRepairs must be within 0…\(StructuredAnswerSettings.maxRepairsLimit) (got \(settings.maxRepairs))"
            )
        }
        let name = settings.schemaName ?? Self.schemaName(for: typeName)
        let format = ResponseFormat.jsonSchema(schema, name: name, strict: settings.strict)
        if let problem = format.problem { throw AIYouError.invalidRequest("structured answer: \(problem)") }

        var current = request
        switch try structuredAnswerMode(settings.mode).storage {
        case .responseFormat:
            current.responseFormat = format
        case .instruction:
            let instruction = Self.instruction(schema: schema, name: name)
            if let prompt = current.systemPrompt, !prompt.allSatisfy(\.isWhitespace) {
                current.systemPrompt = prompt + "\n\n" + instruction
            } else {
                current.systemPrompt = instruction
            }
        }

        let redactor = pipeline.errorMapping.redactor
        var usage: ChatCompletion.Usage?
        var repairs = 0
        while true {
            let completion =
                settings.streamed
                ? try await chatCompletionStream(current, options: options).collect()
                : try await chatCompletion(current, options: options)
            usage = Self.adding(completion.usage, to: usage)
            let problem: StructuredAnswerDecoder.Problem
            switch StructuredAnswerDecoder.decode(Value.self, from: completion) {
            case .success(let value):
                return StructuredAnswer(value: value, completion: completion, repairs: repairs, usage: usage)
            case .failure(let failure):
                problem = failure
            }
            let reason = redactor.clean(problem.reason, limit: Self.maxProblemLength)
            guard repairs < settings.maxRepairs else {
                let content = completion.choices.first?.message.content ?? ""
                throw AIYouError(
                    .decoding,
                    "structured answer: the model's answer could not be decoded as \(typeName)"
                        + (repairs > 0 ? " after \(repairs) repair\(repairs == 1 ? "" : "s")" : "") + ": \(reason)",
                    bodyExcerpt: redactor.clean(content, limit: AIYouError.maxExcerptLength),
                    underlying: problem.underlying
                )
            }
            repairs += 1
            (options.logger ?? configuration.logger).debug(
                "structured answer did not decode; asking the model to repair it",
                metadata: [AIYouLogKey.repair: "\(repairs)", AIYouLogKey.problem: "\(reason)"]
            )
            if let answer = completion.choices.first?.message.content, !answer.allSatisfy(\.isWhitespace) {
                current.messages.append(.text(String(answer.utf8Prefix(maxBytes: Self.maxEchoedAnswerBytes)), role: .assistant))
            }
            current.messages.append(.text(Self.repairRequest(reason: reason, schemaName: name)))
        }
    }

    /// The most of a wrong answer sent back to the model.
    static let maxEchoedAnswerBytes = 16 * 1024
    /// The longest description of a problem, in the repair message and the final error.
    static let maxProblemLength = 300

    /// The mode a call uses: the call's, else the configuration's on LLMaaS; instruction on AI.YOU.
    private func structuredAnswerMode(_ requested: StructuredAnswerMode?) throws(AIYouError) -> StructuredAnswerMode {
        switch configuration.api.dialect {
        case .llmaas:
            return requested ?? configuration.llmaas.structuredAnswers
        case .aiyou:
            if requested == .responseFormat {
                throw AIYouError(
                    .unsupported,
                    "structured answer: AI.YOU's chat request has no response_format; use StructuredAnswerMode.instruction"
                )
            }
            return .instruction
        }
    }

    /// A schema name made of the letters, digits, `_` and `-` of the type's name (`Page<Item>`
    /// becomes `Page_Item`), at most 64 of them; `answer` when none is left.
    static func schemaName(for typeName: String) -> String {
        var name = ""
        for scalar in typeName.unicodeScalars {
            guard name.utf8.count < 64 else { break }
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-" {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, !name.hasSuffix("_") {
                name += "_"
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        return name.isEmpty ? "answer" : name
    }

    /// The system prompt that asks for JSON matching `schema`; the schema comes last, after the
    /// words "JSON Schema", so that a reader (the embedded server among them) can find it.
    static func instruction(schema: JSONSchema, name: String) -> String {
        "Answer with one JSON value and nothing else: no explanation, no Markdown code fence. "
            + "The value must match this JSON Schema (named \"\(name)\"):\n\(schema.value.jsonString)"
    }

    /// What the model is told after an answer that did not decode.
    static func repairRequest(reason: String, schemaName: String) -> String {
        "Your previous answer could not be used: \(reason). Answer again with only the JSON value for \(schemaName), "
            + "matching the schema asked for, with no other text and no code fence."
    }

    /// `usage` plus `more`, each count saturating; `nil` only when neither is known.
    private static func adding(_ more: ChatCompletion.Usage?, to usage: ChatCompletion.Usage?) -> ChatCompletion.Usage? {
        guard let more else { return usage }
        guard let usage else { return more }
        return ChatCompletion.Usage(
            promptTokens: WireValue.sum(usage.promptTokens, more.promptTokens),
            completionTokens: WireValue.sum(usage.completionTokens, more.completionTokens),
            totalTokens: WireValue.sum(usage.totalTokens, more.totalTokens),
            reasoningTokens: usage.reasoningTokens.map { WireValue.sum($0, more.reasoningTokens ?? 0) } ?? more.reasoningTokens
        )
    }
}

extension ChatCompletion {
    /// The first choice's text decoded as `Value` — the answer to a request that asked for JSON
    /// (``ChatCompletionRequest/responseFormat``), e.g. a stream you read yourself and assembled
    /// with ``ChatCompletionStream/collect()``. A Markdown code fence around the JSON and a
    /// leading `<think>…</think>` block are removed first; the JSON is read with the client's
    /// bounds (at most 128 levels deep). No repair is attempted: see
    /// ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` for that.
    /// - Throws: ``AIYouError/Code/decoding``, naming `Value` and what is wrong (e-mail
    ///   addresses, `Bearer` credentials and tokens masked, control characters escaped).
    public func decodedAnswer<Value: Decodable>(as type: Value.Type) throws(AIYouError) -> Value {
        switch StructuredAnswerDecoder.decode(Value.self, from: self) {
        case .success(let value):
            return value
        case .failure(let problem):
            let redactor = Redactor()
            throw AIYouError(
                .decoding,
                "the answer could not be decoded as \(String(describing: Value.self)): "
                    + redactor.clean(problem.reason, limit: AIYouClient.maxProblemLength),
                bodyExcerpt: redactor.clean(text, limit: AIYouError.maxExcerptLength),
                underlying: problem.underlying
            )
        }
    }
}
