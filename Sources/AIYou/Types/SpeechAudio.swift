import Foundation
import NIOCore
import Synchronization

/// The audio of a text-to-speech answer as it arrives: an `AsyncSequence` of byte chunks, read
/// from the connection as you iterate (at most about 64 KiB is held ahead of you).
///
/// ```swift
/// let audio = try await client.speech(SpeechRequest(model: "kokoro:82m", input: "Bonjour", voice: "ff_siwis", format: .wav))
/// var received = 0
/// for try await chunk in audio {
///     received += chunk.readableBytes   // hand chunk.readableBytesView to a player, a file, a socket…
/// }
/// ```
///
/// Iterate it once. Leaving the loop early (or cancelling the task) closes the connection. The
/// sequence is bounded and has deadlines: more than ``maxBytes`` bytes end it with
/// ``AIYouError/Code/limitExceeded`` (the connection is closed, nothing more is read); while you
/// wait for audio, at least 4 KiB of it (or its end) must arrive within
/// ``Configuration/Timeouts/streamIdle``, else ``AIYouError/Code/timeout``; a connection that
/// breaks (an answer shorter than its `Content-Length`, say) ends it with
/// ``AIYouError/Code/network`` after the chunks that did arrive; an answer that ends before any
/// byte is ``AIYouError/Code/decoding``.
public struct SpeechAudio: AsyncSequence, Sendable {
    /// Each element is a non-empty piece of the audio, in order.
    public typealias Element = ByteBuffer

    /// The answer's content type as the service sent it (e.g. `audio/wav`; control characters
    /// escaped, at most 128 characters); empty when it sent none.
    public let contentType: String
    /// The length the service announced (`Content-Length`), when it did.
    public let announcedByteCount: Int?
    /// The most bytes this answer may hold.
    public let maxBytes: Int

    /// The bytes of audio that reset the idle timeout: a server that sends less than this per
    /// ``Configuration/Timeouts/streamIdle`` is as silent as one that sends nothing.
    static let progressBytes = 4096

    private let source: Source

    init(
        body: any EventStreamSource,
        status: Int,
        mapping: ErrorMapping,
        contentType: String,
        announcedByteCount: Int?,
        maxBytes: Int,
        observation: (any CallObserver)?
    ) {
        self.contentType = contentType
        self.announcedByteCount = announcedByteCount
        self.maxBytes = maxBytes
        self.source = Source(body: body, status: status, mapping: mapping, maxBytes: maxBytes, observation: observation)
    }

    /// Starts reading the audio. A second iteration throws instead of reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// Reads the whole audio into memory (at most ``maxBytes`` bytes). Throws ``AIYouError`` as
    /// the iteration does.
    public func collect() async throws -> Data {
        var data = Data()
        if let announcedByteCount, announcedByteCount <= maxBytes { data.reserveCapacity(announcedByteCount) }
        for try await chunk in self {
            data.append(contentsOf: chunk.readableBytesView)
        }
        return data
    }

    /// Reads the audio chunk by chunk.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let source: Source
        /// Closes the connection when the iteration is abandoned.
        private let lifetime: Lifetime?
        private var received = 0
        private var sinceProgress = 0
        private var finished = false

        init(source: Source) {
            self.source = source
            self.lifetime = source.claim() ? Lifetime(source) : nil
        }

        /// The next piece of audio, or `nil` at its end. Throws ``AIYouError``.
        public mutating func next() async throws -> ByteBuffer? {
            guard lifetime != nil else {
                guard !finished else { return nil }
                finished = true
                throw AIYouError(.invalidRequest, "a SpeechAudio can be iterated only once", operation: .speech)
            }
            guard !finished else { return nil }
            do {
                let chunk = try await advance()
                if chunk == nil { source.observation?.finish(error: nil) }
                return chunk
            } catch {
                finished = true
                source.body.close()
                source.observation?.finish(error: error)
                throw error
            }
        }

        private mutating func advance() async throws -> ByteBuffer? {
            let operation = AIYouOperation.speech
            while true {
                source.body.waitingForEvent()
                let part: ByteBuffer?
                do {
                    part = try await source.body.next()
                } catch {
                    let failure = error as? TransportError ?? TransportError(.broken, ErrorMapping.describe(error), underlying: error)
                    var mapped = source.mapping.error(for: failure, operation: .speech)
                    if mapped.code == .network || mapped.code == .timeout {
                        mapped.message = SafeText.escapingControlCharacters(
                            "the audio stopped after \(received) bytes (\(failure.reason))",
                            keepingLineBreaks: false
                        )
                    }
                    throw mapped
                }
                guard let part else {
                    finished = true
                    source.body.eventDelivered()
                    if received == 0 {
                        throw AIYouError(
                            .decoding,
                            "the answer holds no audio",
                            status: source.status,
                            bodyExcerpt: "",
                            operation: operation
                        )
                    }
                    return nil
                }
                guard part.readableBytes > 0 else { continue }
                guard part.readableBytes <= source.maxBytes - received else {
                    throw AIYouError(
                        .limitExceeded,
                        "the audio is larger than \(source.maxBytes) bytes (maxBytes); the connection was closed",
                        status: source.status,
                        operation: operation
                    )
                }
                received += part.readableBytes
                sinceProgress += part.readableBytes
                if sinceProgress >= SpeechAudio.progressBytes {
                    sinceProgress = 0
                    source.body.eventDelivered()
                }
                return part
            }
        }
    }

    /// The answer, read by one iterator only.
    final class Source: Sendable {
        let body: any EventStreamSource
        let status: Int
        let mapping: ErrorMapping
        let maxBytes: Int
        let observation: (any CallObserver)?
        private let claimed = Atomic<Bool>(false)

        init(body: any EventStreamSource, status: Int, mapping: ErrorMapping, maxBytes: Int, observation: (any CallObserver)?) {
            self.body = body
            self.status = status
            self.mapping = mapping
            self.maxBytes = maxBytes
            self.observation = observation
        }

        deinit {
            // Never iterated: let go of the connection instead of holding it until a timeout.
            if !claimed.load(ordering: .relaxed) {
                body.close()
                observation?.finish(error: nil)
            }
        }

        /// `true` for the first caller only.
        func claim() -> Bool {
            !claimed.exchange(true, ordering: .relaxed)
        }
    }

    /// Closes the connection when the iterator goes away, so that a loop left early releases it
    /// at once. (Once the body has ended, closing does nothing.)
    final class Lifetime: Sendable {
        let source: Source

        init(_ source: Source) {
            self.source = source
        }

        deinit {
            source.body.close()
            source.observation?.finish(error: nil)
        }
    }
}

/// Where ``AIYouClient/speech(_:toFileAt:maxBytes:options:)`` wrote the audio.
public struct SpeechFile: Sendable, Hashable {
    /// The file's path, as given.
    public var path: String
    /// The bytes written.
    public var byteCount: Int
    /// The answer's content type (see ``SpeechAudio/contentType``).
    public var contentType: String

    /// A result with the given values.
    public init(path: String, byteCount: Int, contentType: String) {
        self.path = path
        self.byteCount = byteCount
        self.contentType = contentType
    }
}
