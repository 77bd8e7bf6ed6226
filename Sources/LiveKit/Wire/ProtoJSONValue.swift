import Foundation

extension ProtoJSON {
    /// A parsed JSON document.
    public enum Value: Sendable, Hashable, Codable {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case double(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? c.decode(Int64.self) {
                self = .int(i)
            } else if let u = try? c.decode(UInt64.self) {
                self = .uint(u)
            } else if let d = try? c.decode(Double.self) {
                self = .double(d)
            } else if let s = try? c.decode(String.self) {
                self = .string(s)
            } else if let a = try? c.decode([Value].self) {
                self = .array(a)
            } else {
                self = .object(try c.decode([String: Value].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case .bool(let b): try c.encode(b)
            case .int(let i): try c.encode(i)
            case .uint(let u): try c.encode(u)
            case .double(let d): try c.encode(d)
            case .string(let s): try c.encode(s)
            case .array(let a): try c.encode(a)
            case .object(let o): try c.encode(o)
            }
        }

        /// Parses JSON text.
        public init(json: Data) throws {
            self = try JSONDecoder().decode(Value.self, from: json)
        }

        /// Compact JSON text with sorted keys.
        public func jsonData() throws -> Data {
            try JSONEncoder.sorted.encode(self)
        }

        /// The member `key` of an object (nil for other values).
        public subscript(key: String) -> Value? {
            if case .object(let o) = self { return o[key] }
            return nil
        }

        /// The string, if this is one.
        public var stringValue: String? {
            if case .string(let s) = self { return s }
            return nil
        }
    }
}
