import Foundation

/// The answer to CreateSIPParticipant (`livekit.SIPParticipantInfo`).
public struct SIPParticipantInfo: Codable, Sendable, Equatable {
    /// The participant's `PA_` sid.
    public var participantId: String?
    /// Its identity.
    public var participantIdentity: String?
    /// Its room.
    public var roomName: String?
    /// LiveKit's `SCL_` call id (attribute `sip.callID`).
    public var sipCallId: String?

    /// A SIPParticipantInfo; nil fields are not sent.
    public init(
        participantId: String? = nil,
        participantIdentity: String? = nil,
        roomName: String? = nil,
        sipCallId: String? = nil
    ) {
        self.participantId = participantId
        self.participantIdentity = participantIdentity
        self.roomName = roomName
        self.sipCallId = sipCallId
    }
}

/// Transfers a SIP call elsewhere with a SIP REFER (`livekit.TransferSIPParticipantRequest`).
public struct TransferSIPParticipantRequest: Codable, Sendable, Equatable {
    /// The SIP participant.
    public var participantIdentity: String?
    /// Its room.
    public var roomName: String?
    /// A `sip:`, `sips:` or `tel:` URI.
    public var transferTo: String?
    /// Play a dial tone while transferring.
    public var playDialtone: Bool?
    /// Extra SIP headers on the REFER.
    public var headers: [String: String]?
    /// How long the transfer may ring.
    public var ringingTimeout: ProtoDuration?

    /// A TransferSIPParticipantRequest; nil fields are not sent.
    public init(
        participantIdentity: String? = nil,
        roomName: String? = nil,
        transferTo: String? = nil,
        playDialtone: Bool? = nil,
        headers: [String: String]? = nil,
        ringingTimeout: ProtoDuration? = nil
    ) {
        self.participantIdentity = participantIdentity
        self.roomName = roomName
        self.transferTo = transferTo
        self.playDialtone = playDialtone
        self.headers = headers
        self.ringingTimeout = ringingTimeout
    }
}

/// The outcome of a transfer (`livekit.TransferSIPParticipantResponse`).
public struct TransferSIPParticipantResponse: Codable, Sendable, Equatable {
    /// The `STR_` id.
    public var transferId: String?
    /// Ongoing, failed or successful.
    public var status: SIPTransferStatus?
    /// Why it ended.
    public var reason: SIPTransferReason?
    /// The SIP answer to the REFER.
    public var sipStatus: SIPStatus?

    /// A TransferSIPParticipantResponse; nil fields are not sent.
    public init(
        transferId: String? = nil,
        status: SIPTransferStatus? = nil,
        reason: SIPTransferReason? = nil,
        sipStatus: SIPStatus? = nil
    ) {
        self.transferId = transferId
        self.status = status
        self.reason = reason
        self.sipStatus = sipStatus
    }
}

/// A SIP status line (`livekit.SIPStatus`).
public struct SIPStatus: Codable, Sendable, Equatable {
    /// The code (`SIP_STATUS_BUSY_HERE`).
    public var code: SIPStatusCode?
    /// The reason phrase.
    public var status: String?

    /// A SIPStatus; nil fields are not sent.
    public init(
        code: SIPStatusCode? = nil,
        status: String? = nil
    ) {
        self.code = code
        self.status = status
    }
}
