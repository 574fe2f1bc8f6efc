import Hummingbird

/// LLMaaS `/v1/files`: uploads for batches, stored in memory, and their content (see
/// <doc:LLMaaSRoutes>).
struct LLMaaSFileRoutes: Sendable {
    /// The pieces a file's content is written in.
    static let writeSize = 64 * 1024

    let state: MockServerState

    /// `POST /v1/files`: multipart, `purpose` `batch` and a `file` part with a filename, of at
    /// most ``BatchStore/maxFileBytes``.
    func upload(_ input: RouteRequest) async throws -> Response {
        let form: StoredUploadForm
        do {
            form = try await StoredUploadForm.read(input.request, maxFileBytes: BatchStore.maxFileBytes)
        } catch UploadedForm.ReadError.notMultipart {
            return OpenAIErrors.response(.badRequest, message: "Expected a multipart/form-data body with a boundary.", param: "file")
        } catch UploadedForm.ReadError.malformed {
            return OpenAIErrors.response(.badRequest, message: "Malformed multipart body.", param: "file")
        }
        guard let purpose = form.text["purpose"], !purpose.isEmpty else {
            return OpenAIErrors.response(.badRequest, message: "The 'purpose' part is required.", param: "purpose")
        }
        guard purpose == "batch" else {
            return OpenAIErrors.response(.badRequest, message: "'\(purpose)' is not a supported purpose: use 'batch'.", param: "purpose")
        }
        guard let file = form.file, let filename = file.filename, !filename.isEmpty else {
            return OpenAIErrors.response(.badRequest, message: "The 'file' part, with a filename, is required.", param: "file")
        }
        guard !form.fileTooLarge else {
            return OpenAIErrors.response(
                .contentTooLarge,
                message: "The file is larger than \(BatchStore.maxFileBytes) bytes.",
                param: "file",
                code: "file_too_large"
            )
        }
        guard file.bytes.readableBytes > 0 else {
            return OpenAIErrors.response(.badRequest, message: "The file is empty.", param: "file")
        }
        do {
            let stored = try self.state.batches.upload(filename: filename, purpose: purpose, bytes: file.bytes)
            return LLMaaSResponses.json(stored.json, quota: self.state.llmaasQuota)
        } catch {
            return OpenAIErrors.response(
                .contentTooLarge,
                message: "The server's file storage is full.",
                param: "file",
                code: "storage_full"
            )
        }
    }

    /// `GET /v1/files/{id}`.
    func describe(_ input: RouteRequest) -> Response {
        guard let file = self.file(input) else { return Self.notFound(input) }
        return LLMaaSResponses.json(file.json, quota: self.state.llmaasQuota)
    }

    /// `GET /v1/files/{id}/content`: the bytes as stored, `application/jsonl`, written in
    /// pieces of ``writeSize``.
    func content(_ input: RouteRequest) -> Response {
        guard let file = self.file(input) else { return Self.notFound(input) }
        var headers = self.state.llmaasQuota.nextHeaders()
        headers[.contentType] = "application/jsonl"
        let bytes = file.bytes
        let body = ResponseBody(contentLength: bytes.readableBytes) { writer in
            var offset = 0
            while offset < bytes.readableBytes {
                let length = min(Self.writeSize, bytes.readableBytes - offset)
                try await writer.write(bytes.getSlice(at: bytes.readerIndex + offset, length: length)!)
                offset += length
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private func file(_ input: RouteRequest) -> BatchStore.File? {
        input.context.parameters.get("id").flatMap { self.state.batches.file(id: $0) }
    }

    private static func notFound(_ input: RouteRequest) -> Response {
        let id = input.context.parameters.get("id") ?? ""
        return OpenAIErrors.response(.notFound, message: "No such File object: \(id)", param: "id", code: "file_not_found")
    }
}
