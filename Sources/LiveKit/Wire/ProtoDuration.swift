import Foundation

/// A `google.protobuf.Duration`: on the wire a string of seconds, `"30s"` or `"1.5s"`.
public struct ProtoDuration: Codable, Sendable, Hashable, Comparable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The length of time.
    public var duration: Duration

    /// A duration of `duration`.
    public init(_ duration: Duration) { self.duration = duration }

    /// Whole seconds: `30` is `"30s"`.
    public init(integerLiteral seconds: Int64) { duration = .seconds(seconds) }

    /// `seconds` seconds.
    public static func seconds(_ seconds: Int64) -> ProtoDuration { ProtoDuration(.seconds(seconds)) }

    /// protojson's form: seconds with 0, 3, 6 or 9 fractional digits and an `s`.
    public var description: String {
        let (seconds, attoseconds) = duration.components
        let nanos = attoseconds / 1_000_000_000
        guard nanos != 0 else { return "\(seconds)s" }
        let negative = seconds < 0 || nanos < 0
        var fraction = String(abs(nanos))
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("000") { fraction.removeLast(3) }
        return "\(negative ? "-" : "")\(abs(seconds)).\(fraction)s"
    }

    /// Parses `"30s"`, `"1.5s"`, `"-0.25s"`.
    public init?(string: String) {
        guard string.hasSuffix("s") else { return nil }
        let number = string.dropLast()
        let negative = number.hasPrefix("-")
        let parts = number.drop { $0 == "-" }.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), parts[0].allSatisfy(\.isNumber) else { return nil }
        var nanos: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...9).contains(digits.count), digits.allSatisfy(\.isNumber), let n = Int64(digits) else { return nil }
            nanos = n * Int64(pow(10, Double(9 - digits.count)))
        }
        let total = Duration.seconds(whole) + Duration.nanoseconds(nanos)
        duration = negative ? .zero - total : total
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ProtoDuration(string: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a protobuf duration: \(text)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: ProtoDuration, rhs: ProtoDuration) -> Bool { lhs.duration < rhs.duration }
}
