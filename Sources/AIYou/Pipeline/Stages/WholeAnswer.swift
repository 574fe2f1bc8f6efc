import NIOCore

/// Decodes a successful answer read whole: the endpoint's fast path for the common shape when it
/// has one, else `JSONDecoder` behind ``JSONGuard`` (value count and nesting depth bounded).
enum WholeAnswer {
    /// - Throws: ``AIYouError/Code/limitExceeded`` when the answer holds more JSON values than its
    ///   size allows, ``AIYouError/Code/decoding`` (naming the expected type, with a redacted
    ///   excerpt) when it does not decode.
    static func decode<Output: Decodable>(
        _ type: Output.Type,
        from response: TransportResponse,
        fastPath: (@Sendable (UnsafeRawBufferPointer) -> Output?)?,
        scope: CallScope
    ) throws -> Output {
        let body = response.wholeBody
        if let fastPath, let output = body.withUnsafeReadableBytes(fastPath) { return output }
        do {
            return try JSONCoding.decode(Output.self, from: body)
        } catch JSONGuard.Violation.tooManyValues(let limit) {
            throw AIYouError(
                .limitExceeded,
                "the answer holds more than \(limit) JSON values for its \(body.readableBytes) bytes; it was not decoded",
                status: response.status,
                operation: scope.request.operation
            )
        } catch {
            throw scope.mapping.decodingError(
                body: body,
                status: response.status,
                operation: scope.request.operation,
                expected: String(describing: Output.self),
                underlying: error
            )
        }
    }
}
