import Foundation
import NIOCore
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AIYouClient {
    /// Reads a text aloud (LLMaaS `POST /v1/audio/speech`, OpenAI-compatible) and returns the
    /// audio as it arrives, once the service has accepted the request.
    ///
    /// ```swift
    /// let request = SpeechRequest(model: "kokoro:82m", input: "Bonjour et bienvenue.", voice: "ff_siwis", format: .wav)
    /// let audio = try await client.speech(request)
    /// let bytes = try await audio.collect()   // or iterate `audio` chunk by chunk
    /// ```
    /// The request is not idempotent (each call generates, and is billed): it is sent again only
    /// when the service did not process it (see ``Configuration/Retry``).
    /// - Parameters:
    ///   - request: The text, model, voice, format and speed.
    ///   - maxBytes: The most bytes of audio read; ``Configuration/Limits/maxResponseBodyBytes``
    ///     (32 MiB by default: about 11 minutes of 24 kHz 16-bit mono WAV) when `nil`. Raise it
    ///     for longer uncompressed audio: the audio is never held whole unless you collect it.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The audio, read as you iterate it (see ``SpeechAudio`` for its bounds and
    ///   deadlines).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU and
    ///   ``AIYouError/Code/invalidRequest`` for an invalid request (a blank model, text or voice, a
    ///   speed outside 0.25…4, a `maxBytes` below 1), both before anything is sent;
    ///   ``AIYouError/Code/apiError`` when the service refuses (an error status, or a JSON error
    ///   object under a 2xx status); ``AIYouError/Code/decoding`` when a 2xx answer is not audio
    ///   (its content type is neither `audio/…` nor `application/octet-stream`);
    ///   ``AIYouError/Code/limitExceeded`` when the service announces more than `maxBytes`;
    ///   otherwise the service's or the network's error.
    public func speech(
        _ request: SpeechRequest,
        maxBytes: Int? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws -> SpeechAudio {
        try configuration.api.require(.speech)
        try request.validate()
        let limit = maxBytes ?? configuration.limits.maxResponseBodyBytes
        guard limit >= 1 else { throw AIYouError.invalidRequest("maxBytes must be at least 1 (got \(limit))", operation: .speech) }
        var apiRequest = try APIRequest(.speech, on: configuration.api, json: SpeechRequestBody(request: request), accept: .audio)
        apiRequest.call = CallDescription(model: request.model)
        // The call's observer lasts until the audio has been read, not until it opens.
        return try await pipeline.open(apiRequest, options: options) { response, mapping, observation in
            guard case .stream(let body) = response.body else { throw Self.notAudio(response, mapping: mapping) }
            let announced = response.headers.first(name: "content-length").flatMap { Int($0) }
            if let announced, announced > limit {
                body.close()
                throw AIYouError(
                    .limitExceeded,
                    "the service announces \(announced) bytes of audio, more than \(limit) (maxBytes); nothing was read",
                    status: response.status,
                    operation: .speech
                )
            }
            return SpeechAudio(
                body: body,
                status: response.status,
                mapping: mapping,
                contentType: response.headers.first(name: "content-type").map { mapping.redactor.clean($0, limit: 128) } ?? "",
                announcedByteCount: announced,
                maxBytes: limit,
                observation: observation
            )
        }
    }

    /// Reads a text aloud (LLMaaS `POST /v1/audio/speech`) into the file at `path`, written as
    /// the audio arrives: never held in memory whole.
    ///
    /// ```swift
    /// let request = SpeechRequest(model: "kokoro:82m", input: "Bonjour et bienvenue.", voice: "ff_siwis", format: .mp3)
    /// let file = try await client.speech(request, toFileAt: "/tmp/bienvenue.mp3")
    /// print(file.byteCount, file.contentType)
    /// ```
    /// The audio goes to a temporary file beside `path` (created before the request is sent, so
    /// that a path that cannot be written fails without a billed call), which replaces `path` once
    /// the whole audio is in. When the call fails, the temporary file is removed and `path` is left
    /// as it was.
    /// - Parameters:
    ///   - request: The text, model, voice, format and speed.
    ///   - path: Where to write the audio; its directory must exist. An existing file is replaced.
    ///   - maxBytes: The most bytes of audio written (see ``speech(_:maxBytes:options:)``).
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The path, the bytes written and the answer's content type.
    /// - Throws: ``AIYouError`` as ``speech(_:maxBytes:options:)`` and its ``SpeechAudio`` do;
    ///   ``AIYouError/Code/invalidRequest`` before sending when `path` is empty, is a directory, or
    ///   its directory does not exist or cannot be written, and while writing when the disk refuses
    ///   the bytes.
    public func speech(
        _ request: SpeechRequest,
        toFileAt path: String,
        maxBytes: Int? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws -> SpeechFile {
        try configuration.api.require(.speech)
        try request.validate()
        let file = try AudioFileWriter(path: path)
        do {
            let audio = try await speech(request, maxBytes: maxBytes, options: options)
            var written = 0
            for try await chunk in audio {
                try file.write(chunk)
                written += chunk.readableBytes
            }
            try file.commit()
            return SpeechFile(path: path, byteCount: written, contentType: audio.contentType)
        } catch {
            file.discard()
            throw error
        }
    }

    /// The error for a 2xx answer that is not audio: the service's error object when it sent one,
    /// else a decoding error naming the content type.
    static func notAudio(_ response: TransportResponse, mapping: ErrorMapping) -> AIYouError {
        let contentType = response.headers.first(name: "content-type") ?? "none"
        struct NotAudio: Error {}
        var error = mapping.decodingError(
            body: response.wholeBody,
            status: response.status,
            operation: .speech,
            expected: "audio",
            underlying: NotAudio()
        )
        if error.code == .decoding {
            error.message = mapping.redactor.clean(
                "the answer is not audio (content type \(contentType))",
                limit: ErrorMapping.maxMessageLength
            )
        }
        return error
    }
}

/// Writes audio to a temporary file beside its destination, then moves it into place. One call
/// owns it, in one task.
final class AudioFileWriter {
    let path: String
    private let temporaryPath: String
    private var descriptor: Int32

    /// Opens the temporary file. Throws ``AIYouError/Code/invalidRequest`` when `path` cannot be
    /// written.
    init(path: String) throws(AIYouError) {
        let shown = SafeText.escapingControlCharacters(path, keepingLineBreaks: false)
        guard !path.isEmpty else { throw .invalidRequest("the output path is empty", operation: .speech) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .invalidRequest("\"\(shown)\" is a directory", operation: .speech)
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidRequest("the directory of \"\(shown)\" does not exist", operation: .speech)
        }
        self.path = path
        self.temporaryPath =
            url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).aiyou-\(UInt64.random(in: .min ... .max)).partial").path
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw .invalidRequest("cannot write in the directory of \"\(shown)\" (\(String(cString: strerror(errno))))", operation: .speech)
        }
    }

    deinit {
        discard()
    }

    /// Appends `chunk`. Throws ``AIYouError/Code/invalidRequest`` when the disk refuses it.
    func write(_ chunk: ByteBuffer) throws(AIYouError) {
        let descriptor = self.descriptor
        let failure: Int32? = chunk.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let result = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if result > 0 {
                    offset += result
                } else if result < 0, errno == EINTR {
                    continue
                } else {
                    return result < 0 ? errno : EIO
                }
            }
            return nil
        }
        if let failure { throw .invalidRequest("writing the audio failed (\(String(cString: strerror(failure))))", operation: .speech) }
    }

    /// Closes the file and moves it to ``path``.
    func commit() throws(AIYouError) {
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0, rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .invalidRequest(
                "the audio could not be moved to \"\(SafeText.escapingControlCharacters(path, keepingLineBreaks: false))\" (\(reason))",
                operation: .speech
            )
        }
    }

    /// Closes and removes the temporary file (does nothing after ``commit()``).
    func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }
}

/// The C library's `write`, named apart from ``AudioFileWriter/write(_:)``.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
