/// A misbehaviour the server plays instead of (or before) its normal answer.
///
/// Queue faults with ``MockAIYouServer/enqueueFaults(_:for:)``: each request to the route
/// consumes one fault, in order, after it has been counted and recorded; once the queue is
/// empty the route's persistent fault (``MockAIYouServer/setPersistentFault(_:for:)``) applies,
/// if any, else the random failure rate, else the route answers normally.
///
/// Most faults answer before authentication, so they apply to requests without a valid token
/// too. The faults that alter or withhold the route's own answer — ``absurdNumbers``,
/// ``dropAfterProcessing``, ``lyingPageCounts(totalItems:fullPages:)``, ``tailAfterDone`` and
/// ``dropStreamAfter(events:)`` on the chat routes — authenticate first like a normal request:
/// a request refused with 401 gets its 401 (and a queued fault is used up all the same).
///
/// Every fault works on the LLMaaS routes (see <doc:LLMaaSRoutes>) as on the AI.YOU ones; the
/// "chat routes" are AI.YOU's ``MockRoute/chatCompletions`` and LLMaaS's
/// ``MockRoute/llmaasChatCompletions`` and ``MockRoute/llmaasCompletions``. The error bodies the
/// server writes on an LLMaaS route are OpenAI-shaped,
/// `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
///
/// The endless faults (``endlessComments(interval:)``, ``tailAfterDone``,
/// ``drip(status:interval:)``) and ``oversizedStreamLine(bytes:)`` write until they are done,
/// the client has gone, or the server begins to stop, whichever comes first; they notice the
/// last two within a few milliseconds and then close the connection, so ``MockAIYouServer/shutdown()``
/// never waits for them, even when the client has stopped reading.
public enum MockFault: Sendable, Equatable {
    /// Answers with this status, body and headers. A `nil` body sends a JSON error object
    /// `{"message": …, "code": status}`, or on an LLMaaS route
    /// `{"error":{"message":"Injected failure","type":T,"param":null,"code":C}}` with T
    /// `invalid_request_error` (4xx), `authentication_error` (401), `permission_error` (403),
    /// `rate_limit_error` (429), `service_unavailable_error` (503), `server_error` (other 5xx)
    /// or `api_error`, and C `invalid_api_key` (401), `rate_limit_exceeded` (429) or `null`; a
    /// given body is sent as is (`application/json` unless `headers` sets another
    /// `Content-Type`). Statuses 204 and 304 never carry a body; codes
    /// outside 200…999 are answered as 500.
    case status(Int, body: String? = nil, headers: [String: String] = [:])
    /// Answers 429 with this `Retry-After` value and a JSON error body.
    ///
    /// AI.YOU routes also get `X-RateLimit-Limit-Requests: 60` and
    /// `X-RateLimit-Remaining-Requests: 0`. LLMaaS routes get the OpenAI error
    /// (`rate_limit_error`, code `rate_limit_exceeded`), `X-RateLimit-Limit-Requests: 1000`,
    /// `X-RateLimit-Remaining-Requests: 0` and `X-RateLimit-Reset-Requests`, the Unix time in
    /// seconds `retryAfter` seconds from now (one minute when it is not a number of seconds).
    case rateLimited(retryAfter: String)
    /// Waits this long, then answers normally.
    case delay(Duration)
    /// Never answers; the request ends when the client closes the connection or the server
    /// shuts down, and the connection is then closed without a response.
    case hang
    /// Closes the connection without sending any response.
    case dropConnection
    /// For a streamed chat completion (either dialect): sends this many content events, then
    /// closes the connection abruptly (no final chunk, no usage chunk, no `[DONE]`); the content
    /// events of an LLMaaS tool-call answer are its tool-call chunks. A non-streamed request on a
    /// chat route is dropped without an answer. Elsewhere it acts as ``dropConnection``.
    case dropStreamAfter(events: Int)
    /// Answers 200 `application/json` with a truncated, unparsable JSON body.
    case malformedJSON
    /// Answers 200 `text/event-stream` with an event whose data is not JSON.
    case malformedSSE
    /// Answers 200 `text/html` with `<html>oops</html>`.
    case wrongContentType
    /// Answers 200 `application/json` with an empty body.
    case emptyBody
    /// On the chat routes: answers 200 `text/event-stream` (whatever the request asked for)
    /// with `data: ` followed by `bytes` bytes of `a` and no line break, then `\n\n` and
    /// `data: [DONE]\n\n`. On every other route: answers 200 `application/json` with
    /// `{"x":"aaa…"}`, `bytes` bytes in all (at least the 8 bytes of `{"x":""}`). A negative
    /// count is taken as 0.
    ///
    /// Both bodies are chunked (no `Content-Length`) and generated as they are written, in
    /// writes of at most 64 KiB, so the server never holds more than one such write; writing
    /// stops at once when the client goes away.
    case oversizedStreamLine(bytes: Int)
    /// On every route: answers 200 `text/event-stream` and writes, forever, the comment line
    /// `: keep-alive\n`, then after `interval` a blank line `\n`, then after `interval` the
    /// comment again, and so on — never a data event — until the client goes away or the
    /// server begins to stop. Intervals under 1 ms are taken as 1 ms.
    case endlessComments(interval: Duration)
    /// On a streamed chat request (authenticated; either dialect): the normal stream through
    /// `data: [DONE]\n\n`, then endless further `data: {"tail":true}\n\n` events, written 128
    /// to a write with a pause of about 1 ms before each write, until the client goes away or
    /// the server begins to stop. In the alternate shape, whose streams have no `[DONE]`, the stream's
    /// normal end is followed by `data: [DONE]\r\n\r\n` and then the endless
    /// `data: {"tail":true}\r\n\r\n` events. On a non-streamed chat request and on every
    /// other route: the route's normal answer.
    case tailAfterDone
    /// On every route: answers `status` with `Content-Type: application/json` and no
    /// `Content-Length` (chunked), then writes the JSON error body
    /// `{"message":"The server is answering one byte at a time.","code":status}` (on an LLMaaS
    /// route the OpenAI error with that message) one byte per
    /// `interval`, starting over with its first byte after its last, until the client goes
    /// away or the server begins to stop.
    /// Intervals under 1 ms are taken as 1 ms; statuses outside 200…999 and the bodiless 204
    /// and 304 are answered as 500.
    case drip(status: Int, interval: Duration)
    /// The route's normal answer (authenticated), with every number the client reads replaced
    /// by an extreme (`1e300` is written as `1e+300`, `Int.max` as `9223372036854775807`):
    ///
    /// - login: `expires_at` is the number `1e300` instead of a date string.
    /// - chat, non-streamed and in every streamed chunk: `created` is `1e300`, the choice's
    ///   `index` is `9223372036854775807`; `usage` (non-streamed answer and final chunk) is
    ///   `prompt_tokens` and `completion_tokens` `9223372036854775807` with no `total_tokens`.
    /// - threads page: `totalItems` `9223372036854775807`, `itemsPerPage` `1`,
    ///   `currentPage` `-3` (the threads are the real page asked for).
    /// - assistants: always the Hydra collection (numeric ids, whatever the shape) with
    ///   `hydra:totalItems` `1e300`.
    /// - `GET /api/v1/models`: `total` `1e300`; the first model's `context_window` is the
    ///   number `1e300`, the second's the string `"99999999999999999999999999999"`.
    /// - `POST /api/v1/models`: in the catalogue, the first model listed has `context_window`
    ///   `1e300` and the second `"99999999999999999999999999999"`; a created model is
    ///   answered with `context_window` `1e300` (it is stored with its real value).
    /// - save: `createdAt` `1e300`.
    /// - delete and transcriptions, which carry no number: the normal answer.
    /// - LLMaaS chat and completions, non-streamed and in every streamed chunk: as the AI.YOU
    ///   chat (`created` `1e300`, choice `index` `9223372036854775807`, `usage` with both counts
    ///   `9223372036854775807` and no `total_tokens`, in the answer and the usage chunk).
    /// - LLMaaS embeddings: `prompt_tokens` and `total_tokens` `9223372036854775807`; the first
    ///   item of `data` has `index` `9223372036854775807`.
    /// - LLMaaS rerank (both versions): the first result's `index` is `9223372036854775807`,
    ///   every `relevance_score` `1e300`, `search_units` `9223372036854775807`.
    /// - LLMaaS models: the first model's `created` and `max_model_len` are `1e300`, the
    ///   second's `max_model_len` is `"99999999999999999999999999999"`.
    /// - LLMaaS transcriptions: the segment's `id` and `seek` are `9223372036854775807`, its
    ///   `start` and `end` `1e300`.
    case absurdNumbers
    /// On every route: answers `status` with the JSON error body
    /// `{"message": M, "type": T, "code": status}` (on an LLMaaS route
    /// `{"error":{"message": M, "type": T, "param": null, "code": …}}`) and the header `x-request-id: T`, where T is
    /// the request's `Authorization` header value (`none` when it has none) and M is 295 `x`
    /// characters, a space, the raw request body (read as UTF-8, invalid bytes replaced; for
    /// login it holds the email and password; empty on the transcriptions routes and for
    /// multipart bodies, which the server does not collect), a space and T. A client that cuts the message at 300 characters before redacting it leaks the
    /// first characters of the body. Statuses outside 200…999 and the bodiless 204 and 304 are
    /// answered as 500.
    case echoSecrets(status: Int)
    /// On every route: answers `status` with a JSON error body (OpenAI-shaped on an LLMaaS
    /// route) whose `message` and `type` both hold terminal control sequences — the colour sequence `\u{1B}[31mRED\u{1B}[0m`, the
    /// OSC title sequence `\u{1B}]0;pwned\u{07}`, a lone BEL `\u{07}`, a bare CR `\r`, a
    /// backspace `\u{08}` and the C1 control `\u{9B}` (CSI) — escaped in the JSON text as
    /// `\u001b`, `\u0007`, `\r`, `\b` and, for U+009B, its raw UTF-8 bytes `C2 9B`.
    ///
    /// The `x-request-id` header is `req-\u{9B}31mRED\u{9B}0m`: colour sequences opened by the
    /// C1 control CSI, sent as its UTF-8 bytes `C2 9B`, which HTTP/1 parsers accept as
    /// `obs-text`. ESC and BEL are kept out of the header on purpose: Hummingbird would send
    /// them (swift-http-types keeps them when a value is set leniently), but llhttp, and so
    /// AsyncHTTPClient, refuses the whole response ("invalid character in header"), and the
    /// body's sequences would never reach the client. Send such a header with
    /// ``bytes(status:headers:body:)`` to test that refusal. Statuses outside 200…999 and the
    /// bodiless 204 and 304 are answered as 500.
    case escapeSequences(status: Int)
    /// Authenticates and handles the request fully — `POST /api/v1/save` stores the thread,
    /// `DELETE` deletes it, a login issues a token, a chat answer is composed, an upload is
    /// read and recorded — then closes
    /// the connection without sending any response (a streamed chat answer's events are never
    /// written).
    case dropAfterProcessing
    /// On `GET /api/v1/user/threads` (authenticated, with the usual checks of `page` and
    /// `itemsPerPage`): the page answered with `totalItems` replaced by `totalItems`. With
    /// `fullPages` every page, whatever its number, holds exactly `itemsPerPage` generated
    /// threads with unique string ids `lie-<page>-<n>` (`n` from 1), so pages never run out;
    /// without it the real page is sent, empty beyond the stored threads. On every other
    /// route: the route's normal answer.
    case lyingPageCounts(totalItems: Int, fullPages: Bool)
    /// On every route: answers exactly `status`, `headers` and the raw `body` bytes (which may
    /// be invalid UTF-8), for fuzzing. `Content-Type` is `application/json` unless `headers`
    /// sets one; `Content-Length` is the body's length unless `headers` sets one, which is then
    /// sent as given even when it lies. Header names that are not valid tokens are skipped.
    /// In values NUL, CR and LF go out as spaces (swift-http-types replaces them, so a value
    /// cannot split the header block); every other byte, ESC and BEL included, goes out as
    /// given. Statuses outside 200…999 are answered as 500, and 204 and 304 are sent without
    /// the body.
    case bytes(status: Int, headers: [String: String], body: [UInt8])
}
