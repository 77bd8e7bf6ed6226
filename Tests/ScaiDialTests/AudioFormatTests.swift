import Foundation
import Testing

@testable import ScaiDial

@Suite("Audio formats are told by content")
struct AudioFormatTests {
    @Test("WAV, OGG, MP3 with and without ID3 are recognised; text, images and truncated headers are not")
    func sniff() {
        #expect(AudioFormat.sniff(DefaultGreeting.wav) == .wav)
        #expect(AudioFormat.sniff(Array("OggS\0\u{2}".utf8)) == .ogg)
        #expect(AudioFormat.sniff(Array("ID3\u{4}\0".utf8)) == .mp3)
        #expect(AudioFormat.sniff([0xFF, 0xFB, 0x90, 0x64]) == .mp3)  // MPEG-1 layer III frame
        #expect(AudioFormat.sniff([0xFF, 0xE9, 0x90]) == nil)  // reserved version
        #expect(AudioFormat.sniff(Array("RIFF\0\0\0\0AVI ".utf8)) == nil)  // a RIFF that is a video
        #expect(AudioFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]) == nil)  // PNG
        #expect(AudioFormat.sniff(Array("<html>".utf8)) == nil)
        #expect(AudioFormat.sniff(Array("RIF".utf8)) == nil)
        #expect(AudioFormat.sniff([UInt8]()) == nil)
        #expect(AudioFormat.wav.contentType == "audio/wav" && AudioFormat.mp3.contentType == "audio/mpeg")
    }
}
