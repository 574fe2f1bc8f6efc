import Hummingbird
import NIOCore

/// A response body described by its parts and generated as it is written, so that an answer of
/// any size costs the server one write's worth of memory.
///
/// Writes carry at most ``HostileBodies/maxWriteSize`` bytes; small parts are batched up to
/// that size (a part repeated many times is written as one prepared batch over and over).
/// Before each write the body checks whether its client has gone or the server is stopping,
/// and stops at once if so.
struct LazyBody: Sendable {
    enum Part: Sendable {
        /// This text, once.
        case text(String)
        /// This text, `count` times.
        case repeated(String, count: Int)
        /// `count` pieces, piece `n` (from 0) made by the function when it is written.
        case generated(count: Int, piece: @Sendable (Int) -> String)
    }

    private(set) var parts: [Part] = []

    /// Appends `text`.
    mutating func append(_ text: String) {
        self.parts.append(.text(text))
    }

    /// Appends `text` `count` times (none for a count below 1).
    mutating func append(_ text: String, times count: Int) {
        if count > 0 { self.parts.append(.repeated(text, count: count)) }
    }

    /// Appends `count` pieces, made when written.
    mutating func append(count: Int, piece: @escaping @Sendable (Int) -> String) {
        if count > 0 { self.parts.append(.generated(count: count, piece: piece)) }
    }

    /// Writes the whole body, then finishes the response.
    ///
    /// - Throws: ``ConnectionDroppedError`` once the client has gone or the server is stopping
    ///   (the connection is then closed); the writer's errors.
    func write(to writer: inout any ResponseBodyWriter, watch: ClientWatch) async throws {
        try await watch.guarding {
            var output = Output(watch: watch)
            for part in self.parts {
                switch part {
                case .text(let text):
                    try await output.append(text, to: &writer)
                case .repeated(let text, let count):
                    try await output.append(text, times: count, to: &writer)
                case .generated(let count, let piece):
                    for index in 0..<count {
                        try await output.append(piece(index), to: &writer)
                    }
                }
            }
            try await output.flush(to: &writer)
        }
        try await writer.finish(nil)
    }

    /// The bytes waiting to be written, and the writes.
    private struct Output {
        let watch: ClientWatch
        var pending = Self.emptyBuffer()

        static func emptyBuffer() -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(HostileBodies.maxWriteSize)
            return buffer
        }

        mutating func append(_ text: String, to writer: inout any ResponseBodyWriter) async throws {
            let size = text.utf8.count
            if self.pending.readableBytes + size > HostileBodies.maxWriteSize {
                try await self.flush(to: &writer)
            }
            guard size > HostileBodies.maxWriteSize else {
                self.pending.writeString(text)
                return
            }
            var whole = ByteBuffer(string: text)
            while whole.readableBytes > 0 {
                let slice = whole.readSlice(length: min(HostileBodies.maxWriteSize, whole.readableBytes))!
                try await self.emit(slice, to: &writer)
            }
        }

        mutating func append(_ text: String, times count: Int, to writer: inout any ResponseBodyWriter) async throws {
            let size = text.utf8.count
            guard count > 0, size > 0 else { return }
            guard size <= HostileBodies.maxWriteSize / 2 else {
                for _ in 0..<count {
                    try await self.append(text, to: &writer)
                }
                return
            }
            var remaining = count
            while remaining > 0, self.pending.readableBytes + size <= HostileBodies.maxWriteSize {
                self.pending.writeString(text)
                remaining -= 1
            }
            guard remaining > 0 else { return }
            try await self.flush(to: &writer)
            let perBatch = HostileBodies.maxWriteSize / size
            if remaining >= perBatch {
                var batch = ByteBuffer()
                batch.reserveCapacity(perBatch * size)
                for _ in 0..<perBatch {
                    batch.writeString(text)
                }
                while remaining >= perBatch {
                    try await self.emit(batch, to: &writer)
                    remaining -= perBatch
                }
            }
            for _ in 0..<remaining {
                self.pending.writeString(text)
            }
        }

        mutating func flush(to writer: inout any ResponseBodyWriter) async throws {
            guard self.pending.readableBytes > 0 else { return }
            try await self.emit(self.pending, to: &writer)
            self.pending = Self.emptyBuffer()
        }

        private func emit(_ buffer: ByteBuffer, to writer: inout any ResponseBodyWriter) async throws {
            if self.watch.isAbandoned { throw ConnectionDroppedError() }
            try await writer.write(buffer)
        }
    }
}
