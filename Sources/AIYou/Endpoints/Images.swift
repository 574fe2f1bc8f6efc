extension AIYouClient {
    /// Generates images from a prompt (LLMaaS `POST /v1/images/generations`, OpenAI-compatible).
    ///
    /// ```swift
    /// let request = ImageGenerationRequest(model: "z-image:16b", prompt: "A lighthouse at dawn, watercolour", responseFormat: .base64)
    /// let result = try await client.generateImages(request)
    /// for image in result.images {
    ///     if let bytes = image.data { print("image of", bytes.count, "bytes") }
    ///     if let url = image.url { print("image at", url) }   // never fetched by the client
    /// }
    /// ```
    /// The answer is read whole, so it is bounded by ``Configuration/Limits/maxResponseBodyBytes``
    /// (32 MiB by default: base64 images of about 24 MiB in all); the base64 is decoded in one
    /// pass. The request is not idempotent (each call generates, and is billed): it is sent again
    /// only when the service did not process it (see ``Configuration/Retry``).
    /// - Parameters:
    ///   - request: The model, prompt, count, size and format.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The images, as bytes or links, with the prompts the model used.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU and
    ///   ``AIYouError/Code/invalidRequest`` for an invalid request (a blank model or prompt, a
    ///   count outside 1…10, a malformed size or quality), both before anything is sent;
    ///   ``AIYouError/Code/limitExceeded`` when the answer is larger than the body limit;
    ///   ``AIYouError/Code/decoding`` when the answer holds no image, more images than asked for,
    ///   invalid base64, or a link that is not an absolute `http(s)` URL; otherwise the service's
    ///   or the network's error.
    public func generateImages(
        _ request: ImageGenerationRequest,
        options: RequestOptions = RequestOptions()
    ) async throws
        -> ImageGeneration
    {
        try configuration.api.require(.imageGeneration)
        try request.validate()
        var apiRequest = try APIRequest(.imageGeneration, on: configuration.api, json: ImageGenerationRequestBody(request: request))
        apiRequest.call = CallDescription(model: request.model)
        let result = try await pipeline.decode(ImageGeneration.self, apiRequest, options: options)
        let asked = request.count ?? 1
        guard result.images.count <= asked else {
            throw AIYouError(
                .decoding,
                "the service answered \(result.images.count) images for \(asked) asked",
                operation: .imageGeneration
            )
        }
        return result
    }
}
