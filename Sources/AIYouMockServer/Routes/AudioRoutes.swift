import Hummingbird
import NIOConcurrencyHelpers

/// `POST /api/v1/audio/transcriptions`: reads the multipart body as a stream, counting the
/// bytes of the `audioFile` part, and answers a transcription naming the file and its size.
struct AudioRoutes: Sendable {
    let state: MockServerState

    /// The longest text part (`language`, `format`) kept.
    static let maxTextPartBytes = 1024

    func transcribe(_ input: RouteRequest) async throws -> Response {
        guard let contentType = input.request.headers[.contentType] else {
            return MockResponses.badRequest("Expected a multipart/form-data body.")
        }
        let header = HeaderParameters(parsing: contentType)
        guard header.value.lowercased() == "multipart/form-data",
            let boundary = header.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200
        else {
            return MockResponses.badRequest("Expected a multipart/form-data body with a boundary.")
        }

        var parser = MultipartStreamParser(boundary: boundary)
        var form = UploadedForm()
        do {
            for try await chunk in input.request.body {
                try parser.feed(chunk) { form.handle($0) }
            }
            try parser.finish()
        } catch is MultipartStreamParser.ParseError {
            return MockResponses.badRequest("Malformed multipart body.")
        }

        guard let file = form.file else {
            return MockResponses.badRequest("The \"audioFile\" part is required.")
        }
        let upload = UploadRecord(
            filename: file.filename,
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

/// What an upload's parts amount to, built event by event.
struct UploadedForm {
    /// The `audioFile` part.
    struct File {
        var filename: String
        var contentType: String?
        var byteCount: Int
    }

    private enum CurrentPart {
        case file
        case text(name: String, bytes: [UInt8])
        case ignored
    }

    private(set) var file: File?
    private(set) var text: [String: String] = [:]
    private var current = CurrentPart.ignored

    mutating func handle(_ event: MultipartStreamParser.Event) {
        switch event {
        case .partBegan(let headers):
            switch headers.name {
            case "audioFile"?:
                self.file = File(filename: headers.filename ?? "audio", contentType: headers.contentType, byteCount: 0)
                self.current = .file
            case let name? where headers.filename == nil:
                self.current = .text(name: name, bytes: [])
            default:
                self.current = .ignored
            }
        case .bodyBytes(let bytes):
            switch self.current {
            case .file:
                self.file?.byteCount += bytes.readableBytes
            case .text(let name, var collected):
                let room = AudioRoutes.maxTextPartBytes - collected.count
                if room > 0 {
                    collected += bytes.readableBytesView.prefix(room)
                }
                self.current = .text(name: name, bytes: collected)
            case .ignored:
                break
            }
        case .partEnded:
            if case .text(let name, let bytes) = self.current, self.text[name] == nil {
                self.text[name] = String(decoding: bytes, as: UTF8.self)
            }
            self.current = .ignored
        }
    }
}
