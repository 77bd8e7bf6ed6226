import Foundation

/// The built-in voicemail greeting: "The person you are calling is not available. Please leave a
/// message after the tone." and a tone (`Assets/default-greeting.wav`, made by
/// `scripts/make-default-greeting.sh` with espeak-ng and sox).
enum DefaultGreeting {
    static var wav: [UInt8] { PackageResources.default_greeting_wav }
}
