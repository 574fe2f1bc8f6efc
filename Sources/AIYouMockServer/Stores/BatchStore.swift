import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The files and batches of the LLMaaS batch routes, in memory, and how batches move: one step
/// per ``readsPerStep`` reads of the batch (see <doc:LLMaaSRoutes>).
final class BatchStore: Sendable {
    /// The largest file an upload may hold (the LLMaaS documentation's 100 MB).
    static let maxFileBytes = 100_000_000
    /// The most bytes all uploads together may hold.
    static let maxUploadedBytes = 1_000_000_000
    /// The seeded batch that has completed.
    static let demoBatchID = "batch_demo"
    /// The seeded batch that stays `in_progress` until it is cancelled.
    static let demoRunningBatchID = "batch_demo_running"

    /// A stored file.
    struct File: Sendable {
        var id: String
        var filename: String
        var purpose: String
        var bytes: ByteBuffer
        var createdAt: Int

        var json: JSONValue {
            [
                "id": .string(self.id), "object": "file", "bytes": .int(self.bytes.readableBytes), "created_at": .int(self.createdAt),
                "filename": .string(self.filename), "purpose": .string(self.purpose), "status": "processed",
            ]
        }
    }

    /// A batch and what it will do.
    private struct Batch: Sendable {
        let id: String
        let number: Int
        let endpoint: String
        let inputFileID: String
        let completionWindow: String
        let metadata: JSONValue
        let createdAt: Int
        let outcome: MockBatchOutcome
        /// The result lines, or the errors that refuse the input file.
        let plan: BatchRunner.Plan
        var status = "validating"
        var times: [(key: String, value: Int)] = []
        var completed = 0
        var failed = 0
        var errors: [JSONValue] = []
        var outputFileID: String?
        var errorFileID: String?
        var reads = 0
        /// Stays `in_progress` until cancelled (the seeded running batch).
        var held = false
        /// The status a cancellation was asked in.
        var cancelledFrom: String?

        var lines: [BatchRunner.Line] {
            if case .run(let lines) = self.plan { lines } else { [] }
        }
    }

    private struct State: Sendable {
        var files: [String: File] = [:]
        var uploadedBytes = 0
        var batches: [String: Batch] = [:]
        /// Batch ids, oldest first.
        var order: [String] = []
        var nextFile = 1
        var nextBatch = 1
        var outcomes: [MockBatchOutcome] = []
        var readsPerStep = 1
    }

    private let state = NIOLockedValueBox(State())

    init() {
        self.seedDemo()
    }

    /// How many reads of a batch move it one step (at least 1).
    var readsPerStep: Int {
        get { self.state.withLockedValue { $0.readsPerStep } }
        set { self.state.withLockedValue { $0.readsPerStep = max(1, newValue) } }
    }

    /// Queues outcomes for the next batches created.
    func enqueue(_ outcomes: [MockBatchOutcome]) {
        self.state.withLockedValue { $0.outcomes += outcomes }
    }

    /// Why an upload is not stored.
    enum UploadRefusal: Error {
        case storeFull
    }

    /// Stores an uploaded file.
    func upload(filename: String, purpose: String, bytes: ByteBuffer) throws(UploadRefusal) -> File {
        let now = Self.now
        let result: Result<File, UploadRefusal> = self.state.withLockedValue { state in
            guard state.uploadedBytes + bytes.readableBytes <= Self.maxUploadedBytes else { return .failure(.storeFull) }
            state.uploadedBytes += bytes.readableBytes
            let file = File(id: Self.fileID(&state), filename: filename, purpose: purpose, bytes: bytes, createdAt: now)
            state.files[file.id] = file
            return .success(file)
        }
        return try result.get()
    }

    /// The file with this id.
    func file(id: String) -> File? {
        self.state.withLockedValue { $0.files[id] }
    }

    /// Creates a batch over the input file; the answer is the batch, `validating`.
    func create(
        inputFileID: String,
        endpoint: String,
        completionWindow: String,
        metadata: JSONValue
    ) throws(LLMaaSRequestError) -> JSONValue {
        let claimed: (file: File, number: Int, outcome: MockBatchOutcome)? = self.state.withLockedValue { state in
            guard let file = state.files[inputFileID] else { return nil }
            defer { state.nextBatch += 1 }
            let outcome = state.outcomes.isEmpty ? .completed : state.outcomes.removeFirst()
            return (file, state.nextBatch, outcome)
        }
        guard let (file, number, outcome) = claimed else {
            throw LLMaaSRequestError(
                status: .notFound,
                message: "No such File object: \(inputFileID)",
                param: "input_file_id",
                code: "file_not_found"
            )
        }
        guard file.purpose == "batch" else {
            throw .invalid("The file \(inputFileID) was not uploaded with purpose 'batch'.", param: "input_file_id")
        }
        // The work of the whole batch is done now, outside the lock; reads only reveal it.
        let plan = BatchRunner.plan(file.bytes, batch: number)
        let batch = Batch(
            id: "batch_\(String(format: "%08x", number))",
            number: number,
            endpoint: endpoint,
            inputFileID: inputFileID,
            completionWindow: completionWindow,
            metadata: metadata,
            createdAt: Self.now,
            outcome: outcome,
            plan: plan
        )
        return self.state.withLockedValue { state in
            state.batches[batch.id] = batch
            state.order.append(batch.id)
            return Self.json(batch)
        }
    }

