/// An error body as OpenAI-compatible proxies write them (LiteLLM, FastAPI wrappers, vLLM and
/// Ollama behind a gateway), answered by ``MockFault/proxyError(_:)``.
///
/// Each body that carries a message echoes the request's bearer token inside it (as proxies
/// that print the upstream request do), so a test can check that the client masks it. In the
/// descriptions, `<token>` is the bearer value of `Authorization` (`none` without one) and
/// `<model>` the request body's `model` (`unknown` without one).
public enum MockProxyError: Sendable, CaseIterable {
    /// 400 `{"error":{"message":"max_tokens must be at most 8192 (key <token>)","type":"invalid_request_error","param":"max_tokens","code":"400"}}`:
    /// the code a string holding the status.
    case stringCode
    /// 400, the same with the code the number `400`.
    case numericCode
    /// 500 `{"error":{"message":"Internal error while contacting the backend (key <token>)","type":"None","param":"None","code":"500"}}`:
    /// Python's `None` printed for the missing type and param.
    case typeNone
    /// 422 `{"error":{"message":"Unprocessable request (key <token>)","type":null,"param":null,"code":422}}`.
    case typeNull
    /// 400, LiteLLM's wrapping of an upstream error: `type` `"None"`, `code` `"400"`, and a
    /// message that ends with a printed Python dict,
    /// `litellm.BadRequestError: OpenAIException - Error code: 400 - {'error': {'message': "temperature must be at most 2, got 7 for key '<token>'", 'type': 'BadRequestError', 'param': None, 'code': 400}}`.
    case pythonDict
    /// 500 `{"detail":"Traceback (most recent call last):\n  File \"/app/proxy.py\", line 88, in chat\n    response = await client.post(url, headers={'Authorization': 'Bearer <token>'})\n  …\nhttpx.ConnectError: [Errno 111] Connection refused"}`.
    case traceback
    /// 404 Ollama's unknown model behind a proxy:
    /// `{"error":{"message":"model \"<model>\" not found, try pulling it first","type":"api_error","param":null,"code":null}}`.
    case modelNotFound
    /// 404 vLLM's `{"object":"error","message":"The model `<model>` does not exist.","type":"NotFoundError","param":null,"code":404}`.
    case modelDoesNotExist
    /// 400 `{"error":{"message":"Invalid model: <model>","type":"invalid_request_error","param":"model","code":"400"}}`.
    case invalidModel
    /// 400 LiteLLM's unknown model: `{"error":{"message":"{'error': '/chat/completions: Invalid model name passed in model=<model>. Call `/v1/models` to view available models for your key.'}","type":"None","param":"None","code":"400"}}`.
    case litellmInvalidModelName
}
