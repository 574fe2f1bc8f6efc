import Foundation

/// The deterministic audio of the LLMaaS speech route.
///
/// The audio of a text is a tone of 16-bit mono PCM at 24 kHz: 50 ms per UTF-8 byte of the
/// text divided by the speed (`samples = max(1, round(bytes × 1200 / speed))`); sample *i* is
/// `round(8000 × sin(2π × f × i / 24000))` with `f = 200 + h mod 400` Hz, `h` the FNV-1a 64 hash
/// of the voice, a NUL byte and the text. Each format wraps the samples (little-endian):
///
/// | format | content type | bytes |
/// |---|---|---|
/// | `wav` | `audio/wav` | a 44-byte RIFF/WAVE header, then the samples |
/// | `pcm` | `audio/pcm` | the samples alone |
/// | `mp3` | `audio/mpeg` | an empty ID3v2.4 tag (`ID3`, 4, 0, 0, 0, 0, 0, 0), then the samples |
/// | `flac` | `audio/flac` | `fLaC`, then the samples |
/// | `opus` | `audio/ogg` | `OggS`, then the samples |
/// | `aac` | `audio/aac` | an ADTS sync word (`FF F1`), then the samples |
///
/// Only `wav` and `pcm` are playable; the other formats start with their format's signature so
/// that a client can tell them apart.
enum MockSpeech {
    /// The sample rate, in hertz.
    static let sampleRate = 24_000
    /// The length of a WAV header.
    static let wavHeaderSize = 44
    /// The formats the route answers, with their content types.
    static let contentTypes: [String: String] = [
        "wav": "audio/wav", "pcm": "audio/pcm", "mp3": "audio/mpeg", "flac": "audio/flac", "opus": "audio/ogg", "aac": "audio/aac",
    ]

    /// The answer's bytes for `input` read by `voice` in `format` at `speed`; empty for an
    /// unknown format.
    static func audio(input: String, voice: String, format: String, speed: Double) -> [UInt8] {
        let samples = Self.samples(input: input, voice: voice, speed: speed)
        var bytes: [UInt8]
        switch format {
        case "wav": bytes = Self.wavHeader(dataBytes: samples.count * 2)
        case "pcm": bytes = []
        case "mp3": bytes = [0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0]
        case "flac": bytes = Array("fLaC".utf8)
        case "opus": bytes = Array("OggS".utf8)
        case "aac": bytes = [0xFF, 0xF1]
        default: return []
        }
        bytes.reserveCapacity(bytes.count + samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return bytes
    }

    /// The samples of `input` read by `voice` at `speed`.
    static func samples(input: String, voice: String, speed: Double) -> [Int16] {
        let count = max(1, Int((Double(input.utf8.count) * 1200 / speed).rounded()))
        let hash = FNV1a.hash(Array(voice.utf8) + [0] + Array(input.utf8))
        let frequency = 200 + Double(hash % 400)
        let step = 2 * Double.pi * frequency / Double(Self.sampleRate)
        return (0..<count).map { Int16((8000 * sin(step * Double($0))).rounded()) }
    }

    /// A RIFF/WAVE header for `dataBytes` bytes of 16-bit mono PCM at 24 kHz (sizes saturate at
    /// `UInt32.max`).
    static func wavHeader(dataBytes: Int) -> [UInt8] {
        func le32(_ value: Int) -> [UInt8] {
            let clamped = UInt32(clamping: value)
            return (0..<4).map { UInt8(truncatingIfNeeded: clamped >> (8 * $0)) }
        }
        func le16(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)] }
        var header = Array("RIFF".utf8) + le32(dataBytes + 36) + Array("WAVEfmt ".utf8)
        header += le32(16) + le16(1) + le16(1) + le32(Self.sampleRate) + le32(Self.sampleRate * 2) + le16(2) + le16(16)
        header += Array("data".utf8) + le32(dataBytes)
        return header
    }
}
