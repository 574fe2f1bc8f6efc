import Hummingbird

/// `POST /api/v1/audio/transcriptions`: reads the multipart body as a stream, counting the
/// bytes of the `audioFile` part, and answers a transcription naming the file and its size.
struct AudioRoutes: Sendable {
    let state: MockServerState

    func transcribe(_ input: RouteRequest) async throws -> Response {
        let form: UploadedForm
        do {
            form = try await UploadedForm.read(input.request, fileField: "audioFile")
        } catch UploadedForm.ReadError.notMultipart {
            return MockResponses.badRequest("Expected a multipart/form-data body with a boundary.")
        } catch UploadedForm.ReadError.malformed {
            return MockResponses.badRequest("Malformed multipart body.")
        }

        guard let file = form.file else {
            return MockResponses.badRequest("The \"audioFile\" part is required.")
        }
        let upload = UploadRecord(
            filename: file.filename ?? "audio",
            fileContentType: file.contentType,
            byteCount: file.byteCount,
            language: form.text["language"],
            format: form.text["format"]
        )
        self.state.lastUpload.withLockedValue { $0 = upload }

        var transcription = "Transcription de \(upload.filename) (\(upload.byteCount) octets)"
        if let language = upload.language, !language.isEmpty {
            transcription += " [\(language)]"
        }
        return MockResponses.json(["transcription": .string(transcription)])
    }
}
