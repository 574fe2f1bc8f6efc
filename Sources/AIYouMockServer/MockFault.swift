/// A misbehaviour the server plays instead of (or before) its normal answer.
///
/// Queue faults with ``MockAIYouServer/enqueueFaults(_:for:)``: each request to the route
/// consumes one fault, in order, after it has been counted and recorded and before
/// authentication; once the queue is empty the route answers normally again.
public enum MockFault: Sendable, Equatable {
    /// Answers with this status, body and headers. A `nil` body sends a JSON error object
    /// `{"message": …, "code": status}`; a given body is sent as is (`application/json` unless
    /// `headers` sets another `Content-Type`). Statuses 204 and 304 never carry a body; codes
    /// outside 200…999 are answered as 500.
    case status(Int, body: String? = nil, headers: [String: String] = [:])
    /// Answers 429 with this `Retry-After` value and a JSON error body.
    case rateLimited(retryAfter: String)
    /// Waits this long, then answers normally.
    case delay(Duration)
    /// Never answers; the request ends when the client closes the connection or the server
    /// shuts down, and the connection is then closed without a response.
    case hang
    /// Closes the connection without sending any response.
    case dropConnection
    /// For a streamed chat completion: sends this many content events, then closes the
    /// connection abruptly (no final chunk, no `[DONE]`). Elsewhere it acts as ``dropConnection``.
    case dropStreamAfter(events: Int)
    /// Answers 200 `application/json` with a truncated, unparsable JSON body.
    case malformedJSON
    /// Answers 200 `text/event-stream` with an event whose data is not JSON.
    case malformedSSE
    /// Answers 200 `text/html` with `<html>oops</html>`.
    case wrongContentType
    /// Answers 200 `application/json` with an empty body.
    case emptyBody
}
