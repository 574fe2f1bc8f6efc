import AIYouMockServer
import ArgumentParser

/// `--fault ROUTE=SPEC[,SPEC…]` for `aiyou serve`: faults the embedded server plays, in order, on
/// the next requests to ROUTE.
struct FaultOption: ExpressibleByArgument, Sendable {
    /// The route names: the AI.YOU routes, then the LLMaaS ones (`/v1/…`, `/v2/rerank`).
    static let routes: [String: MockRoute] = [
        "login": .login, "chat": .chatCompletions, "assistants": .assistants, "models": .listModels, "create-model": .createModel,
        "save": .save, "threads": .threads, "delete-thread": .deleteThread, "transcriptions": .transcriptions,
        "llmaas-chat": .llmaasChatCompletions, "llmaas-completions": .llmaasCompletions, "embeddings": .embeddings,
        "rerank": .rerank, "rerank-v2": .rerankV2, "llmaas-models": .llmaasModels, "llmaas-transcriptions": .llmaasTranscriptions,
        "speech": .speech, "images": .imageGenerations,
        "files": .uploadFile, "file": .fileInfo, "file-content": .fileContent, "create-batch": .createBatch, "batches": .listBatches,
        "batch": .batch, "cancel-batch": .cancelBatch,
    ]

    static let help = """
        ROUTE=SPEC[,SPEC…]. ROUTE: \(routes.keys.sorted().joined(separator: ", ")). \
        SPEC: a status (503), 429:SECONDS (Retry-After), delay:DURATION (250ms, 2s), hang, drop, drop-after:K \
        (stream cut after K events), malformed-json, malformed-sse, wrong-content-type, empty; hostile answers: \
        oversized-line:BYTES (an SSE line, or a JSON body, that long), endless-comments:INTERVAL, \
        tail-after-done (events after [DONE]), drip:STATUS:INTERVAL (body one byte per INTERVAL), absurd-numbers, \
        echo-secrets:STATUS (request body and Authorization echoed), escapes:STATUS (terminal escapes in the error), \
        drop-after-processing, lying-pages:TOTAL, lying-full-pages:TOTAL (threads total lies; pages never run out); \
        hostile chat answers: many-deltas:COUNT:TEXT, tool-storm:CALLS:PER_CHUNK, deep-args:DEPTH[:object], \
        repeat-index:TIMES, long-args:PIECES:TEXT, empty-chunks:INTERVAL:KIND (KIND: \
        \(emptyChunkKinds.keys.sorted().joined(separator: ", "))); error-object:STATUS:BYTES (an error object, token \
        echoed), echo-encoded:STATUS:ENCODING (ENCODING: \(encodings.keys.sorted().joined(separator: ", "))); \
        flawed:FLAW (a spoiled JSON answer; FLAW: \(answerFlaws.keys.sorted().joined(separator: ", "))), \
        proxy-error:KIND (a proxy's error body; KIND: \(proxyErrors.keys.sorted().joined(separator: ", "))); \
        media: reversed-embeddings, oversized-audio:BYTES, invalid-base64, truncated. Repeatable.
        """

    /// The `ENCODING` names of `echo-encoded`.
    static let encodings: [String: MockSecretEncoding] = [
        "unicode-escaped": .unicodeEscaped, "html-safe-escaped": .htmlSafeEscaped, "percent-encoded": .percentEncoded,
        "base64": .base64, "basic-auth": .basicAuth,
    ]

    /// The `FLAW` names of `flawed`.
    static let answerFlaws: [String: MockAnswerFlaw] = [
        "not-json": .notJSON, "wrong-shape": .wrongShape, "fenced": .fenced, "truncated": .truncated,
    ]

    /// The `KIND` names of `proxy-error`.
    static let proxyErrors: [String: MockProxyError] = [
        "string-code": .stringCode, "numeric-code": .numericCode, "type-none": .typeNone, "type-null": .typeNull,
        "python-dict": .pythonDict, "traceback": .traceback, "model-not-found": .modelNotFound,
        "model-does-not-exist": .modelDoesNotExist, "invalid-model": .invalidModel, "litellm-invalid-model": .litellmInvalidModelName,
    ]

    /// The `KIND` names of `empty-chunks`.
    static let emptyChunkKinds: [String: MockEmptyChunk] = [
        "empty-choices": .emptyChoices, "empty-delta": .emptyDelta, "role-only": .roleOnly,
    ]

