import Hummingbird

/// What an upload's parts amount to, built event by event as the multipart body streams in:
/// the file part (its name, type and size, never its bytes) and the text parts.
struct UploadedForm {
    /// Why a body could not be read as a form.
    enum ReadError: Error {
        /// The request is not `multipart/form-data` with a usable boundary.
        case notMultipart
        /// The multipart body is malformed or truncated.
        case malformed
    }

    /// The longest text part kept (longer ones are cut).
    static let maxTextPartBytes = 1024

    /// The file part.
    struct File {
        /// The part's `filename`, `nil` when it has none.
        var filename: String?
        var contentType: String?
        var byteCount: Int
    }

    private enum CurrentPart {
        case file
        case text(name: String, bytes: [UInt8])
        case ignored
    }

    /// The name of the file part (`audioFile`, `file`).
    let fileField: String
    private(set) var file: File?
    /// The text parts by name (the first of a name is kept).
    private(set) var text: [String: String] = [:]
    private var current = CurrentPart.ignored

    /// An empty form whose file part is named `fileField`.
    init(fileField: String) {
        self.fileField = fileField
    }

    /// Reads the multipart body of `request` as it streams in.
    ///
    /// - Throws: ``ReadError`` for a body that is not a well-formed form; the body stream's
    ///   error when the connection fails.
    static func read(_ request: Request, fileField: String) async throws -> UploadedForm {
        guard let contentType = request.headers[.contentType] else { throw ReadError.notMultipart }
        let header = HeaderParameters(parsing: contentType)
        guard header.value.lowercased() == "multipart/form-data",
            let boundary = header.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200
        else {
            throw ReadError.notMultipart
        }
        var parser = MultipartStreamParser(boundary: boundary)
        var form = UploadedForm(fileField: fileField)
        do {
            for try await chunk in request.body {
                try parser.feed(chunk) { form.handle($0) }
            }
            try parser.finish()
        } catch is MultipartStreamParser.ParseError {
            throw ReadError.malformed
        }
        return form
    }

    mutating func handle(_ event: MultipartStreamParser.Event) {
        switch event {
        case .partBegan(let headers):
            switch headers.name {
            case self.fileField?:
                self.file = File(filename: headers.filename, contentType: headers.contentType, byteCount: 0)
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
                let room = Self.maxTextPartBytes - collected.count
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
