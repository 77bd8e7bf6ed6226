/// Where a voicemail message's transcription stands (spec Appendix A `transcript_state`).
enum TranscriptState: String, Codable, CaseIterable, Sendable {
    case none, pending, done, failed
}
