import Foundation
import MCP

/// The text a tool's result gives the model: its text contents joined by line breaks, other
/// contents named (`[image image/png, 1234 bytes]`), or the structured content as JSON when there
/// is no content; at most `maxBytes` UTF-8 bytes, cut on a character boundary with a note
/// saying how much there was. Linear in the size of the result.
enum MCPToolResultText {
    static func text(of result: CallTool.Result, maxBytes: Int) -> String {
        var parts = result.content.map(describe)
        if parts.isEmpty, let structured = result.structuredContent,
            let data = try? JSONEncoder().encode(structured)
        {
            parts = [String(decoding: data, as: UTF8.self)]
        }
        return join(parts, maxBytes: maxBytes)
    }

    static func describe(_ content: MCP.Tool.Content) -> String {
        switch content {
        case .text(let text, _, _):
            return text
        case .image(let data, let mimeType, _, _):
            return "[image \(MCPHeaderCheck.printable(mimeType, maxBytes: 64)), \(data.utf8.count / 4 * 3) bytes]"
        case .audio(let data, let mimeType, _, _):
            return "[audio \(MCPHeaderCheck.printable(mimeType, maxBytes: 64)), \(data.utf8.count / 4 * 3) bytes]"
        case .resource(let resource, _, _):
            return resource.text ?? "[resource \(MCPHeaderCheck.printable(resource.uri, maxBytes: 256))]"
        case .resourceLink(let uri, let name, _, _, _, _):
            return "[resource link \(MCPHeaderCheck.printable(name, maxBytes: 64)): \(MCPHeaderCheck.printable(uri, maxBytes: 256))]"
        }
    }

    /// `parts` joined by `\n`, at most `maxBytes` bytes with the note.
    static func join(_ parts: [String], maxBytes: Int) -> String {
        var total = 0
        for part in parts { total = total &+ part.utf8.count &+ 1 }
        total = max(0, total - 1)
        guard total > maxBytes else { return parts.joined(separator: "\n") }
        let note = "\n[result cut: \(total) bytes, the first \(maxBytes) kept]"
        let budget = max(0, maxBytes - note.utf8.count)
        var result = ""
        result.reserveCapacity(budget + note.utf8.count)
        var used = 0
        for (index, part) in parts.enumerated() {
            let separator = index == 0 ? "" : "\n"
            if used + separator.utf8.count + part.utf8.count <= budget {
                result += separator
                result += part
                used += separator.utf8.count + part.utf8.count
                continue
            }
            guard used + separator.utf8.count < budget else { break }
            result += separator
            used += separator.utf8.count
            for character in part {
                let size = character.utf8.count
                guard used + size <= budget else { break }
                result.append(character)
                used += size
            }
            break
        }
        return result + note
    }
}
