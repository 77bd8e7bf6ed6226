import Foundation

/// LiveKit's JSON dialect (Go `protojson`), for the messages of this module.
///
/// Swift properties are named lowerCamelCase after the proto fields, so one set of coding keys
/// serves both spellings: requests are written with proto names (`sip_trunk_id`), and answers are
/// read in either spelling (Twirp answers use proto names, webhooks lowerCamelCase). Keys of map
/// fields (`attributes`, `headers`, ...) are always kept verbatim. 64-bit integers are written as
/// strings and read from strings or numbers; `null` reads as absent; an absent enum reads as its
/// zero value (proto3 omits zero values).
public enum ProtoJSON {
    /// How field names are spelled on the wire.
    public enum KeyStyle: Sendable {
        /// `sip_trunk_id`: what Twirp answers carry and what this client sends.
        case protoNames
        /// `sipTrunkId`: webhooks, and `roomConfig` inside access tokens.
        case camelCase
    }

    /// Encodes `value`; nil properties are omitted unless `emitUnpopulated` (then they are written
    /// as their zero value, or `null` for messages, like LiveKit's Twirp answers).
    public static func encode<T: Encodable>(_ value: T, keys: KeyStyle = .protoNames, emitUnpopulated: Bool = false) throws -> Data {
        try JSONEncoder.sorted.encode(tree(value, keys: keys, emitUnpopulated: emitUnpopulated))
    }

    /// The JSON tree of `value` (see ``encode(_:keys:emitUnpopulated:)``).
    public static func tree<T: Encodable>(_ value: T, keys: KeyStyle = .protoNames, emitUnpopulated: Bool = false) throws -> Value {
        let root = ProtoEncoder.Node()
        let options = ProtoEncoder.Options(keys: keys, emitUnpopulated: emitUnpopulated)
        let encoder = ProtoEncoder(node: root, options: options, verbatimKeys: false).child(T.self, node: root, key: nil)
        try value.encode(to: encoder)
        return root.build()
    }

    /// Decodes `type` from JSON in either key spelling.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(type, from: JSONDecoder().decode(Value.self, from: data))
    }

    /// Decodes `type` from an already parsed JSON tree.
    public static func decode<T: Decodable>(_ type: T.Type, from value: Value) throws -> T {
        try T(from: ProtoDecoder(value: value, codingPath: []))
    }

    /// `sip_trunk_id` → `sipTrunkId` (protojson's JSON name).
    static func lowerCamel(_ name: String) -> String {
        var out = ""
        var upper = false
        for ch in name {
            if ch == "_" {
                upper = true
            } else {
                out.append(upper ? Character(ch.uppercased()) : ch)
                upper = false
            }
        }
        return out
    }

    /// `sipTrunkId` → `sip_trunk_id` (the proto name of a lowerCamelCase Swift property).
    static func snake(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase {
                out += "_" + ch.lowercased()
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

extension JSONEncoder {
    /// Stable output: sorted keys, slashes unescaped.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// Types whose JSON object keys are data, not field names (`[String: V]`): kept verbatim.
protocol ProtoMapMarker {}
extension Dictionary: ProtoMapMarker where Key == String {}

/// Types with a proto3 zero value, written for unset fields when emitting unpopulated fields.
protocol ProtoZeroValue {
    static var protoZero: ProtoJSON.Value { get }
}
extension Array: ProtoZeroValue {
    static var protoZero: ProtoJSON.Value { .array([]) }
}
extension Dictionary: ProtoZeroValue where Key == String {
    static var protoZero: ProtoJSON.Value { .object([:]) }
}

/// Messages with oneof members or proto3 `optional` fields: those are never written when unset.
protocol ProtoOneofs {
    /// Swift property names of the members.
    static var oneofMembers: Set<String> { get }
}
