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
/// ``dropStreamAfter(events:)`` on the chat routes — and the hostile chat answers
/// (``manyDeltas(count:text:)``, ``toolCallStorm(calls:perChunk:)``,
/// ``deepArguments(depth:asObject:)``, ``repeatedChoiceIndex(times:)``,
/// ``endlessEmptyChunks(interval:kind:)``, ``longToolArguments(pieces:pieceText:)``)
/// authenticate first like a normal request: a request refused with 401 gets its 401 (and a
/// queued fault is used up all the same). On a route they do not apply to, these faults leave
/// the normal answer.
///
/// The hostile chat answers share one envelope: the id `chatcmpl-mock-<n>`, the current Unix
/// time as `created`, the request's `model` when it is a non-empty string (else `mock-model`);
/// on the LLMaaS routes the quota headers of a successful answer. They read nothing else of the
/// request body than `stream` and `model` (the body is not checked), ignore
/// ``MockAIYouServer/streamChunkInterval``, are generated as they are written in writes of at
/// most 64 KiB, and stop writing as soon as the client goes away or the server begins to stop.
///
/// Every fault works on the LLMaaS routes (see <doc:LLMaaSRoutes>) as on the AI.YOU ones; the
/// "chat routes" are AI.YOU's ``MockRoute/chatCompletions`` and LLMaaS's
/// ``MockRoute/llmaasChatCompletions`` and ``MockRoute/llmaasCompletions``. The error bodies the
/// server writes on an LLMaaS route are OpenAI-shaped,
/// `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
///
/// The endless faults (``endlessComments(interval:)``, ``tailAfterDone``,
/// ``drip(status:interval:)``, ``endlessEmptyChunks(interval:kind:)``), ``oversizedStreamLine(bytes:)``
/// and the large answers of the hostile chat faults write until they are done,
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
    /// On the chat routes of both dialects (authenticated): an answer made of `count` pieces of
    /// `text`, streamed when the request's body has `"stream": true`, whole otherwise.
    ///
    /// Streamed (LLMaaS): `count` content chunks whose delta is `{"content":text}` (the first one
    /// `{"role":"assistant","content":text}`), then a chunk with `"delta":{}` and
    /// `"finish_reason":"stop"`, a chunk with `"choices":[]` and the usage
    /// `{"prompt_tokens":1,"completion_tokens":count,"total_tokens":count+1}`, and
    /// `data: [DONE]`. On the AI.YOU route the chunks have the AI.YOU stream's shape and framing
    /// (in the alternate shape: `event:`/`id:` lines, the JSON over two `data:` lines, no
    /// `[DONE]`), and the usage rides on the finish chunk, as in its normal stream.
    ///
    /// Whole: the route's normal non-streamed answer whose one message has `text` repeated
    /// `count` times as its content (on the AI.YOU route in the server's shape), finish reason
    /// `stop`, and the same usage.
    ///
    /// See <doc:InjectingFaults> for the envelope every hostile chat answer shares. A negative
    /// count is taken as 0. Events are batched into writes of at most 64 KiB.
    case manyDeltas(count: Int, text: String)
    /// On the LLMaaS chat routes (authenticated): one choice making `calls` calls of
    /// `get_weather`, call *n* (from 0) with the id `call_<n>` and the arguments
    /// `{"city":"c<n>"}`.
    ///
    /// Streamed: each call is two pieces — the opening
    /// `{"index":n,"id":"call_<n>","type":"function","function":{"name":"get_weather","arguments":""}}`
    /// and the arguments `{"index":n,"function":{"arguments":"{\"city\":\"c<n>\"}"}}` — and the
    /// `2 × calls` pieces, in order, are packed `perChunk` to a chunk's `delta.tool_calls` (the
    /// first chunk's delta also has `"role":"assistant","content":null`); then a chunk with
    /// `"delta":{}` and `"finish_reason":"tool_calls"`, and `data: [DONE]`.
    ///
    /// Whole: `message.tool_calls` holds all the calls, finish reason `tool_calls`. Negative
    /// counts are taken as 0, a `perChunk` below 1 as 1.
    case toolCallStorm(calls: Int, perChunk: Int)
    /// On the LLMaaS chat routes (authenticated): one call `call_0` of `get_weather` whose
    /// arguments are JSON objects nested `depth` deep, `{"a":{"a":…{"a":1}…}}` (`depth` times
    /// `{"a":`, then `1`, then `depth` times `}`; a depth below 1 is taken as 1).
    ///
    /// With `asObject` false the arguments are a JSON string, as vLLM sends them: streamed, an
    /// opening piece (`id`, `type`, `name`, `"arguments":""`) then the arguments text in
    /// fragments of 4,096 bytes. With `asObject` true `function.arguments` is the JSON object
    /// itself, as Ollama sends it: streamed, in the opening piece. Then a chunk with
    /// `"finish_reason":"tool_calls"` and `data: [DONE]`. Whole: `message.tool_calls` holds the
    /// call, with its arguments in the same form.
    case deepArguments(depth: Int, asObject: Bool)
    /// On the LLMaaS chat routes (authenticated): `times` choices that all claim `index` 0.
    ///
    /// Streamed: one chunk whose `choices` array holds `times` entries
    /// `{"index":0,"delta":{"content":"x","tool_calls":[{"index":0,"id":"call_<n>","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},"finish_reason":null}`
    /// (`n` from 0), then `data: [DONE]`. Whole: `choices` holds `times` entries
    /// `{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"x","tool_calls":[…call_<n>…]}}`.
    /// A negative count is taken as 0.
    case repeatedChoiceIndex(times: Int)
    /// On every route (before authentication): answers `status` (200 is the interesting one)
    /// with `Content-Type: application/json` and an error object whose message M echoes the
    /// request's bearer token: the token, `x` padding, the token again, `messageBytes` UTF-8
    /// bytes in all (never less than the two tokens). The token is the value after `Bearer ` in
    /// `Authorization`, else the whole header value, else `none`.
    ///
    /// LLMaaS routes: `{"error":{"message":M,"type":"server_error","param":null,"code":null}}`;
    /// AI.YOU routes: `{"object":"error","message":M,"type":"server_error","code":status}`. When
    /// the request's body has `"stream": true`: 200 `text/event-stream` with the one event
    /// `data: <the same object>\n\n`, then the stream ends (no `[DONE]`). The body is generated
    /// as it is written, chunked. Statuses outside 200…999 and the bodiless 204 and 304 are
    /// answered as 500.
    case errorObject(status: Int, messageBytes: Int)
    /// On every route (before authentication): like ``echoSecrets(status:)``, answers `status`
    /// with a JSON error (OpenAI-shaped on an LLMaaS route, `{"message":M,"code":status}` on an
    /// AI.YOU one) echoing the secrets the server saw in this request — the bearer value of
    /// `Authorization`, and on login the `email` and `password` of the body — but written in
    /// `encoding` (see ``MockSecretEncoding``).
    ///
    /// In the JSON text M is `Credentials rejected: ` followed by the encoded secrets separated
    /// by spaces (`none` when the request carried none). The same text goes in the
    /// `x-request-id` header when it is printable ASCII and at most 4,096 bytes. Statuses outside
    /// 200…999 and the bodiless 204 and 304 are answered as 500.
    case echoSecretsEncoded(status: Int, encoding: MockSecretEncoding)
    /// On the chat routes of both dialects (authenticated): 200 `text/event-stream`, then one
    /// chunk every `interval` (at least 1 ms) that adds nothing — per ``MockEmptyChunk`` — until
    /// the client goes away or the server begins to stop. Never a finish reason, never
    /// `[DONE]`. On the AI.YOU route the chunks have its envelope and the server's framing.
    case endlessEmptyChunks(interval: Duration, kind: MockEmptyChunk)
    /// On the LLMaaS chat routes (authenticated): one call `call_0` of `get_weather` whose
    /// arguments are `{"q":"` + `pieceText` repeated `pieces` times + `"}`.
    ///
    /// Streamed, the arguments arrive as `pieces + 2` fragments: the opening piece (`id`,
    /// `type`, `name`, the first delta also with `"role":"assistant","content":null`) carries
    /// `{"q":"`, then one chunk per piece carries `pieceText`, then one carries `"}`; then a
    /// chunk with `"finish_reason":"tool_calls"` and `data: [DONE]`. Whole: the joined
    /// arguments. A negative count is taken as 0.
    case longToolArguments(pieces: Int, pieceText: String)
    /// On the chat routes of both dialects (authenticated), for a request that asks for JSON —
    /// `response_format` `json_schema` or `json_object` on LLMaaS, or a JSON Schema instruction
    /// in a system prompt in either dialect (see <doc:LLMaaSRoutes>) — the route's JSON answer
    /// spoiled as `flaw` says, streamed or whole. A request that asks for no JSON gets its
    /// normal answer. Queue it to answer badly before answering well (what a client's repair
    /// meets); make it persistent for a model that never gets it right.
    case flawedAnswer(MockAnswerFlaw)
    /// On every route (before authentication): the error body of an OpenAI-compatible proxy
    /// described by the ``MockProxyError`` (a code as a string or number, a `"None"` type, a
    /// printed Python dict or a traceback as the message, an unknown model in the words of
    /// Ollama, vLLM or LiteLLM), with its status; the bodies echo the bearer token.
    case proxyError(MockProxyError)
    /// On `POST /v1/embeddings` (authenticated): the normal answer with its `data` items written
    /// in reverse `index` order (the last input's vector first), as some servers send them; a
    /// client must put them back in input order by `index`. On every other route: the route's
    /// normal answer.
    case reversedEmbeddings
    /// On `POST /v1/audio/speech` (before authentication): 200 `audio/wav`, chunked (no
    /// `Content-Length`), a 44-byte WAV header announcing the whole length, then silence,
    /// `bytes` bytes in all (at least the header). The body is generated as it is written, in
    /// writes of at most 64 KiB, and writing stops as soon as the client goes away or the server
    /// begins to stop. On every other route: the route's normal answer.
    case oversizedAudio(bytes: Int)
    /// On `POST /v1/images/generations` and `POST /v1/embeddings` (authenticated): the normal
    /// answer with every base64 text replaced by `not*base64!` — each image's `b64_json` (also
    /// when links were asked for), each `embedding` (also when decimal numbers were asked for).
    /// On every other route: the route's normal answer.
    case invalidBase64
    /// On every route (authenticated): the route's answer, whatever its status, with its
    /// `Content-Length` but only the first half of its body (rounded down), after which the
    /// connection is closed. An answer written without a length (a stream) is cut in the middle
    /// of its first write instead. A request refused with 401 gets its whole 401.
    case truncatedBody
}
