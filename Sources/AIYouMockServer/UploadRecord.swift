/// What the server saw of the last audio upload.
public struct UploadRecord: Sendable, Equatable {
    /// The file name of the `audioFile` part.
    public var filename: String
    /// The `Content-Type` of the `audioFile` part, if it had one.
    public var fileContentType: String?
    /// The number of bytes in the `audioFile` part.
    public var byteCount: Int
    /// The `language` text part, if sent.
    public var language: String?
    /// The `format` text part, if sent.
    public var format: String?

    /// Creates an upload record.
    ///
    /// - Parameters:
    ///   - filename: The file name of the audio part.
    ///   - fileContentType: Its content type.
    ///   - byteCount: Its size in bytes.
    ///   - language: The `language` part.
    ///   - format: The `format` part.
    public init(filename: String, fileContentType: String?, byteCount: Int, language: String?, format: String?) {
        self.filename = filename
        self.fileContentType = fileContentType
        self.byteCount = byteCount
        self.language = language
        self.format = format
    }
}
