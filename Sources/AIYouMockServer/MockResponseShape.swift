/// Which of the two answer shapes seen from the real service the server speaks.
///
/// `API.md` documents several endpoints whose answers come in two forms; a client must accept
/// both, so the mock server can speak either and switch at runtime.
///
/// | endpoint | ``primary`` | ``alternate`` |
/// |---|---|---|
/// | login | `expires_at` with fractional seconds and `Z`, numeric `user.id` | `expires_at` with a `+02:00` offset, string `user.id` |
/// | chat | wrapped in `{"response": …}`, `content` a string | bare `chat.completion`, `content` an array of parts |
/// | chat stream | `\n` line endings, `data: [DONE]` at the end | `\r\n`, a keep-alive comment, `event:`/`id:` fields, two `data:` lines per event, no `[DONE]` |
/// | assistants | Hydra collection, numeric ids | plain array, string ids |
/// | models | numeric `context_window` | string `context_window` |
/// | save | 201, string id | 200, numeric id |
/// | threads | numeric `assistantId` | string `assistantId` |
/// | delete | 204 without body | 200 `{"deleted": true}` |
public enum MockResponseShape: String, Sendable, CaseIterable {
    /// The shape described first in `API.md`.
    case primary
    /// The other shape seen from the live service.
    case alternate
}
