import Foundation
import SQLKit

/// Reading plain-SQL rows on the hot paths (auth, the call store): a NULL is `nil`, and enum
/// columns are read by their stored raw value, as the models store them.
extension SQLRow {
    func optional<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }

    /// An enum column; a value this build does not know is an error naming the column.
    func value<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> E where E.RawValue == String {
        let raw = try decode(column: column, as: String.self)
        guard let value = E(rawValue: raw) else { throw UnknownColumnValue(column: column, value: raw) }
        return value
    }

    func optionalValue<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> E? where E.RawValue == String {
        try decodeNil(column: column) ? nil : value(column, as: E.self)
    }
}

struct UnknownColumnValue: Error, CustomStringConvertible {
    let column: String
    let value: String
    var description: String { "column \(column) holds \(value), which this version does not know" }
}
