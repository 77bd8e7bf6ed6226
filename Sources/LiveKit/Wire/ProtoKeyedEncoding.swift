import Foundation

/// An object: a message (keys spelt per ``ProtoJSON/KeyStyle``) or a map (keys verbatim).
struct ProtoKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ProtoEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func name(_ key: Key) -> String {
        if encoder.verbatimKeys { return key.stringValue }
        switch encoder.options.keys {
        case .protoNames: return ProtoJSON.snake(key.stringValue)
        case .camelCase: return key.stringValue
        }
    }

    private func put(_ node: ProtoEncoder.Node, _ key: Key) {
        if case .object(var o) = encoder.node.content {
            o[name(key)] = node
            encoder.node.content = .object(o)
        }
    }

    mutating func encodeNil(forKey key: Key) throws { put(try encoder.encodeChild(ProtoJSON.Value.null, key: key), key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { put(try encoder.encodeChild(value, key: key), key) }

    /// Unset fields: omitted, or written as their zero value when emitting unpopulated fields.
    private mutating func unset(_ zero: ProtoJSON.Value, _ key: Key) throws {
        guard encoder.options.emitUnpopulated, !encoder.oneofs.contains(key.stringValue) else { return }
        put(try encoder.encodeChild(zero, key: key), key)
    }

    private mutating func present<T: Encodable>(_ value: T?, _ key: Key, zero: ProtoJSON.Value) throws {
        if let value { try encode(value, forKey: key) } else { try unset(zero, key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key, zero: .bool(false)) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key, zero: .string("")) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key, zero: .string("0")) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key, zero: .int(0)) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key, zero: .string("0")) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        try present(value, key, zero: (T.self as? any ProtoZeroValue.Type)?.protoZero ?? ProtoEnumZero.value(T.self) ?? .null)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let node = ProtoEncoder.Node()
        put(node, key)
        return encoder.child(Void.self, node: node, key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let node = ProtoEncoder.Node()
        put(node, key)
        return encoder.child(Void.self, node: node, key: key).unkeyedContainer()
    }

    /// Protobuf messages have no superclass: a key named "super" if the type has one, else an
    /// encoder whose output goes nowhere.
    mutating func superEncoder() -> any Encoder {
        if let key = Key(stringValue: "super") { return superEncoder(forKey: key) }
        return encoder.child(Void.self, node: ProtoEncoder.Node(), key: nil)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let node = ProtoEncoder.Node()
        put(node, key)
        return encoder.child(Void.self, node: node, key: key)
    }
}
