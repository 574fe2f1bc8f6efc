import Foundation
import Logging

extension AIYouClient {
    /// The largest audio file the service accepts: 25 MiB.
    public static let maxAudioFileBytes = 25 * 1024 * 1024

    /// File extensions the service transcribes, with the content type sent for each.
    public static let supportedAudioTypes: [String: String] = ["mp3": "audio/mpeg", "wav": "audio/wav", "m4a": "audio/mp4"]

    /// Transcribes an audio file (AI.YOU `POST /api/v1/audio/transcriptions`, LLMaaS
    /// `POST /v1/audio/transcriptions`). The file is streamed from disk in 64 KiB chunks as
    /// `multipart/form-data` (part `audioFile` on AI.YOU, `file` on LLMaaS, with its file name),
    /// never read into memory whole; a retry streams it again from the start.
    /// - Parameters:
    ///   - path: An `.mp3`, `.wav` or `.m4a` file of at most 25 MiB.
    ///   - language: The spoken language as an ISO code (`fr`, `en-GB`), when known.
    ///   - format: The answer format the service should use: on AI.YOU any format name (e.g.
    ///     `text`, sent as `format`); on LLMaaS, which answers JSON only, `json` or `verbose_json`
    ///     (sent as `response_format`).
    ///   - initialPrompt: Context or vocabulary that helps the recognition (LLMaaS only, sent as
    ///     `initial_prompt`).
    ///   - task: ``TranscriptionTask/transcribe`` or ``TranscriptionTask/translate`` into English
    ///     (LLMaaS only).
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The text, and on LLMaaS the language and the timed segments.
    /// - Throws: ``AIYouError`` — before anything is sent: ``AIYouError/Code/invalidRequest`` when
    ///   the file is missing, empty, too large, of another type, `language` or `format` is
    ///   malformed, `format` is not a JSON format on LLMaaS, or `initialPrompt` is empty;
    ///   ``AIYouError/Code/unsupported`` when `initialPrompt` or `task` is given on AI.YOU.
    ///   Otherwise the service's or the network's error.
    public func transcribe(
        fileAt path: String,
        language: String? = nil,
        format: String? = nil,
        initialPrompt: String? = nil,
        task: TranscriptionTask? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws
        -> Transcription
    {
        try configuration.api.require(.transcription)
        let upload = try Self.audioUpload(
            path: path,
            language: language,
            format: format,
            initialPrompt: initialPrompt,
            task: task,
            api: configuration.api
        )
        let request = try APIRequest(.transcription, on: configuration.api, body: .multipart(upload))
        return try await pipeline.decode(Transcription.self, request, options: options)
    }

    /// Validates the file and options and describes the multipart body.
    static func audioUpload(
        path: String,
        language: String?,
        format: String?,
        initialPrompt: String? = nil,
        task: TranscriptionTask? = nil,
        api: ServiceAPI = .aiyou
    ) throws(AIYouError) -> MultipartUpload {
        let isLLMaaS = api == .llmaas
        if !isLLMaaS {
            if initialPrompt != nil {
                throw AIYouError(
                    .unsupported,
                    "audio: initialPrompt is not offered by AI.YOU; it is available with configuration.api = .llmaas"
                )
            }
            if task != nil {
                throw AIYouError(.unsupported, "audio: task is not offered by AI.YOU; it is available with configuration.api = .llmaas")
            }
        }
        let fileName = (path as NSString).lastPathComponent
        let fileExtension = (fileName as NSString).pathExtension.lowercased()
        guard let contentType = supportedAudioTypes[fileExtension] else {
            throw .invalidRequest(
                "audio: \"\(fileName)\" is not a supported audio file; use .mp3, .wav or .m4a"
            )
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .invalidRequest("audio: \"\(fileName)\" does not exist or cannot be read")
        }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw .invalidRequest("audio: \"\(fileName)\" is not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { throw .invalidRequest("audio: \"\(fileName)\" is empty") }
        guard size <= maxAudioFileBytes else {
            throw .invalidRequest("audio: \"\(fileName)\" is \(size) bytes; the limit is \(maxAudioFileBytes) bytes (25 MiB)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .invalidRequest("audio: \"\(fileName)\" cannot be read")
        }
        var fields: [MultipartUpload.Field] = []
        if let language {
            let valid =
                !language.isEmpty && language.count <= 16
                && language.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.letters.contains($0)) || $0 == "-" || $0 == "_" }
            guard valid else { throw .invalidRequest("audio: language \"\(language)\" is not an ISO language code such as \"fr\"") }
            fields.append(.init(name: "language", value: language))
        }
        if let format {
            let valid =
                !format.isEmpty && format.count <= 32
                && format.unicodeScalars.allSatisfy {
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0))
                }
            guard valid else { throw .invalidRequest("audio: format \"\(format)\" is not a format name such as \"text\"") }
            if isLLMaaS {
                guard format == "json" || format == "verbose_json" else {
                    throw .invalidRequest(
                        "audio: LLMaaS answers JSON only; format must be \"json\" or \"verbose_json\" (got \"\(format)\")"
                    )
                }
                fields.append(.init(name: "response_format", value: format))
            } else {
                fields.append(.init(name: "format", value: format))
            }
        }
        if let initialPrompt {
            guard !initialPrompt.allSatisfy(\.isWhitespace) else { throw .invalidRequest("audio: initialPrompt is empty") }
            fields.append(.init(name: "initial_prompt", value: initialPrompt))
        }
        if let task { fields.append(.init(name: "task", value: task.rawValue)) }
        return MultipartUpload(
            fields: fields,
            fileField: isLLMaaS ? "file" : "audioFile",
            filePath: path,
            fileName: fileName,
            fileContentType: contentType,
            fileSize: size
        )
    }
}
