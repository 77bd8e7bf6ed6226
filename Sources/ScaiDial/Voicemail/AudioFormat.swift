import Foundation

/// Audio files told apart by their content, not their name or the client's Content-Type: the
/// greeting upload accepts WAV, MP3 and OGG (what LiveKit Ingress plays from a URL).
enum AudioFormat: String, Sendable, CaseIterable {
    case wav, mp3, ogg

    var contentType: String {
        switch self {
        case .wav: "audio/wav"
        case .mp3: "audio/mpeg"
        case .ogg: "audio/ogg"
        }
    }

    /// The format the bytes are, or nil.
    static func sniff(_ bytes: some Collection<UInt8>) -> AudioFormat? {
        let head = Array(bytes.prefix(12))
        func starts(_ s: String, at offset: Int = 0) -> Bool {
            let magic = Array(s.utf8)
            return head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        if starts("RIFF") && starts("WAVE", at: 8) { return .wav }
        if starts("OggS") { return .ogg }
        if starts("ID3") { return .mp3 }
        // An MP3 without ID3 tag begins with a frame sync: 11 set bits, MPEG version not "reserved",
        // layer not "reserved".
        if head.count >= 2, head[0] == 0xFF, head[1] & 0xE0 == 0xE0, head[1] & 0x18 != 0x08, head[1] & 0x06 != 0 { return .mp3 }
        return nil
    }
}