    /// The batch with this id after moving it on (one step per ``readsPerStep`` reads).
    func read(id: String) -> JSONValue? {
        self.state.withLockedValue { state in
            guard var batch = state.batches[id] else { return nil }
            batch.reads += 1
            if batch.reads >= state.readsPerStep {
                batch.reads = 0
                Self.advance(&batch, state: &state)
            }
            state.batches[id] = batch
            return Self.json(batch)
        }
    }

    /// Asks for the batch to be cancelled: `cancelling` until its next step, then `cancelled`.
    /// A batch already cancelling or cancelled is answered as it is.
    func cancel(id: String) throws(LLMaaSRequestError) -> JSONValue {
        let answer: Result<JSONValue, LLMaaSRequestError> = self.state.withLockedValue { state in
            guard var batch = state.batches[id] else { return .failure(Self.notFound(id)) }
            switch batch.status {
            case "validating", "in_progress", "finalizing":
                batch.cancelledFrom = batch.status
                batch.status = "cancelling"
                batch.times.append((key: "cancelling_at", value: Self.now))
                state.batches[id] = batch
            case "cancelling", "cancelled":
                break
            default:
                return .failure(.invalid("Cannot cancel a batch with status '\(batch.status)'.", param: nil))
            }
            return .success(Self.json(batch))
        }
        return try answer.get()
    }

    /// The batches, most recent first: `limit` of them after the one with id `after`.
    func list(limit: Int, after: String?) throws(LLMaaSRequestError) -> JSONValue {
        let answer: Result<JSONValue, LLMaaSRequestError> = self.state.withLockedValue { state in
            var ids = Array(state.order.reversed())
            if let after {
                guard let position = ids.firstIndex(of: after) else { return .failure(Self.notFound(after)) }
                ids.removeFirst(position + 1)
            }
            let page = ids.prefix(limit).compactMap { state.batches[$0] }
            return .success(
                [
                    "object": "list",
                    "data": .array(page.map(Self.json)),
                    "first_id": page.first.map { .string($0.id) } ?? .null,
                    "last_id": page.last.map { .string($0.id) } ?? .null,
                    "has_more": .bool(ids.count > limit),
                ]
            )
        }
        return try answer.get()
    }

    static func notFound(_ id: String) -> LLMaaSRequestError {
        LLMaaSRequestError(status: .notFound, message: "No batch found with id '\(id)'.", param: "batch_id", code: "batch_not_found")
    }

    // MARK: - Progression

    /// One step of `batch`'s life.
    private static func advance(_ batch: inout Batch, state: inout State) {
        let lines = batch.lines
        switch batch.status {
        case "validating":
            var refusal: [JSONValue]?
            if case .refused(let errors) = batch.plan { refusal = errors }
            if batch.outcome == .failed { refusal = [BatchRunner.error("mock_failure", "Injected failure.", param: nil, line: nil)] }
            if let refusal {
                batch.status = "failed"
                batch.errors = refusal
                batch.times.append((key: "failed_at", value: Self.now))
            } else {
                batch.status = "in_progress"
                batch.times.append((key: "in_progress_at", value: Self.now))
            }
        case "in_progress" where batch.held:
            break
        case "in_progress":
            switch batch.outcome {
            case .expired:
                let ran = lines.count / 2
                var results = Array(lines[..<ran])
                for index in ran..<lines.count {
                    results.append(BatchRunner.expiredLine(customID: lines[index].customID, batch: batch.number, index: index))
                }
                Self.publish(results, of: &batch, state: &state)
                batch.status = "expired"
                batch.times.append((key: "expired_at", value: Self.now))
            case .cancelled:
                batch.cancelledFrom = "in_progress"
                batch.status = "cancelling"
                batch.times.append((key: "cancelling_at", value: Self.now))
            default:
                Self.count(lines, in: &batch)
                batch.status = "finalizing"
                batch.times.append((key: "finalizing_at", value: Self.now))
            }
        case "finalizing":
            Self.publish(lines, of: &batch, state: &state)
            batch.status = "completed"
            batch.times.append((key: "completed_at", value: Self.now))
        case "cancelling":
            let ran: Int =
                switch batch.cancelledFrom {
                case "in_progress": lines.count / 2
                case "finalizing": lines.count
                default: 0
                }
            Self.publish(Array(lines[..<ran]), of: &batch, state: &state)
            batch.status = "cancelled"
            batch.times.append((key: "cancelled_at", value: Self.now))
        default:
            break
        }
    }

