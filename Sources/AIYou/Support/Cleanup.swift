/// Runs `body`, then `cleanup` whatever happened, in the caller's isolation: the one shape of
/// "close it whether the work returned or threw" (AsyncHTTPClient's `asyncDo(finally:)`).
///
/// After a `body` that threw, an error of `cleanup` is dropped: the body's error says more. After a
/// `body` that returned, an error of `cleanup` is thrown.
func withCleanup<Result>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Result,
    finally cleanup: () async throws -> Void
) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        try? await cleanup()
        throw error
    }
    try await cleanup()
    return result
}
