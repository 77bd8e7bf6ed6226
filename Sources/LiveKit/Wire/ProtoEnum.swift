import Foundation

/// A proto enum: its value is the proto name (`"SIP_TRANSPORT_UDP"`). Values this version does
/// not know decode without failing (as their name, or as the number LiveKit sent).
public protocol ProtoEnum: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
    /// The value numbered 0, which proto3 omits from webhooks.
    static var zero: Self { get }
}

extension ProtoEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let name = try? container.decode(String.self) {
            self.init(rawValue: name)
        } else {
            let number = try container.decode(Int.self)
            self = number == 0 ? .zero : Self(rawValue: String(number))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// The zero value of an enum type, written for unset fields.
enum ProtoEnumZero {
    static func value(_ type: Any.Type) -> ProtoJSON.Value? {
        (type as? any ProtoEnum.Type).map { .string($0.zero.rawValue) }
    }
}