    /// Counts the lines' results into the batch.
    private static func count(_ lines: [BatchRunner.Line], in batch: inout Batch) {
        batch.completed = lines.count { $0.succeeded }
        batch.failed = lines.count - batch.completed
    }

    /// Stores the result files of `lines` and counts them: answers in the output file, the
    /// requests not run in the error file (neither is created empty).
    private static func publish(_ lines: [BatchRunner.Line], of batch: inout Batch, state: inout State) {
        Self.count(lines, in: &batch)
        var output = ByteBuffer()
        var errors = ByteBuffer()
        var outputLines = 0
        for line in lines {
            if line.toErrorFile {
                errors.writeString(line.text)
                errors.writeStaticString("\n")
                continue
            }
            outputLines += 1
            if case .malformedLine(outputLines) = batch.outcome {
                output.writeString(String(line.text.prefix(line.text.count / 2)))
            } else {
                output.writeString(line.text)
            }
            output.writeStaticString("\n")
        }
        let now = Self.now
        if output.readableBytes > 0 {
            let file = File(
                id: Self.fileID(&state),
                filename: "\(batch.id)_output.jsonl",
                purpose: "batch_output",
                bytes: output,
                createdAt: now
            )
            state.files[file.id] = file
            batch.outputFileID = file.id
        }
        if errors.readableBytes > 0 {
            let file = File(
                id: Self.fileID(&state),
                filename: "\(batch.id)_error.jsonl",
                purpose: "batch_output",
                bytes: errors,
                createdAt: now
            )
            state.files[file.id] = file
            batch.errorFileID = file.id
        }
    }

    // MARK: - Answers

    private static func json(_ batch: Batch) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (key: "id", value: .string(batch.id)),
            (key: "object", value: "batch"),
            (key: "endpoint", value: .string(batch.endpoint)),
            (
                key: "errors",
                value: batch.errors.isEmpty ? .null : ["object": "list", "data": .array(batch.errors)]
            ),
            (key: "input_file_id", value: .string(batch.inputFileID)),
            (key: "completion_window", value: .string(batch.completionWindow)),
            (key: "status", value: .string(batch.status)),
            (key: "output_file_id", value: batch.outputFileID.map { .string($0) } ?? .null),
            (key: "error_file_id", value: batch.errorFileID.map { .string($0) } ?? .null),
            (key: "created_at", value: .int(batch.createdAt)),
            (key: "expires_at", value: .int(batch.createdAt + 86_400)),
        ]
        for time in batch.times { members.append((key: time.key, value: .int(time.value))) }
        members.append(
            (
                key: "request_counts",
                value: ["total": .int(batch.lines.count), "completed": .int(batch.completed), "failed": .int(batch.failed)]
            )
        )
        members.append((key: "metadata", value: batch.metadata))
        return .object(members)
    }

    private static var now: Int { Int(Date().timeIntervalSince1970) }

    private static func fileID(_ state: inout State) -> String {
        defer { state.nextFile += 1 }
        return "file-\(String(format: "%08x", state.nextFile))"
    }

    // MARK: - Demo

    /// The seeded batches: ``demoBatchID`` completed over three requests (a chat, an
    /// embedding, one naming an unknown model), ``demoRunningBatchID`` in progress over the same
    /// file, held there until it is cancelled.
    private func seedDemo() {
        let input =
            [
                #"{"custom_id":"demo-chat","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-oss:120b","messages":[{"role":"user","content":"Bonjour"}]}}"#,
                #"{"custom_id":"demo-embedding","method":"POST","url":"/v1/embeddings","body":{"model":"granite-embedding:278m","input":["Bonjour"]}}"#,
                #"{"custom_id":"demo-unknown-model","method":"POST","url":"/v1/chat/completions","body":{"model":"no-such-model","messages":[{"role":"user","content":"Bonjour"}]}}"#,
            ].joined(separator: "\n") + "\n"
        self.state.withLockedValue { state in
            let file = File(
                id: "file-demo-input",
                filename: "demo.jsonl",
                purpose: "batch",
                bytes: ByteBuffer(string: input),
                createdAt: Self.now
            )
            state.files[file.id] = file
            for (id, held) in [(Self.demoBatchID, false), (Self.demoRunningBatchID, true)] {
                let number = state.nextBatch
                state.nextBatch += 1
                var batch = Batch(
                    id: id,
                    number: number,
                    endpoint: "/v1/chat/completions",
                    inputFileID: file.id,
                    completionWindow: "24h",
                    metadata: .null,
                    createdAt: Self.now,
                    outcome: .completed,
                    plan: BatchRunner.plan(file.bytes, batch: number)
                )
                batch.held = held
                let steps = held ? 1 : 3
                for _ in 0..<steps { Self.advance(&batch, state: &state) }
                state.batches[id] = batch
                state.order.append(id)
            }
        }
    }
}
