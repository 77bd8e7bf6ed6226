import Foundation

/// Writes protojson into a JSON tree; see ``ProtoJSON``.
struct ProtoEncoder: Encoder, SingleValueEncodingContainer {
    struct Options {
        var keys: ProtoJSON.KeyStyle
        var emitUnpopulated: Bool
    }

    /// A value under construction; containers fill it in, `build()` reads the result.
    final class Node {
        enum Content {
            case value(ProtoJSON.Value)
            case object([String: Node])
            case array([Node])
        }
        var content = Content.value(.null)

        func build() -> ProtoJSON.Value {
            switch content {
            case .value(let v): v
            case .object(let o): .object(o.mapValues { $0.build() })
            case .array(let a): .array(a.map { $0.build() })
            }
        }
    }

    let node: Node
    let options: Options
    /// Object keys are map keys (data), not field names.
    let verbatimKeys: Bool
    /// Oneof members of the message being written (never written when unset).
    var oneofs: Set<String> = []
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(ProtoKeyedEncoding<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return ProtoUnkeyedEncoding(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// An encoder for a child value of type `T` (maps keep their keys; messages know their oneofs).
    func child<T>(_ type: T.Type, node: Node, key: (any CodingKey)?) -> ProtoEncoder {
        ProtoEncoder(
            node: node, options: options, verbatimKeys: T.self is any ProtoMapMarker.Type,
            oneofs: (T.self as? any ProtoOneofs.Type)?.oneofMembers ?? [], codingPath: codingPath + [key].compactMap { $0 })
    }

    /// Encodes `value` into a fresh node.
    func encodeChild<T: Encodable>(_ value: T, key: (any CodingKey)?) throws -> Node {
        let node = Node()
        if let json = value as? ProtoJSON.Value {
            node.content = .value(json)  // already JSON: copied as is
        } else {
            try value.encode(to: child(T.self, node: node, key: key))
        }
        return node
    }

    private func set(_ value: ProtoJSON.Value) { node.content = .value(value) }

    func encodeNil() throws { set(.null) }
    func encode(_ value: Bool) throws { set(.bool(value)) }
    func encode(_ value: String) throws { set(.string(value)) }
    func encode(_ value: Double) throws {
        set(value.isFinite ? .double(value) : .string(value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity"))
    }
    func encode(_ value: Float) throws { try encode(Double(value)) }
    func encode(_ value: Int) throws { set(.int(Int64(value))) }
    func encode(_ value: Int8) throws { set(.int(Int64(value))) }
    func encode(_ value: Int16) throws { set(.int(Int64(value))) }
    func encode(_ value: Int32) throws { set(.int(Int64(value))) }
    /// protojson writes 64-bit integers as strings.
    func encode(_ value: Int64) throws { set(.string(String(value))) }
    func encode(_ value: UInt) throws { set(.uint(UInt64(value))) }
    func encode(_ value: UInt8) throws { set(.uint(UInt64(value))) }
    func encode(_ value: UInt16) throws { set(.uint(UInt64(value))) }
    func encode(_ value: UInt32) throws { set(.uint(UInt64(value))) }
    func encode(_ value: UInt64) throws { set(.string(String(value))) }
    func encode<T: Encodable>(_ value: T) throws {
        if let json = value as? ProtoJSON.Value { return set(json) }
        try value.encode(to: child(T.self, node: node, key: nil))
    }
}

/// An array (repeated field).
struct ProtoUnkeyedEncoding: UnkeyedEncodingContainer {
    let encoder: ProtoEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int {
        if case .array(let a) = encoder.node.content { return a.count }
        return 0
    }

    private func append(_ node: ProtoEncoder.Node) {
        if case .array(let a) = encoder.node.content { encoder.node.content = .array(a + [node]) }
    }

    mutating func encodeNil() throws { append(try encoder.encodeChild(ProtoJSON.Value.null, key: nil)) }
    mutating func encode(_ value: Bool) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: String) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Double) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Float) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Int) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Int8) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Int16) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Int32) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: Int64) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: UInt) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: UInt8) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: UInt16) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: UInt32) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode(_ value: UInt64) throws { append(try encoder.encodeChild(value, key: nil)) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try encoder.encodeChild(value, key: nil)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let node = ProtoEncoder.Node()
        append(node)
        return encoder.child(Void.self, node: node, key: nil).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let node = ProtoEncoder.Node()
        append(node)
        return encoder.child(Void.self, node: node, key: nil).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let node = ProtoEncoder.Node()
        append(node)
        return encoder.child(Void.self, node: node, key: nil)
    }
}
