import Foundation
import Hummingbird

/// Audio ScaiDial serves to LiveKit Ingress. The transfer announcement is a short chime (three
/// rising tones, then silence), generated once: its only job is to be audio in the room, which is
/// what makes livekit-sip answer the caller before a REFER.
enum Announcements {
    static let transferPath = "/media/transfer.wav"

    static func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(RouterPath(transferPath)) { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "audio/wav", .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(bytes: transferTone)))
        }
    }

    /// 8 kHz, 16-bit mono PCM in a RIFF/WAVE container.
    static let transferTone: [UInt8] = {
        let rate = 8000
        var samples: [Int16] = []
        for frequency in [523.25, 659.25, 783.99] {  // C5, E5, G5
            let n = rate * 3 / 10
            for i in 0..<n {
                let t = Double(i) / Double(rate)
                let envelope = min(1, Double(i) / 80, Double(n - i) / 80)  // no clicks at the edges
                samples.append(Int16(sin(2 * .pi * frequency * t) * 9000 * envelope))
            }
            samples.append(contentsOf: repeatElement(0, count: rate / 20))
        }
        samples.append(contentsOf: repeatElement(0, count: rate))
        return wav(samples, rate: rate)
    }()

    static func wav(_ samples: [Int16], rate: Int) -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { out.append(contentsOf: $0) } }
        let dataBytes = samples.count * 2
        out.append(contentsOf: Array("RIFF".utf8))
        u32(36 + dataBytes)
        out.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(1)  // PCM
        u16(1)  // mono
        u32(rate)
        u32(rate * 2)
        u16(2)
        u16(16)
        out.append(contentsOf: Array("data".utf8))
        u32(dataBytes)
        for s in samples { withUnsafeBytes(of: s.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }
}
