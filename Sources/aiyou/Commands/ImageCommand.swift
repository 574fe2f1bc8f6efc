import AIYou
import ArgumentParser
import Foundation

/// `aiyou image PROMPT --output FILE` (LLMaaS): generated images written to files (numbered when
/// there are several), or their links with `--url`.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "LLMaaS: generate images; writes them to --output (FILE-1.png, FILE-2.png… for several), or prints links with --url."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "What the image should show.")
    var prompt: String

    @Option(name: .long, help: "The image file to write; with several images, a number is added before the extension.")
    var output: String?

    @Option(name: .long, help: "The image generation model.")
    var model = "z-image:16b"

    @Option(name: .long, help: "How many images, 1 to 10.")
    var count: Int?

    @Option(name: .long, help: "The size, WIDTHxHEIGHT (e.g. 1024x1024) or auto.")
    var size: String?

    @Flag(name: .long, help: "Ask for links instead of image bytes, and print them (they are not downloaded).")
    var url = false

    func validate() throws {
        if !url, output == nil { throw ValidationError("--output is required (or --url to get links)") }
    }

    func run() async throws {
        let global = root.global
        let request = ImageGenerationRequest(model: model, prompt: prompt, count: count, size: size, responseFormat: url ? .url : .base64)
        try await global.withClient { client in
            let result = try await client.generateImages(request)
            var listed: [[String: Any?]] = []
            for (number, image) in result.images.enumerated() {
                var entry: [String: Any?] = ["revised_prompt": image.revisedPrompt]
                switch image.content {
                case .data(let data):
                    guard let output else {
                        Terminal.note("image \(number + 1): \(data.count) bytes not written (no --output)")
                        continue
                    }
                    let path = result.images.count == 1 ? output : Self.numbered(output, number + 1)
                    do {
                        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
                    } catch {
                        Terminal.error("could not write \(path): \(error.localizedDescription)")
                        throw ExitCode.failure
                    }
                    entry["file"] = path
                    entry["bytes"] = data.count
                    if !global.json { Terminal.line("\(path)\t\(data.count) bytes") }
                case .url(let link):
                    entry["url"] = link.absoluteString
                    if !global.json { Terminal.line(link.absoluteString) }
                }
                if !global.json, let revised = image.revisedPrompt { Terminal.note("revised prompt: \(revised)") }
                listed.append(entry)
            }
            if global.json {
                try Terminal.printJSON(["created": result.created, "images": listed] as [String: Any?])
            }
        }
    }

    /// `path` with `-number` before its extension: `cat.png` → `cat-2.png`, `cat` → `cat-2`.
    static func numbered(_ path: String, _ number: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension().lastPathComponent
        let name = url.pathExtension.isEmpty ? "\(base)-\(number)" : "\(base)-\(number).\(url.pathExtension)"
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }
}
