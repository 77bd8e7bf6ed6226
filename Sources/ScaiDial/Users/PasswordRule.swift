/// What a new password must be, the same for the API (users created or changed), the console (it
/// shows the API's words) and `scaidial create-admin`. Nothing is trimmed: the password is what was
/// typed. bcrypt reads at most 72 bytes and stops at a NUL byte, so a longer password, or one
/// with a NUL in it, would be accepted with a part of it silently ignored: both are refused.
enum PasswordRule {
    static let minimumCharacters = 8
    static let maximumBytes = 72

    /// Why `password` cannot be used, in words for the `password` field; nil when it can.
    static func problem(_ password: String) -> String? {
        if password.count < minimumCharacters { return "must be at least \(minimumCharacters) characters" }
        if password.unicodeScalars.contains("\u{0}") { return "must not contain a NUL character" }
        let bytes = password.utf8.count
        if bytes > maximumBytes {
            return "must be at most \(maximumBytes) bytes in UTF-8 (bcrypt ignores the rest); this one is \(bytes)"
        }
        return nil
    }
}
