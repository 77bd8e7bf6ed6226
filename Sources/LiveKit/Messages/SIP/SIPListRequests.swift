import Foundation

/// `livekit.ListSIPInboundTrunkRequest` / `livekit.ListSIPOutboundTrunkRequest` (same fields).
public struct ListSIPTrunkRequest: Codable, Sendable, Equatable {
    /// Paging (all items when unset).
    public var page: Pagination?
    /// Only these trunks.
    public var trunkIds: [String]?
    /// Only trunks with these numbers.
    public var numbers: [String]?

    /// A ListSIPTrunkRequest; nil fields are not sent.
    public init(
        page: Pagination? = nil,
        trunkIds: [String]? = nil,
        numbers: [String]? = nil
    ) {
        self.page = page
        self.trunkIds = trunkIds
        self.numbers = numbers
    }
}

/// `livekit.ListSIPInboundTrunkResponse`.
public struct ListSIPInboundTrunkResponse: Codable, Sendable, Equatable {
    /// The trunks.
    public var items: [SIPInboundTrunkInfo]?

    /// A ListSIPInboundTrunkResponse; nil fields are not sent.
    public init(
        items: [SIPInboundTrunkInfo]? = nil
    ) {
        self.items = items
    }
}

/// `livekit.ListSIPOutboundTrunkResponse`.
public struct ListSIPOutboundTrunkResponse: Codable, Sendable, Equatable {
    /// The trunks.
    public var items: [SIPOutboundTrunkInfo]?

    /// A ListSIPOutboundTrunkResponse; nil fields are not sent.
    public init(
        items: [SIPOutboundTrunkInfo]? = nil
    ) {
        self.items = items
    }
}

/// `livekit.ListSIPDispatchRuleRequest`.
public struct ListSIPDispatchRuleRequest: Codable, Sendable, Equatable {
    /// Paging (all items when unset).
    public var page: Pagination?
    /// Only these rules.
    public var dispatchRuleIds: [String]?
    /// Only rules of these trunks.
    public var trunkIds: [String]?

    /// A ListSIPDispatchRuleRequest; nil fields are not sent.
    public init(
        page: Pagination? = nil,
        dispatchRuleIds: [String]? = nil,
        trunkIds: [String]? = nil
    ) {
        self.page = page
        self.dispatchRuleIds = dispatchRuleIds
        self.trunkIds = trunkIds
    }
}

/// `livekit.ListSIPDispatchRuleResponse`.
public struct ListSIPDispatchRuleResponse: Codable, Sendable, Equatable {
    /// The rules.
    public var items: [SIPDispatchRuleInfo]?

    /// A ListSIPDispatchRuleResponse; nil fields are not sent.
    public init(
        items: [SIPDispatchRuleInfo]? = nil
    ) {
        self.items = items
    }
}

/// `livekit.Pagination`.
public struct Pagination: Codable, Sendable, Equatable {
    /// Items after this id.
    public var afterId: String?
    /// At most this many.
    public var limit: Int32?

    /// A Pagination; nil fields are not sent.
    public init(
        afterId: String? = nil,
        limit: Int32? = nil
    ) {
        self.afterId = afterId
        self.limit = limit
    }
}
