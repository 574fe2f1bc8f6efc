/// A way the embedded MCP server attacks its client, to prove that the client survives it (see
/// ``MockMCPConfiguration/hostility``, and ``MockAIYouServer/mcpHostility`` to change it while
/// the server runs).
///
/// Each mode breaks one rule of the protocol, or one limit a client must keep; everything else is
/// answered as usual. The modes that hold an answer open (``endlessNotifications``,
/// ``silentAnswer``) ignore `notifications/cancelled`, as a server that does not care would: they
/// end only when the client closes the connection or the server begins to stop, so
/// ``MockAIYouServer/mcpToolCallsInFlight`` returning to 0 proves that the client closed it.
public enum MockMCPHostility: Sendable, Hashable {
    /// How ``badSessionID(_:)`` spoils the session id.
    public enum SessionIDFlaw: Sendable, Hashable {
        /// Control characters among visible ones: ESC sequences (`ESC[31m`), BEL and DEL, which
        /// HTTP forbids in a field value (strict HTTP parsers refuse the whole answer).
        case controlCharacters
        /// Control characters that HTTP parsers let through: a tab (allowed in a field value) and
        /// the C1 control CSI (U+009B, the one-character `ESC[`) in UTF-8 (bytes from 0x80 are
        /// allowed as obsolete text); only the client's own check of the id can refuse them.
        case permittedControlCharacters
        /// 10,240 visible characters.
        case tooLong
    }

    /// `tools/list` gives the first page of tools with a `nextCursor`, and answers every cursor
    /// with that same page and that same cursor: a client that follows cursors without
    /// remembering them never ends.
    case loopingCursor
    /// Every page of `tools/list` holds ``MockMCPConfiguration/pageSize`` new tools (at least 1),
    /// `endless_<page>_<n>`, and a new `nextCursor`, without end (calling them gets -32602).
    case endlessToolPages
    /// The answer to `initialize` carries this `Mcp-Session-Id` in place of the session's (the
    /// session the server opened is never named).
    case badSessionID(SessionIDFlaw)
    /// Every POST, whatever it carries, is answered with this status and an HTML page of more
    /// than 100 KB (`text/html`) that begins with 64 ANSI colour resets and whose title and lines
    /// hold more escape sequences (clear screen, window title, colours), BEL and carriage returns:
    /// what a misconfigured proxy may send. A
    /// status that cannot carry a body (outside 200…999, 204, 304) becomes 500. `GET` and `DELETE`
    /// are answered as usual.
    case errorPage(status: Int)
    /// Every JSON-RPC request is answered with 200 and a `text/plain` body (with an ESC sequence):
    /// neither JSON nor an event stream. Notifications still get 202.
    case wrongContentType
    /// `tools/call` is answered, whatever the tool, with an event stream of `data:` lines that are
    /// not JSON (prose, truncated JSON, an ESC sequence), without event ids, and then the stream
    /// ends without a response.
    case garbageEvents
    /// `tools/call` is answered, whatever the tool, with an event stream of
    /// `notifications/message` events, one every 10 ms, forever, never the response.
    case endlessNotifications
    /// `tools/call` is answered, whatever the tool, with the head of an answer (an event stream,
    /// or `application/json` when ``MockMCPConfiguration/answers`` is ``MockMCPAnswerMode/json``)
    /// and then nothing.
    case silentAnswer
    /// One more tool, `deep_schema`, listed last, whose input schema nests `levels` object schemas
    /// (`{"type":"object","properties":{"nested":…}}`, two JSON levels each, so `10_000` levels nest
    /// the JSON 20,001 deep; at least 1, at most 100,000). A call answers `deep`.
    case deepSchema(levels: Int)
    /// One more tool, listed last, whose name is 10,240 characters long (`long_` repeated); a call
    /// answers `the long name answered`.
    case hugeToolName
    /// Three more tools, listed last, whose names hold control characters and whose descriptions
    /// hold ANSI escape sequences: `ESC[31mred ESC[0m` (without the spaces; a call answers
    /// `red answered`), `two\nlines\r\nX-Injected: 1` (`two lines answered`), and
    /// `\tslow BEL DEL` (without the spaces; it behaves as the `slow` tool).
    case controlCharactersInNames
}
