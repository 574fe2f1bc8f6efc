import Hummingbird

/// The parts of a file upload (`POST /v1/files`) read as the multipart body streams in, keeping
/// the file part's bytes up to a cap: beyond it the rest of the body is read and dropped, and the
/// form says the file was too large.
struct StoredUploadForm {
    /// The file part.
    struct File {
        /// The part's `filename`, `nil` when it has none.
        var filename: String?
        /// The bytes kept (all of them unless ``StoredUploadForm/fileTooLarge``).
        var bytes = ByteBuffer()
    }

    private enum CurrentPart {
        case file
        case text(name: String, bytes: [UInt8])
        case ignored
    }

    /// The most bytes of the file part kept.
    let maxFileBytes: Int
    private(set) var file: File?
    /// Whether the file part went beyond ``maxFileBytes``.
    private(set) var fileTooLarge = false
    /// The text parts by name (the first of a name is kept, cut at 1 KiB).
    private(set) var text: [String: String] = [:]
    private var current = CurrentPart.ignored

    /// Reads the multipart body of `request`; the file part is named `file`.
    ///
    /// - Throws: ``UploadedForm/ReadError`` for a body that is not a well-formed form; the body
    ///   stream's error when the connection fails.
    static func read(_ request: Request, maxFileBytes: Int) async throws -> StoredUploadForm {
        guard let contentType = request.headers[.contentType] else { throw UploadedForm.ReadError.notMultipart }
        let header = HeaderParameters(parsing: contentType)
        guard header.value.lowercased() == "multipart/form-data",
            let boundary = header.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200
        else {
            throw UploadedForm.ReadError.notMultipart
        }
        var parser = MultipartStreamParser(boundary: boundary)
        var form = StoredUploadForm(maxFileBytes: maxFileBytes)
        do {
            for try await chunk in request.body {
                try parser.feed(chunk) { form.handle($0) }
            }
            try parser.finish()
        } catch is MultipartStreamParser.ParseError {
            throw UploadedForm.ReadError.malformed
        }
        return form
    }

    private init(maxFileBytes: Int) {
        self.maxFileBytes = maxFileBytes
    }

    private mutating func handle(_ event: MultipartStreamParser.Event) {
        switch event {
        case .partBegan(let headers):
            switch headers.name {
            case "file"? where self.file == nil:
                self.file = File(filename: headers.filename)
                self.current = .file
            case let name? where headers.filename == nil:
                self.current = .text(name: name, bytes: [])
            default:
                self.current = .ignored
            }
        case .bodyBytes(var bytes):
            switch self.current {
            case .file:
                guard !self.fileTooLarge else { return }
                if (self.file?.bytes.readableBytes ?? 0) + bytes.readableBytes > self.maxFileBytes {
                    self.fileTooLarge = true
                    self.file?.bytes = ByteBuffer()
                } else {
                    self.file?.bytes.writeBuffer(&bytes)
                }
            case .text(let name, var collected):
                let room = UploadedForm.maxTextPartBytes - collected.count
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
