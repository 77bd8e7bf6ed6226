/// An optional that is written as `null` instead of being left out, so every field of the API's
/// resource shapes is always present in answers.
@propertyWrapper
struct Nullable<T: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: T?
    init(wrappedValue: T?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}