    let route: MockRoute
    let faults: [MockFault]

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let route = Self.routes[parts[0]] else { return nil }
        var faults: [MockFault] = []
        for spec in parts[1].split(separator: ",") {
            guard let fault = Self.parse(String(spec)) else { return nil }
            faults.append(fault)
        }
        guard !faults.isEmpty else { return nil }
        self.route = route
        self.faults = faults
    }

    static func parse(_ spec: String) -> MockFault? {
        let pieces = spec.split(separator: ":", maxSplits: 1).map(String.init)
        switch (pieces[0], pieces.count > 1 ? pieces[1] : nil) {
        case ("429", let seconds?): return Double(seconds) == nil ? nil : .rateLimited(retryAfter: seconds)
        case (let status, nil) where Int(status).map({ (100...599).contains($0) }) == true: return .status(Int(status)!)
        case ("delay", let duration?): return parseDuration(duration).map { .delay($0) }
        case ("hang", nil): return .hang
        case ("drop", nil): return .dropConnection
        case ("drop-after", let count?): return Int(count).flatMap { $0 >= 0 ? .dropStreamAfter(events: $0) : nil }
        case ("malformed-json", nil): return .malformedJSON
        case ("malformed-sse", nil): return .malformedSSE
        case ("wrong-content-type", nil): return .wrongContentType
        case ("empty", nil): return .emptyBody
        case ("oversized-line", let bytes?): return Int(bytes).flatMap { $0 >= 0 ? .oversizedStreamLine(bytes: $0) : nil }
        case ("endless-comments", let interval?): return parseDuration(interval).map { .endlessComments(interval: $0) }
        case ("tail-after-done", nil): return .tailAfterDone
        case ("drip", let arguments?):
            let parts = arguments.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let status = parseStatus(parts[0]), let interval = parseDuration(parts[1]) else { return nil }
            return .drip(status: status, interval: interval)
        case ("absurd-numbers", nil): return .absurdNumbers
        case ("echo-secrets", let status?): return parseStatus(status).map { .echoSecrets(status: $0) }
        case ("escapes", let status?): return parseStatus(status).map { .escapeSequences(status: $0) }
        case ("drop-after-processing", nil): return .dropAfterProcessing
        case ("lying-pages", let total?): return Int(total).map { .lyingPageCounts(totalItems: $0, fullPages: false) }
        case ("lying-full-pages", let total?): return Int(total).map { .lyingPageCounts(totalItems: $0, fullPages: true) }
        case ("many-deltas", let arguments?):
            guard let (count, text) = countAndText(arguments) else { return nil }
            return .manyDeltas(count: count, text: text)
        case ("tool-storm", let arguments?):
            let parts = arguments.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let calls = Int(parts[0]), calls >= 0, let perChunk = Int(parts[1]), perChunk >= 1 else { return nil }
            return .toolCallStorm(calls: calls, perChunk: perChunk)
        case ("deep-args", let arguments?):
            let parts = arguments.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let depth = Int(parts[0]), depth >= 1 else { return nil }
            guard parts.count == 1 || parts[1] == "object" else { return nil }
            return .deepArguments(depth: depth, asObject: parts.count == 2)
        case ("repeat-index", let times?): return Int(times).flatMap { $0 >= 0 ? .repeatedChoiceIndex(times: $0) : nil }
        case ("error-object", let arguments?):
            let parts = arguments.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let status = parseStatus(parts[0]), let bytes = Int(parts[1]), bytes >= 0 else { return nil }
            return .errorObject(status: status, messageBytes: bytes)
        case ("echo-encoded", let arguments?):
            let parts = arguments.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let status = parseStatus(parts[0]), let encoding = encodings[parts[1]] else { return nil }
            return .echoSecretsEncoded(status: status, encoding: encoding)
        case ("empty-chunks", let arguments?):
            let parts = arguments.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let interval = parseDuration(parts[0]), let kind = emptyChunkKinds[parts[1]] else { return nil }
            return .endlessEmptyChunks(interval: interval, kind: kind)
        case ("flawed", let flaw?): return answerFlaws[flaw].map { .flawedAnswer($0) }
        case ("proxy-error", let kind?): return proxyErrors[kind].map { .proxyError($0) }
        case ("reversed-embeddings", nil): return .reversedEmbeddings
        case ("oversized-audio", let bytes?): return Int(bytes).flatMap { $0 >= 0 ? .oversizedAudio(bytes: $0) : nil }
        case ("invalid-base64", nil): return .invalidBase64
        case ("truncated", nil): return .truncatedBody
        case ("long-args", let arguments?):
            guard let (pieces, text) = countAndText(arguments) else { return nil }
            return .longToolArguments(pieces: pieces, pieceText: text)
        default: return nil
        }
    }

    /// `COUNT:TEXT`: a count of at least 0 and the text after the first colon (which may hold
    /// colons, and may be empty).
    static func countAndText(_ arguments: String) -> (Int, String)? {
        guard let colon = arguments.firstIndex(of: ":"), let count = Int(arguments[..<colon]), count >= 0 else { return nil }
        return (count, String(arguments[arguments.index(after: colon)...]))
    }

    /// A status code from 100 to 599.
    static func parseStatus(_ text: String) -> Int? {
        Int(text).flatMap { (100...599).contains($0) ? $0 : nil }
    }

    /// `250ms`, `2s`, or plain seconds; up to a day (`nil` beyond, or for `inf`, `nan`, negatives).
    static func parseDuration(_ text: String) -> Duration? {
        let milliseconds: Double?
        if text.hasSuffix("ms") {
            milliseconds = Double(text.dropLast(2))
        } else if text.hasSuffix("s") {
            milliseconds = Double(text.dropLast()).map { $0 * 1000 }
        } else {
            milliseconds = Double(text).map { $0 * 1000 }
        }
        guard let milliseconds, milliseconds >= 0, milliseconds <= 86_400_000 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }
}
