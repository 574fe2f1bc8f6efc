import Hummingbird

/// LLMaaS `POST /v1/audio/transcriptions`: reads the multipart body as a stream (like the
/// AI.YOU route), records the upload and answers a Whisper-style transcription that names the
/// file and its size.
///
/// Parts: `file` (required, with a filename), `model` (ignored), `language`, `initial_prompt`
/// (or `prompt`), `task` (`transcribe`, the default, or `translate`) and `response_format`
/// (`json`, the default, or `verbose_json`; `text`, `srt` and `vtt` are refused, as the
/// LLMaaS documentation says).
///
/// The answer is `{"text":T,"language":L,"segments":[…one segment…]}`: T is
/// `Transcribed <N> bytes of <filename>` (`Translated …` for `translate`), followed by
/// ` (prompt: <p>)` when a prompt was given; L is the `language` sent, else `en` (`en` always for
/// `translate`). With absurd numbers the segment's `id` and `seek` are `9223372036854775807` and
/// its `start` and `end` `1e300`.
struct LLMaaSAudioRoutes: Sendable {
    let state: MockServerState

    func transcribe(_ input: RouteRequest) async throws -> Response {
        let form: UploadedForm
        do {
            form = try await UploadedForm.read(input.request, fileField: "file")
        } catch UploadedForm.ReadError.notMultipart {
            return OpenAIErrors.response(.badRequest, message: "Expected a multipart/form-data body with a boundary.", param: "file")
        } catch UploadedForm.ReadError.malformed {
            return OpenAIErrors.response(.badRequest, message: "Malformed multipart body.", param: "file")
        }

        guard let file = form.file, let filename = file.filename, !filename.isEmpty else {
            return OpenAIErrors.response(.badRequest, message: "The 'file' part, with a filename, is required.", param: "file")
        }
        let task = Self.nonEmpty(form.text["task"])
        let translate: Bool
        switch task {
        case nil, "transcribe"?: translate = false
        case "translate"?: translate = true
        case let other?:
            return OpenAIErrors.response(.badRequest, message: "'task' must be transcribe or translate, not '\(other)'.", param: "task")
        }
        let responseFormat = Self.nonEmpty(form.text["response_format"])
        switch responseFormat {
        case nil, "json"?, "verbose_json"?:
            break
        case let other?:
            return OpenAIErrors.response(
                .badRequest,
                message: "response_format '\(other)' is not supported: use json or verbose_json.",
                param: "response_format"
            )
        }

        let language = Self.nonEmpty(form.text["language"])
        let prompt = Self.nonEmpty(form.text["initial_prompt"]) ?? Self.nonEmpty(form.text["prompt"])
        let upload = UploadRecord(
            filename: filename,
            fileContentType: file.contentType,
            byteCount: file.byteCount,
            language: language,
            format: nil,
            model: form.text["model"],
            prompt: prompt,
            task: task,
            responseFormat: responseFormat
        )
        self.state.lastUpload.withLockedValue { $0 = upload }

        var text = "\(translate ? "Translated" : "Transcribed") \(file.byteCount) bytes of \(filename)"
        if let prompt {
            text += " (prompt: \(prompt))"
        }
        let absurd = input.absurdNumbers
        let segment: JSONValue = [
            "id": absurd ? AbsurdNumbers.largestInteger : 0,
            "seek": absurd ? AbsurdNumbers.largestInteger : 0,
            "start": absurd ? AbsurdNumbers.huge : 0.0,
            "end": absurd ? AbsurdNumbers.huge : 1.8,
            "text": .string(" " + text),
            "tokens": [50364],
            "temperature": 0.0,
            "avg_logprob": -0.19,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.03,
        ]
        let answer: JSONValue = [
            "text": .string(text),
            "language": .string(translate ? "en" : language ?? "en"),
            "segments": [segment],
        ]
        return LLMaaSResponses.json(answer, quota: self.state.llmaasQuota)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
