import Foundation

/// One byte range of an HTTP `Range` header (RFC 9110 §14.1.2), and what it asks of an object of a
/// given size. Reading and resolving never trap, whatever the numbers: every position is parsed with
/// saturation (a first byte beyond `Int.max` is simply beyond the object) and every bound is checked
/// before a range is formed.
enum ByteRange: Equatable, Sendable {
    /// `bytes=first-last` (`last` inclusive) or `bytes=first-` (`last` nil: to the end).
    case from(first: Int, last: Int?)
    /// `bytes=-length`: the last `length` bytes.
    case suffix(length: Int)

    /// What to serve of an object.
    enum Resolution: Equatable, Sendable {
        /// 200 with everything (no usable range, or one that covers nothing more specific).
        case whole
        /// 206 with these bytes, always within `0..<size` and never empty.
        case part(ClosedRange<Int>)
        /// 416 with `Content-Range: bytes */size`.
        case unsatisfiable
    }

    /// The header read; nil when absent or not exactly one well-formed byte range, which RFC 9110
    /// lets a server answer with the whole object. Positions are ASCII digits only.
    static func parse(_ header: String?) -> ByteRange? {
        guard let header else { return nil }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.count > 6, text.prefix(6).lowercased() == "bytes=" else { return nil }
        let spec = text.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let firstText = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let lastText = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        switch (position(firstText), position(lastText)) {
        case (let first?, let last?) where last >= first: return .from(first: first, last: last)
        case (let first?, nil) where lastText.isEmpty: return .from(first: first, last: nil)
        case (nil, let length?) where firstText.isEmpty: return .suffix(length: length)
        default: return nil
        }
    }

    /// What this range asks of an object of `size` bytes (RFC 9110 §14.1.2: a range starting at or
    /// beyond the end, or a zero-length suffix, cannot be satisfied; a suffix longer than the object
    /// means all of it).
    func resolve(size: Int) -> Resolution {
        guard size > 0 else {
            // Nothing to cut: an empty object has no byte to point at, only a suffix may ask for "all of it".
            if case .suffix(let length) = self, length > 0 { return .whole }
            return .unsatisfiable
        }
        let lastByte = size - 1
        switch self {
        case .from(let first, let last):
            guard first <= lastByte else { return .unsatisfiable }
            return .part(first...min(last ?? lastByte, lastByte))
        case .suffix(let length):
            guard length > 0 else { return .unsatisfiable }
            // Both are non-negative, so the difference cannot overflow.
            return .part(max(0, size - length)...lastByte)
        }
    }

    /// ASCII digits as a non-negative number, saturating at `Int.max`; nil for anything else.
    private static func position(_ text: String) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            value = overflow1 || overflow2 ? Int.max : sum
        }
        return value
    }
}
